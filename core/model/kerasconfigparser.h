#pragma once

#include "core/common/expected.h"
#include "core/model/modelspec.h"

#include <QJsonObject>

namespace graft {

/**
 * Reads a Keras model config (`model.to_json()`, the `model_config` attribute,
 * a `.keras` archive's config.json) into a ModelSpec: Sequential and Functional,
 * nested models, Keras 2.0–2.15 and Keras 3 spellings. Weights are not touched.
 */
class KerasConfigParser final
{
public:
    /** `json` is the whole object: {"class_name": …, "config": …}. */
    static Expected<ModelSpec> parse(const QJsonObject &json);
    static Expected<ModelSpec> parse(const QByteArray &jsonText, const QString &sourceName);

    /** Reads the input shape (no batch axis) from an InputLayer or first-layer config. */
    static bool inputShapeFromLayerConfig(const QJsonObject &config, Shape *shape, QString *dtype);
};

/** True for the layer classes Graft can execute and count from the config. */
bool isSupportedLayerClass(const QString &className);
/** True for container classes whose config holds a nested model. */
bool isModelClass(const QString &className);

} // namespace graft
