#include "core/io/npyarray.h"

#include "core/common/limits.h"

#include <QtEndian>

#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

static_assert(Q_BYTE_ORDER == Q_LITTLE_ENDIAN, "NpyArray stores little-endian bytes and reads them as native values");

namespace graft {

namespace {

template <typename T> T loadAt(const QByteArray &bytes, std::int64_t index)
{
    T value;
    std::memcpy(&value, bytes.constData() + index * std::int64_t(sizeof(T)), sizeof(T));
    return value;
}

// Calls f(index, value) with each element converted to Out.
template <typename Out, typename F> void forEachAs(NpyDtype dtype, const QByteArray &bytes, std::int64_t count, F &&f)
{
    switch (dtype) {
    case NpyDtype::Float32:
        for (std::int64_t i = 0; i < count; ++i)
            f(i, loadAt<float>(bytes, i));
        return;
    case NpyDtype::Float64:
        for (std::int64_t i = 0; i < count; ++i)
            f(i, loadAt<double>(bytes, i));
        return;
    case NpyDtype::Int8:
        for (std::int64_t i = 0; i < count; ++i)
            f(i, loadAt<std::int8_t>(bytes, i));
        return;
    case NpyDtype::Int16:
        for (std::int64_t i = 0; i < count; ++i)
            f(i, loadAt<std::int16_t>(bytes, i));
        return;
    case NpyDtype::Int32:
        for (std::int64_t i = 0; i < count; ++i)
            f(i, loadAt<std::int32_t>(bytes, i));
        return;
    case NpyDtype::Int64:
        for (std::int64_t i = 0; i < count; ++i)
            f(i, loadAt<std::int64_t>(bytes, i));
        return;
    case NpyDtype::UInt8:
    case NpyDtype::Bool:
        for (std::int64_t i = 0; i < count; ++i)
            f(i, loadAt<std::uint8_t>(bytes, i));
        return;
    case NpyDtype::UInt16:
        for (std::int64_t i = 0; i < count; ++i)
            f(i, loadAt<std::uint16_t>(bytes, i));
        return;
    case NpyDtype::UInt32:
        for (std::int64_t i = 0; i < count; ++i)
            f(i, loadAt<std::uint32_t>(bytes, i));
        return;
    case NpyDtype::UInt64:
        for (std::int64_t i = 0; i < count; ++i)
            f(i, loadAt<std::uint64_t>(bytes, i));
        return;
    }
}

template <typename T> QByteArray bytesOf(const std::vector<T> &values)
{
    return QByteArray(reinterpret_cast<const char *>(values.data()), qsizetype(values.size() * sizeof(T)));
}

NpyArray constructOrThrow(Expected<NpyArray> made)
{
    if (!made)
        throw std::invalid_argument(made.errorString().toStdString());
    return std::move(made).value();
}

} // namespace

int npyDtypeSize(NpyDtype dtype)
{
    switch (dtype) {
    case NpyDtype::Int8:
    case NpyDtype::UInt8:
    case NpyDtype::Bool: return 1;
    case NpyDtype::Int16:
    case NpyDtype::UInt16: return 2;
    case NpyDtype::Float32:
    case NpyDtype::Int32:
    case NpyDtype::UInt32: return 4;
    case NpyDtype::Float64:
    case NpyDtype::Int64:
    case NpyDtype::UInt64: return 8;
    }
    return 1;
}

QString npyDtypeName(NpyDtype dtype)
{
    switch (dtype) {
    case NpyDtype::Float32: return QStringLiteral("float32");
    case NpyDtype::Float64: return QStringLiteral("float64");
    case NpyDtype::Int8: return QStringLiteral("int8");
    case NpyDtype::Int16: return QStringLiteral("int16");
    case NpyDtype::Int32: return QStringLiteral("int32");
    case NpyDtype::Int64: return QStringLiteral("int64");
    case NpyDtype::UInt8: return QStringLiteral("uint8");
    case NpyDtype::UInt16: return QStringLiteral("uint16");
    case NpyDtype::UInt32: return QStringLiteral("uint32");
    case NpyDtype::UInt64: return QStringLiteral("uint64");
    case NpyDtype::Bool: return QStringLiteral("bool");
    }
    return QString();
}

QString npyShapeString(const std::vector<std::int64_t> &shape)
{
    QString text = QStringLiteral("(");
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i > 0)
            text += QStringLiteral(", ");
        text += QString::number(shape[i]);
    }
    if (shape.size() == 1)
        text += QLatin1Char(',');
    return text + QLatin1Char(')');
}

