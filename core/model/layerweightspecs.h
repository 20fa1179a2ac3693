#pragma once

#include "core/common/expected.h"
#include "core/model/layer.h"

#include <QJsonObject>
#include <QString>
#include <QVector>

namespace graft {

/**
 * The weight variables Keras creates when it builds a layer: short names
 * ("kernel", "forward/recurrent_kernel"), shapes and intrinsic trainability, in
 * Keras's order. The names are the contract between loader, engine and export.
 */
class LayerWeightSpecs final
{
public:
    /** The weights of a layer of `className` with `config`, built on `inputShapes` (no batch axis).
     *  An Error names the shape that keeps Keras from building the layer. */
    static Expected<QVector<WeightSpec>> forLayer(const QString &className, const QJsonObject &config,
                                                  const QVector<Shape> &inputShapes);
};

} // namespace graft
