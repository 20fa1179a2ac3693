#pragma once

#include "core/common/expected.h"
#include "core/io/npyarray.h"

#include <QByteArray>
#include <QString>

#include <vector>

namespace graft {

/** One array of an .npz archive; `name` is the member name without its ".npy" suffix. */
struct NpzEntry
{
    QString name;
    NpyArray array;
};

/** The arrays of an .npz archive in archive order. */
using NpzContents = std::vector<NpzEntry>;

/**
 * Reads and writes NumPy .npz archives (np.savez / np.savez_compressed): a zip
 * of .npy members, stored or deflated.
 */
class NpzFile final
{
public:
    NpzFile() = delete;

    enum class Compression { Stored, Deflated };

    static Expected<NpzContents> read(const QString &path);
    static Expected<NpzContents> fromBytes(const QByteArray &bytes, const QString &sourceName);

    /**
     * Writes `contents` to `path` atomically; names must be non-empty and unique.
     * Stored matches np.savez, Deflated matches np.savez_compressed.
     */
    static Expected<void> write(const QString &path, const NpzContents &contents,
                                Compression compression = Compression::Stored);

    /** The entry called `name`, or nullptr. */
    static const NpyArray *find(const NpzContents &contents, const QString &name);
};

} // namespace graft
