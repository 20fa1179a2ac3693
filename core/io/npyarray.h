#pragma once

#include "core/common/expected.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <vector>

namespace graft {

/** Element types a .npy file may hold (no float16, complex, strings or Python objects). */
enum class NpyDtype {
    Float32,
    Float64,
    Int8,
    Int16,
    Int32,
    Int64,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    Bool,
};

/** Bytes per element. */
int npyDtypeSize(NpyDtype dtype);
/** NumPy's name for the type: "float32", "uint8", "bool". */
QString npyDtypeName(NpyDtype dtype);
/** "(2, 3)", "(3,)", "()": a shape as NumPy prints it. */
QString npyShapeString(const std::vector<std::int64_t> &shape);

/**
 * An n-dimensional NumPy array held as a dtype, a shape and its elements as
 * raw little-endian bytes in C (row-major) order — the form every .npy is
 * normalised to on read and written back as, whatever order it came in.
 */
class NpyArray final
{
public:
    /** An empty float32 array of shape (0,). */
    NpyArray();
    /**
     * float32 / int64 / float64 data in C order. `values.size()` must equal the
     * product of `shape` (1 for the 0-d shape {}); this is a programming error
     * and throws std::invalid_argument. Use the from*() factories for data from outside.
     */
    NpyArray(std::vector<float> values, std::vector<std::int64_t> shape);
    NpyArray(std::vector<std::int64_t> values, std::vector<std::int64_t> shape);
    NpyArray(std::vector<double> values, std::vector<std::int64_t> shape);

    static Expected<NpyArray> fromFloat32(std::vector<float> values, std::vector<std::int64_t> shape);
    static Expected<NpyArray> fromInt64(std::vector<std::int64_t> values, std::vector<std::int64_t> shape);
    static Expected<NpyArray> fromFloat64(std::vector<double> values, std::vector<std::int64_t> shape);
    static Expected<NpyArray> fromInt32(const std::vector<std::int32_t> &values, std::vector<std::int64_t> shape);
    static Expected<NpyArray> fromUInt8(const std::vector<std::uint8_t> &values, std::vector<std::int64_t> shape);
    /**
     * Any dtype from little-endian C-order bytes; checks the shape against the
     * limits and that `bytes` holds exactly elementCount * itemsize bytes.
     * Bool bytes other than 0 are stored as 1.
     */
    static Expected<NpyArray> fromRawBytes(NpyDtype dtype, std::vector<std::int64_t> shape, QByteArray bytes);

    NpyDtype dtype() const { return m_dtype; }
    const std::vector<std::int64_t> &shape() const { return m_shape; }
    int rank() const { return int(m_shape.size()); }
    std::int64_t elementCount() const;
    /** "float32 array of shape (2, 3)" — for error messages. */
    QString description() const;

    /** The elements as little-endian C-order bytes (elementCount * itemsize of them). */
    const QByteArray &rawBytes() const { return m_bytes; }

    /** Every element converted to float32 (float64 and wide integers round to nearest). */
    std::vector<float> toFloat32() const;
    /** Every element converted to float64 (exact except int64/uint64 beyond 2^53). */
    std::vector<double> toFloat64() const;
    /**
     * Every element as int64. Fails, naming the first offending element, on
     * float values that are not whole numbers (or NaN/inf) and on uint64 values
     * beyond int64's range — labels and indices must not be silently truncated.
     */
    Expected<std::vector<std::int64_t>> toInt64() const;

    bool operator==(const NpyArray &other) const;
    bool operator!=(const NpyArray &other) const { return !(*this == other); }

private:
    NpyArray(NpyDtype dtype, std::vector<std::int64_t> shape, QByteArray bytes);

    NpyDtype m_dtype = NpyDtype::Float32;
    std::vector<std::int64_t> m_shape;
    QByteArray m_bytes;
};

/**
 * Element count of `shape` (1 for {}), or an Error when the rank, a negative
 * dimension or the product exceeds core/common/limits.h — checked with
 * overflow-safe arithmetic before anything is allocated.
 */
Expected<std::int64_t> npyCheckedElementCount(const std::vector<std::int64_t> &shape);

} // namespace graft
