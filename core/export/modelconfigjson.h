#pragma once

// Private to core/export.

#include "core/common/expected.h"
#include "core/model/modelspec.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

namespace graft::exportconfig {

/**
 * The current model as `model.to_json()` would give it ({"class_name", "config"}), in the
 * spelling of the config it was read from (Keras 2 inbound-node lists, or Keras 3's
 * args/kwargs when the source was Keras 3): each layer's current config and `trainable`
 * flag (a remapped head's new `units`, frozen layers) and the current graph. Whatever the
 * source had beyond that (keys Graft does not interpret) is kept.
 */
QJsonObject sourceStyleConfig(const ModelSpec &model, bool keras3Source);

/**
 * The model as Keras 3 serializes it into a `.keras` archive's config.json: "module" and
 * "registered_name" on every object, InputLayer `batch_shape`, inbound nodes as
 * args/kwargs with `__keras_tensor__` entries (nested models' node indices renumbered the
 * Keras 3 way), and Keras 2-only options converted or dropped. Where Keras 3 would compute
 * something different (hard_sigmoid, gelu), a note goes to `warnings`.
 */
Expected<QJsonObject> keras3Config(const ModelSpec &model, bool keras3Source, QStringList *warnings);

namespace detail {

/** [null, d1, d2, …] for a shape without batch axis (-1 → null). */
QJsonArray batchShapeJson(const Shape &shape);
/** The shape (no batch axis) of a tensor of `model`, if shape inference knew it. */
bool tensorShape(const ModelSpec &model, const TensorRef &ref, Shape *shape, QString *dtype);
/** The layers' input refs per inbound node, read from a config's inbound_nodes in either spelling. */
QVector<QVector<TensorRef>> inboundRefs(const QJsonValue &inboundNodes);
/** {"class_name": "__keras_tensor__", …} for one tensor of `model`, with `nodeIndex` as given. */
QJsonObject kerasTensorJson(const ModelSpec &model, const TensorRef &ref, int nodeIndex);

} // namespace detail

} // namespace graft::exportconfig
