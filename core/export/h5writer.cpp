#include "core/export/h5writer.h"

#include "core/formats/h5access.h"

#include <QFile>

#include <algorithm>
#include <vector>

namespace graft::h5write {

namespace {

void silenceHdf5()
{
    static const bool once = [] {
        H5::Exception::dontPrint();
        return true;
    }();
    (void)once;
}

H5::DataSpace spaceFor(const std::vector<std::int64_t> &shape)
{
    if (shape.empty())
        return H5::DataSpace(H5S_SCALAR);
    std::vector<hsize_t> dims(shape.begin(), shape.end());
    return H5::DataSpace(int(dims.size()), dims.data());
}

void writeFixedStrings(H5::H5Object &object, const std::string &name, const std::vector<QByteArray> &values,
                       std::size_t width)
{
    H5::StrType type(H5::PredType::C_S1, width);
    type.setStrpad(H5T_STR_NULLPAD);
    type.setCset(H5T_CSET_ASCII);
    const hsize_t count = values.size();
    H5::DataSpace space(1, &count);
    std::vector<char> buffer(width * values.size(), '\0');
    for (std::size_t i = 0; i < values.size(); ++i)
        std::copy(values[i].cbegin(), values[i].cend(), buffer.begin() + std::ptrdiff_t(i * width));
    H5::Attribute attribute = object.createAttribute(name, type, space);
    attribute.write(type, buffer.data());
}

} // namespace

Expected<H5::H5File> createFile(const QString &path)
{
    silenceHdf5();
    return h5::guarded(
        path, [&]() -> Expected<H5::H5File> { return H5::H5File(QFile::encodeName(path).constData(), H5F_ACC_TRUNC); });
}

Expected<H5::H5File> createInMemory(const QString &displayName)
{
    silenceHdf5();
    return h5::guarded(displayName, [&]() -> Expected<H5::H5File> {
        H5::FileAccPropList access;
        // The core driver keeps the whole file in memory; backing_store = 0 writes nothing to disk.
        H5Pset_fapl_core(access.getId(), 1 << 16, 0);
        return H5::H5File(QFile::encodeName(displayName).constData(), H5F_ACC_TRUNC, H5::FileCreatPropList::DEFAULT,
                          access);
    });
}

Expected<QByteArray> imageOf(H5::H5File &file, const QString &displayName)
{
    return h5::guarded(displayName, [&]() -> Expected<QByteArray> {
        file.flush(H5F_SCOPE_GLOBAL);
        const ssize_t size = H5Fget_file_image(file.getId(), nullptr, 0);
        if (size <= 0)
            return makeError(QStringLiteral("%1: HDF5 could not produce the file image.").arg(displayName));
        QByteArray image(int(size), Qt::Uninitialized);
        if (H5Fget_file_image(file.getId(), image.data(), std::size_t(size)) != size)
            return makeError(QStringLiteral("%1: HDF5 could not copy the file image.").arg(displayName));
        return image;
    });
}

void writeStringAttribute(H5::H5Object &object, const QString &name, const QString &value, Charset charset)
{
    H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
    type.setCset(charset == Charset::Utf8 ? H5T_CSET_UTF8 : H5T_CSET_ASCII);
    H5::DataSpace scalar(H5S_SCALAR);
    const QByteArray bytes = value.toUtf8();
    const char *text = bytes.constData();
    H5::Attribute attribute = object.createAttribute(name.toStdString(), type, scalar);
    attribute.write(type, &text);
}

Expected<void> writeStringListAttribute(H5::H5Object &object, const QString &name, const QStringList &values)
{
    if (values.isEmpty()) {
        // np.asarray([]) is float64: Keras's marker for "no weights".
        const hsize_t zero = 0;
        H5::DataSpace space(1, &zero);
        object.createAttribute(name.toStdString(), H5::PredType::IEEE_F64LE, space);
        return {};
    }
    std::vector<QByteArray> encoded;
    std::size_t width = 1;
    for (const QString &value : values) {
        encoded.push_back(value.toUtf8());
        width = std::max<std::size_t>(width, std::size_t(encoded.back().size()));
    }
    if (width > objectHeaderLimit)
        return makeError(QStringLiteral("the name '%1…' in %2 is longer than HDF5's %3-byte attribute limit")
                             .arg(values.front().left(40), name)
                             .arg(objectHeaderLimit));
    // numpy.array_split: the first (n % k) chunks hold one element more.
    const std::size_t n = encoded.size();
    std::size_t chunks = 1;
    while (((n + chunks - 1) / chunks) * width > objectHeaderLimit)
        ++chunks;
    if (chunks == 1) {
        writeFixedStrings(object, name.toStdString(), encoded, width);
        return {};
    }
    std::size_t begin = 0;
    for (std::size_t c = 0; c < chunks; ++c) {
        const std::size_t size = n / chunks + (c < n % chunks ? 1 : 0);
        const std::vector<QByteArray> part(encoded.begin() + std::ptrdiff_t(begin),
                                           encoded.begin() + std::ptrdiff_t(begin + size));
        writeFixedStrings(object, (name + QString::number(c)).toStdString(), part, width);
        begin += size;
    }
    return {};
}

H5::Group ensureGroup(H5::Group &group, const QString &path)
{
    H5::Group current = group;
    for (const QString &part : path.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        const std::string name = part.toStdString();
        if (H5Lexists(current.getId(), name.c_str(), H5P_DEFAULT) > 0)
            current = current.openGroup(name);
        else
            current = current.createGroup(name);
    }
    return current;
}

void writeTensor(H5::Group &group, const QString &path, const TensorData &tensor)
{
    const int slash = path.lastIndexOf(QLatin1Char('/'));
    H5::Group parent = slash > 0 ? ensureGroup(group, path.left(slash)) : group;
    const std::string name = path.mid(slash + 1).toStdString();
    H5::DataSet dataset = parent.createDataSet(name, H5::PredType::IEEE_F32LE, spaceFor(tensor.shape));
    if (!tensor.values.empty())
        dataset.write(tensor.values.data(), H5::PredType::NATIVE_FLOAT);
}

} // namespace graft::h5write
