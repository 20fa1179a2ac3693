#pragma once

#include <QString>

#include <cstdint>
#include <vector>

namespace graft {

/** Dimensions without the batch axis; -1 stands for Keras's None (unknown length). */
using Shape = std::vector<std::int64_t>;

/** "(None, 14, 29, 32)": a shape as model.summary() prints it, batch axis included. */
QString shapeToString(const Shape &shape, bool withBatchAxis = true);

/** A dense float32 array in C order: how weights travel between files, model and engine. */
struct TensorData
{
    std::vector<std::int64_t> shape;
    std::vector<float> values;

    std::int64_t elementCount() const;
    /** "(3, 3, 2, 4)" */
    QString shapeString() const;
    bool sameShape(const TensorData &other) const { return shape == other.shape; }
};

/** Product of dimensions, or -1 when a dimension is unknown or the product overflows the limits. */
std::int64_t elementCountOf(const std::vector<std::int64_t> &shape);

} // namespace graft