Expected<std::int64_t> npyCheckedElementCount(const std::vector<std::int64_t> &shape)
{
    if (shape.size() > std::size_t(limits::maxTensorRank))
        return makeError(QStringLiteral("shape %1 has rank %2; at most %3 dimensions are supported.")
                             .arg(npyShapeString(shape))
                             .arg(shape.size())
                             .arg(limits::maxTensorRank));
    std::int64_t count = 1;
    for (const std::int64_t dim : shape) {
        if (dim < 0)
            return makeError(QStringLiteral("shape %1 has a negative dimension.").arg(npyShapeString(shape)));
    }
    // A zero anywhere makes the array empty however large the other dimensions are,
    // but those must still be sane numbers.
    for (const std::int64_t dim : shape) {
        if (dim > limits::maxTensorElements)
            return makeError(QStringLiteral("shape %1 has a dimension above the limit of %2 elements.")
                                 .arg(npyShapeString(shape))
                                 .arg(limits::maxTensorElements));
    }
    for (const std::int64_t dim : shape) {
        if (dim == 0)
            return std::int64_t(0);
    }
    for (const std::int64_t dim : shape) {
        // count <= max and dim <= max, so checking by division cannot overflow.
        if (count > limits::maxTensorElements / dim)
            return makeError(QStringLiteral("shape %1 has more than the limit of %2 elements.")
                                 .arg(npyShapeString(shape))
                                 .arg(limits::maxTensorElements));
        count *= dim;
    }
    return count;
}

NpyArray::NpyArray() : m_shape{0}
{ }

NpyArray::NpyArray(NpyDtype dtype, std::vector<std::int64_t> shape, QByteArray bytes)
    : m_dtype(dtype), m_shape(std::move(shape)), m_bytes(std::move(bytes))
{ }

NpyArray::NpyArray(std::vector<float> values, std::vector<std::int64_t> shape)
    : NpyArray(constructOrThrow(fromFloat32(std::move(values), std::move(shape))))
{ }

NpyArray::NpyArray(std::vector<std::int64_t> values, std::vector<std::int64_t> shape)
    : NpyArray(constructOrThrow(fromInt64(std::move(values), std::move(shape))))
{ }

NpyArray::NpyArray(std::vector<double> values, std::vector<std::int64_t> shape)
    : NpyArray(constructOrThrow(fromFloat64(std::move(values), std::move(shape))))
{ }

Expected<NpyArray> NpyArray::fromFloat32(std::vector<float> values, std::vector<std::int64_t> shape)
{
    return fromRawBytes(NpyDtype::Float32, std::move(shape), bytesOf(values));
}

Expected<NpyArray> NpyArray::fromInt64(std::vector<std::int64_t> values, std::vector<std::int64_t> shape)
{
    return fromRawBytes(NpyDtype::Int64, std::move(shape), bytesOf(values));
}

Expected<NpyArray> NpyArray::fromFloat64(std::vector<double> values, std::vector<std::int64_t> shape)
{
    return fromRawBytes(NpyDtype::Float64, std::move(shape), bytesOf(values));
}

Expected<NpyArray> NpyArray::fromInt32(const std::vector<std::int32_t> &values, std::vector<std::int64_t> shape)
{
    return fromRawBytes(NpyDtype::Int32, std::move(shape), bytesOf(values));
}

