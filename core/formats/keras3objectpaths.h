#pragma once

#include "core/model/modelspec.h"

#include <QString>
#include <QStringList>

namespace graft {

/**
 * Where Keras 3's saving_lib puts each layer's variables inside `.weights.h5`
 * and `.keras` files. One rule for the loader (WeightAssigner) and the
 * exporter, so that what Graft writes is what Graft (and Keras) read back.
 */
namespace keras3paths {

/** The class Keras 3 instantiates for a config class: "Model" (Keras 2 spelling) is "Functional". */
QString keras3ClassName(const QString &className);

/**
 * The object path of every layer of `model.layers`, in order: `prefix` + "layers/" +
 * snake_case(class) + "_N" for the N-th repeat of a class name, as Keras 3's
 * _save_container_state numbers them. `prefix` is "" or a nested model's path + '/'.
 */
QStringList layerPaths(const ModelSpec &model, const QString &prefix = QString());

/**
 * Where a layer keeps its variables, relative to its own path: "" for most layers,
 * "/cell" for SimpleRNN/LSTM/GRU, "/forward_layer[/cell]" and "/backward_layer[/cell]"
 * for Bidirectional, "/layer[/cell]" for TimeDistributed.
 */
QStringList varPaths(const Layer &layer);

} // namespace keras3paths

} // namespace graft
