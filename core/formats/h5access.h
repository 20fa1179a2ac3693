#pragma once

// Private to core/formats: HDF5 C++ types never leave this module's .cpp files.

#include "core/common/expected.h"
#include "core/model/tensordata.h"

#include <H5Cpp.h>

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace graft::h5 {

/** Opens an HDF5 file read-only, with HDF5's own error printing silenced. */
Expected<H5::H5File> openReadOnly(const QString &path);
/** Opens an in-memory HDF5 image (e.g. a `.keras` archive member) read-only; `image` must outlive the file. */
Expected<H5::H5File> openImage(const QByteArray &image, const QString &displayName);

bool hasAttribute(const H5::H5Object &object, const QString &name);
/** A string attribute, fixed- or variable-length, scalar or a one-element array. */
std::optional<QString> readStringAttribute(const H5::H5Object &object, const QString &name);
/**
 * A list-of-strings attribute as Keras writes `layer_names`/`weight_names`: fixed or
 * variable length, an empty float64 array for "none", or split into name0, name1, …
 * when it outgrew HDF5's 64 KiB attribute header limit.
 */
Expected<QStringList> readStringListAttribute(const H5::H5Object &object, const QString &name);

bool hasChild(const H5::Group &group, const QString &path);
QStringList childNames(const H5::Group &group);
bool isGroup(const H5::Group &group, const QString &name);

/** Reads a numeric dataset (any float/int type) as float32, checking rank and size limits first. */
Expected<TensorData> readTensor(const H5::Group &group, const QString &path);

/** Runs `body`, turning HDF5 exceptions into an Error that names `context`. */
template <typename F> auto guarded(const QString &context, F &&body) -> decltype(body())
{
    try {
        return body();
    } catch (const H5::Exception &e) {
        return makeError(
            QStringLiteral("%1: HDF5 error in %2: %3")
                .arg(context, QString::fromStdString(e.getFuncName()), QString::fromStdString(e.getDetailMsg())));
    } catch (const std::exception &e) {
        return makeError(QStringLiteral("%1: %2").arg(context, QString::fromLocal8Bit(e.what())));
    }
}

} // namespace graft::h5