Expected<NpyArray> NpyArray::fromUInt8(const std::vector<std::uint8_t> &values, std::vector<std::int64_t> shape)
{
    return fromRawBytes(NpyDtype::UInt8, std::move(shape), bytesOf(values));
}

Expected<NpyArray> NpyArray::fromRawBytes(NpyDtype dtype, std::vector<std::int64_t> shape, QByteArray bytes)
{
    const Expected<std::int64_t> count = npyCheckedElementCount(shape);
    if (!count)
        return makeError(QStringLiteral("Cannot make a %1 array: %2").arg(npyDtypeName(dtype), count.errorString()));
    const std::int64_t expected = *count * npyDtypeSize(dtype);
    if (std::int64_t(bytes.size()) != expected)
        return makeError(QStringLiteral("Cannot make a %1 array of shape %2: it needs %3 bytes "
                                        "(%4 elements) but %5 bytes were given.")
                             .arg(npyDtypeName(dtype), npyShapeString(shape))
                             .arg(expected)
                             .arg(*count)
                             .arg(bytes.size()));
    if (dtype == NpyDtype::Bool) {
        char *data = bytes.data();
        for (qsizetype i = 0; i < bytes.size(); ++i)
            data[i] = data[i] != 0 ? 1 : 0;
    }
    return NpyArray(dtype, std::move(shape), std::move(bytes));
}

std::int64_t NpyArray::elementCount() const
{
    return std::int64_t(m_bytes.size()) / npyDtypeSize(m_dtype);
}

QString NpyArray::description() const
{
    return QStringLiteral("%1 array of shape %2").arg(npyDtypeName(m_dtype), npyShapeString(m_shape));
}

std::vector<float> NpyArray::toFloat32() const
{
    const std::int64_t count = elementCount();
    std::vector<float> out(static_cast<std::size_t>(count));
    forEachAs<float>(m_dtype, m_bytes, count,
                     [&out](std::int64_t i, auto value) { out[std::size_t(i)] = static_cast<float>(value); });
    return out;
}

std::vector<double> NpyArray::toFloat64() const
{
    const std::int64_t count = elementCount();
    std::vector<double> out(static_cast<std::size_t>(count));
    forEachAs<double>(m_dtype, m_bytes, count,
                      [&out](std::int64_t i, auto value) { out[std::size_t(i)] = static_cast<double>(value); });
    return out;
}

Expected<std::vector<std::int64_t>> NpyArray::toInt64() const
{
    const std::int64_t count = elementCount();
    std::vector<std::int64_t> out(static_cast<std::size_t>(count));
    std::int64_t badIndex = -1;
    forEachAs<std::int64_t>(m_dtype, m_bytes, count, [&](std::int64_t i, auto value) {
        using T = decltype(value);
        if (badIndex >= 0)
            return;
        if constexpr (std::is_floating_point_v<T>) {
            // 2^63 is exactly representable; anything at or above it is out of range.
            constexpr double limit = 9223372036854775808.0;
            if (!std::isfinite(value) || std::trunc(value) != value || value >= limit || value < -limit) {
                badIndex = i;
                return;
            }
            out[std::size_t(i)] = static_cast<std::int64_t>(value);
        } else if constexpr (std::is_same_v<T, std::uint64_t>) {
            if (value > std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
                badIndex = i;
                return;
            }
            out[std::size_t(i)] = static_cast<std::int64_t>(value);
        } else {
            out[std::size_t(i)] = static_cast<std::int64_t>(value);
        }
    });
    if (badIndex >= 0)
        return makeError(QStringLiteral("Element %1 of the %2 is not a whole number within the "
                                        "int64 range (%3).")
                             .arg(badIndex)
                             .arg(description())
                             .arg(toFloat64()[std::size_t(badIndex)]));
    return out;
}

bool NpyArray::operator==(const NpyArray &other) const
{
    return m_dtype == other.m_dtype && m_shape == other.m_shape && m_bytes == other.m_bytes;
}

} // namespace graft
