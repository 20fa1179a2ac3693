#pragma once

#include <QString>

namespace graft {

/** Keras's snake_case of a class name, as used for default layer names and Keras 3 paths. */
QString kerasSnakeCase(const QString &className);

/**
 * The Keras class a default layer name implies ("conv2d_3" → "Conv2D",
 * "max_pooling2d" → "MaxPooling2D", "q_dense" → "QDense"), or an empty string.
 * Used when a file has weights and names but no architecture.
 */
QString guessLayerClassFromName(const QString &layerName);

} // namespace graft
