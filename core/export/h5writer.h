#pragma once

// Private to core/export: HDF5 C++ types never leave this module's .cpp files.

#include "core/common/expected.h"
#include "core/model/tensordata.h"

#include <H5Cpp.h>

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace graft::h5write {

/** Creates (truncates) an HDF5 file at `path`, with HDF5's own error printing silenced. */
Expected<H5::H5File> createFile(const QString &path);
/** Creates an HDF5 file held in memory only; imageOf() returns its bytes (e.g. for a zip member). */
Expected<H5::H5File> createInMemory(const QString &displayName);
Expected<QByteArray> imageOf(H5::H5File &file, const QString &displayName);

/** How a string attribute is typed: as h5py 2.x/3.x writes a Python str (variable length). */
enum class Charset { Ascii, Utf8 };

/** A scalar variable-length string attribute (h5py's `attrs[name] = "text"`). */
void writeStringAttribute(H5::H5Object &object, const QString &name, const QString &value,
                          Charset charset = Charset::Ascii);

/**
 * A list of names the way Keras's save_attributes_to_hdf5_group stores
 * `layer_names`/`weight_names`: a 1-D array of fixed-length, NUL-padded byte
 * strings as wide as the longest name (numpy's `|S<n>`), an empty float64 array
 * for an empty list, and split into name0, name1, … (numpy.array_split) when the
 * array would exceed HDF5's 64 KiB object-header limit.
 */
Expected<void> writeStringListAttribute(H5::H5Object &object, const QString &name, const QStringList &values);

/** A float32 dataset at `path` (slash-separated, intermediate groups created), contiguous, little-endian. */
void writeTensor(H5::Group &group, const QString &path, const TensorData &tensor);

/** Opens `path` below `group`, creating each missing group on the way. */
H5::Group ensureGroup(H5::Group &group, const QString &path);

/** Keras's HDF5_OBJECT_HEADER_LIMIT: larger attributes are split in chunks. */
constexpr std::size_t objectHeaderLimit = 64512;

} // namespace graft::h5write
