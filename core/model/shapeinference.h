#pragma once

#include "core/common/expected.h"
#include "core/model/modelspec.h"

#include <QStringList>
#include <QVector>

namespace graft {

/** What one shape-inference pass found: counts and every issue, named by layer path. */
struct ShapeInferenceReport
{
    int layerCount = 0;               // layers visited, nested models' layers included
    int inferredLayers = 0;           // of those, layers whose output shapes are known
    QVector<Shape> modelOutputShapes; // per model.outputs entry; empty when outputsKnown is false
    bool outputsKnown = false;
    QStringList issues; // "conv2d_1: …", nested layers as "model_1/dense: …"

    bool complete() const { return issues.isEmpty() && inferredLayers == layerCount; }
};

/**
 * Keras's build step without Keras: walks a ModelSpec from its inputs in
 * topological order and fills every layer's outputShapes and expectedWeights
 * (recursively into nested models), so counts, checks and the engine can rely
 * on them before any weight is loaded. Problems become layer issues, not errors.
 */
class ShapeInference final
{
public:
    /** Issues added here start with this, so a later run can replace them. */
    static QString issuePrefix();
    /** Fails only when the model has no inputs at all; everything else is in the report. */
    static Expected<ShapeInferenceReport> run(ModelSpec &model);
};

/**
 * The config node index of a layer's first call. Keras (tf.keras and Keras 3) numbers
 * the calls of a nested model from 1 when the model has a construction node of its
 * own (it was built on an Input), so an outer layer refers to its first call as
 * ("model_1", 1, 0) although inbound_nodes lists that call first. 0 for plain layers.
 */
int configNodeIndexBase(const ModelSpec &model, const Layer &layer);

} // namespace graft
