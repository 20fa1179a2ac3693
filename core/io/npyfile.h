#pragma once

#include "core/common/expected.h"
#include "core/io/npyarray.h"

#include <QByteArray>
#include <QString>

namespace graft {

/**
 * Reads and writes NumPy .npy files. Reads format versions 1.0, 2.0 and 3.0,
 * any byte order and C or Fortran order (returned in C order); writes version
 * 1.0, little-endian, C order. Object (pickled) arrays are refused, never unpickled.
 */
class NpyFile final
{
public:
    NpyFile() = delete;

    /** Reads the file at `path` (opened read-only). */
    static Expected<NpyArray> read(const QString &path);
    /** Parses an in-memory .npy image; `sourceName` is used in error messages (e.g. "a.npz: x.npy"). */
    static Expected<NpyArray> fromBytes(const QByteArray &bytes, const QString &sourceName);

    /** The .npy image of `array` (version 1.0, little-endian, C order). */
    static QByteArray toBytes(const NpyArray &array);
    /** Writes `array` to `path` atomically (a failed write leaves any previous file untouched). */
    static Expected<void> write(const QString &path, const NpyArray &array);
};

} // namespace graft
