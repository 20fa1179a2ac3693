#pragma once

// Private to core/export.

#include "core/common/expected.h"
#include "core/model/modelspec.h"

#include <QString>
#include <QVector>

namespace graft::exportlayout {

/** A weight as it goes into a file: its name there and its values (owned by the ModelSpec). */
struct NamedTensor
{
    QString name;
    const TensorData *tensor = nullptr;
};

/** One entry of a legacy file's `layer_names`: the layer's group and its `weight_names`, in order. */
struct LegacyLayerGroup
{
    QString layerName;
    QVector<NamedTensor> weights;
};

/**
 * The groups tf.keras's save_weights() writes for `model`: one per model.layers entry, in
 * order, each listing the layer's weights as Keras orders `layer.weights` (a nested model's
 * trainable weights first, then the rest) under names like "conv2d/kernel:0". Fails naming
 * the layer when a layer lacks weights its config requires.
 */
Expected<QVector<LegacyLayerGroup>> legacyGroups(const ModelSpec &model);

/** One `vars` group of a Keras 3 weights file: its object path and variables (possibly none). */
struct Keras3Vars
{
    QString path;      // "layers/conv2d", "layers/lstm/cell"
    QString layerName; // written as the group's `name` attribute, as Keras ≥ 3.6 does
    QVector<const TensorData *> vars;
};

/**
 * Every object Keras 3's saving_lib visits for `model`, in its order, with the variables it
 * stores (empty `vars` groups for layers without weights, wrappers and cells' parents).
 * Paths follow keras3paths::layerPaths/varPaths. `withArchitecture` false: the model is a
 * listing from a Keras 3 file without architecture and keeps the paths it was read from.
 */
Expected<QVector<Keras3Vars>> keras3Groups(const ModelSpec &model, bool withArchitecture);

} // namespace graft::exportlayout
