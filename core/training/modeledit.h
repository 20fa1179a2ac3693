#pragma once

// Internal to core/training: small edits of a ModelSpec that keep its layer
// configs, the entries Keras wrote (sourceEntry) and the model config
// (sourceConfig) in agreement, so that export writes what the model now is.

#include "core/model/modelspec.h"

#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace graft::modeledit {

/** Sets `key` in the layer's config and in the config of its source entry. */
void setConfigValue(Layer &layer, const QString &key, const QJsonValue &value);
/** Sets `trainable` on the layer (flag, config and entry). */
void setTrainable(Layer &layer, bool trainable);
/** "dense_3": Keras's next free default name for a class, over the whole model (nested models included). */
QString freeLayerName(const ModelSpec &model, const QString &className);
/**
 * A new Dense layer of `units` on top of `input` (a tensor of `inputSize` features),
 * its config and entry modelled on `templateDense` (Keras 2 or Keras 3 spelling).
 */
Layer denseOnTop(const Layer &templateDense, const QString &name, int units, const QString &activation,
                 const TensorRef &input, int inputSize);
/**
 * Brings sourceConfig in line after layers were changed, removed or appended:
 * the layer list follows model.layers (entries from sourceEntry), the output
 * list follows model.outputs.
 */
void syncSourceConfig(ModelSpec &model, const QStringList &removedLayers);

} // namespace graft::modeledit
