#pragma once

#include "core/common/expected.h"
#include "core/model/tensordata.h"

#include <QJsonObject>
#include <QString>
#include <QVector>

namespace graft {

/**
 * Keras's compute_output_shape for each supported layer class: the shapes of a
 * layer's output tensors (no batch axis, -1 = None) from its config and input
 * shapes. Nested models are handled by ShapeInference, not here.
 */
class LayerShapes final
{
public:
    /** An Error names the input shape and the config values that do not fit together. */
    static Expected<QVector<Shape>> outputShapes(const QString &className, const QJsonObject &config,
                                                 const QVector<Shape> &inputShapes);
    /** Keras's conv_output_length: same/causal → ceil(n/s), valid → floor((n-(k-1)d-1)/s)+1; -1 stays -1. */
    static std::int64_t convOutputLength(std::int64_t n, std::int64_t kernel, const QString &padding,
                                         std::int64_t stride, std::int64_t dilation);
};

} // namespace graft
