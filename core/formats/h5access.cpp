#include "core/formats/h5access.h"

#include "core/common/limits.h"

#include <QFile>

#include <vector>

namespace graft::h5 {

namespace {

void silenceHdf5()
{
    static const bool once = [] {
        H5::Exception::dontPrint();
        return true;
    }();
    (void)once;
}

QString fromBytes(const char *data, size_t size)
{
    // Fixed-length strings are NUL-padded (or space-padded by some writers).
    size_t n = 0;
    while (n < size && data[n] != '\0')
        ++n;
    return QString::fromUtf8(data, int(n)).trimmed();
}

Expected<QStringList> readStrings(const H5::Attribute &attr, const QString &name)
{
    const H5::DataType type = attr.getDataType();
    const H5::DataSpace space = attr.getSpace();
    const hssize_t count = space.getSimpleExtentNpoints();
    if (count < 0 || count > limits::maxLayers * 16)
        return makeError(QStringLiteral("attribute %1 has %2 entries").arg(name).arg(count));
    if (type.getClass() != H5T_STRING) {
        // Keras writes an empty float64 array for "no weights".
        if (count == 0)
            return QStringList();
        return makeError(QStringLiteral("attribute %1 is not a list of strings").arg(name));
    }
    QStringList result;
    const H5::StrType strType = attr.getStrType();
    if (strType.isVariableStr()) {
        std::vector<char *> pointers(size_t(std::max<hssize_t>(count, 1)), nullptr);
        attr.read(strType, pointers.data());
        for (hssize_t i = 0; i < count; ++i)
            result << (pointers[size_t(i)] ? QString::fromUtf8(pointers[size_t(i)]) : QString());
        H5Dvlen_reclaim(strType.getId(), space.getId(), H5P_DEFAULT, pointers.data());
    } else {
        const size_t width = strType.getSize();
        std::vector<char> buffer(width * size_t(std::max<hssize_t>(count, 1)) + 1, '\0');
        attr.read(strType, buffer.data());
        for (hssize_t i = 0; i < count; ++i)
            result << fromBytes(buffer.data() + size_t(i) * width, width);
    }
    return result;
}

} // namespace

Expected<H5::H5File> openReadOnly(const QString &path)
{
    silenceHdf5();
    return guarded(path, [&]() -> Expected<H5::H5File> {
        if (!QFile::exists(path))
            return makeError(QStringLiteral("%1: no such file").arg(path));
        if (H5::H5File::isHdf5(QFile::encodeName(path).constData()) <= 0)
            return makeError(QStringLiteral("%1 is not an HDF5 file").arg(path));
        return H5::H5File(QFile::encodeName(path).constData(), H5F_ACC_RDONLY);
    });
}

Expected<H5::H5File> openImage(const QByteArray &image, const QString &displayName)
{
    silenceHdf5();
    return guarded(displayName, [&]() -> Expected<H5::H5File> {
        H5::FileAccPropList access;
        // The core driver serves the file from memory; no backing store, nothing written.
        H5Pset_fapl_core(access.getId(), 1 << 16, 0);
        if (H5Pset_file_image(access.getId(), const_cast<char *>(image.constData()), size_t(image.size())) < 0)
            return makeError(QStringLiteral("%1: cannot use the data as an HDF5 image").arg(displayName));
        return H5::H5File(QFile::encodeName(displayName).constData(), H5F_ACC_RDONLY, H5::FileCreatPropList::DEFAULT,
                          access);
    });
}

bool hasAttribute(const H5::H5Object &object, const QString &name)
{
    return object.attrExists(name.toStdString());
}

std::optional<QString> readStringAttribute(const H5::H5Object &object, const QString &name)
{
    try {
        if (!object.attrExists(name.toStdString()))
            return std::nullopt;
        const H5::Attribute attr = object.openAttribute(name.toStdString());
        auto strings = readStrings(attr, name);
        if (!strings || strings->isEmpty())
            return std::nullopt;
        return strings->front();
    } catch (const H5::Exception &) {
        return std::nullopt;
    }
}

Expected<QStringList> readStringListAttribute(const H5::H5Object &object, const QString &name)
{
    return guarded(QStringLiteral("attribute %1").arg(name), [&]() -> Expected<QStringList> {
        if (object.attrExists(name.toStdString()))
            return readStrings(object.openAttribute(name.toStdString()), name);
        QStringList all;
        for (int chunk = 0; object.attrExists((name + QString::number(chunk)).toStdString()); ++chunk) {
            const QString chunkName = name + QString::number(chunk);
            auto part = readStrings(object.openAttribute(chunkName.toStdString()), chunkName);
            if (!part)
                return part.error();
            all += *part;
        }
        return all;
    });
}

bool hasChild(const H5::Group &group, const QString &path)
{
    // Walk component by component: H5Lexists fails on a missing intermediate group.
    const QStringList parts = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    hid_t current = group.getId();
    QByteArray prefix;
    for (const QString &part : parts) {
        prefix += (prefix.isEmpty() ? QByteArray() : QByteArray("/")) + part.toUtf8();
        if (H5Lexists(current, prefix.constData(), H5P_DEFAULT) <= 0)
            return false;
    }
    return true;
}

QStringList childNames(const H5::Group &group)
{
    QStringList names;
    const hsize_t n = group.getNumObjs();
    for (hsize_t i = 0; i < n; ++i)
        names << QString::fromStdString(group.getObjnameByIdx(i));
    return names;
}

bool isGroup(const H5::Group &group, const QString &name)
{
    if (!hasChild(group, name))
        return false;
    H5O_info_t info;
    if (H5Oget_info_by_name(group.getId(), name.toUtf8().constData(), &info, H5P_DEFAULT) < 0)
        return false;
    return info.type == H5O_TYPE_GROUP;
}

Expected<TensorData> readTensor(const H5::Group &group, const QString &path)
{
    return guarded(QStringLiteral("dataset %1").arg(path), [&]() -> Expected<TensorData> {
        if (!hasChild(group, path))
            return makeError(QStringLiteral("dataset %1 is missing").arg(path));
        const H5::DataSet dataset = group.openDataSet(path.toStdString());
        const H5::DataSpace space = dataset.getSpace();
        const int rank = space.getSimpleExtentNdims();
        if (rank < 0 || rank > limits::maxTensorRank)
            return makeError(
                QStringLiteral("dataset %1 has rank %2 (limit %3)").arg(path).arg(rank).arg(limits::maxTensorRank));
        std::vector<hsize_t> dims(size_t(rank), 0);
        if (rank > 0)
            space.getSimpleExtentDims(dims.data());
        TensorData tensor;
        for (hsize_t d : dims)
            tensor.shape.push_back(std::int64_t(d));
        const std::int64_t count = tensor.elementCount();
        if (count < 0)
            return makeError(
                QStringLiteral("dataset %1 of shape %2 exceeds the element limit").arg(path, tensor.shapeString()));
        const H5T_class_t typeClass = dataset.getTypeClass();
        if (typeClass != H5T_FLOAT && typeClass != H5T_INTEGER)
            return makeError(QStringLiteral("dataset %1 is not numeric").arg(path));
        // Stored size must match what the shape claims, or the file is damaged.
        const hsize_t storage = dataset.getStorageSize();
        const size_t elementSize = dataset.getDataType().getSize();
        const H5::DSetCreatPropList creation = dataset.getCreatePlist();
        // A header can promise billions of elements it never stored (chunked, no
        // chunks written): refuse before allocating. Keras always writes its weights.
        if (count > 0 && storage == 0)
            return makeError(
                QStringLiteral("dataset %1 declares shape %2 but stores no data (damaged or not written by Keras)")
                    .arg(path, tensor.shapeString()));
        if (creation.getLayout() == H5D_CONTIGUOUS && count > 0 && storage > 0
            && storage < hsize_t(count) * elementSize)
            return makeError(QStringLiteral("dataset %1 is truncated: %2 bytes stored for shape %3")
                                 .arg(path)
                                 .arg(storage)
                                 .arg(tensor.shapeString()));
        tensor.values.resize(size_t(count));
        if (count > 0)
            dataset.read(tensor.values.data(), H5::PredType::NATIVE_FLOAT);
        return tensor;
    });
}

} // namespace graft::h5
