#pragma once

#include "core/common/expected.h"
#include "core/model/modelspec.h"
#include "core/training/headplan.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <cstdint>
#include <vector>

namespace graft {

/** The Dense layer that produces a classifier's outputs, and what sits between it and the model output. */
struct OutputHead
{
    QString layer;     ///< the Dense
    int units = 0;     ///< N
    int inputSize = 0; ///< size of the penultimate activations
    bool hasBias = true;
    QString activation;         ///< the Dense's own activation ("softmax", "linear", …)
    TensorRef inputTensor;      ///< the penultimate activations (what imprinting averages)
    QStringList trailingLayers; ///< weightless layers between the Dense and the model output (e.g. Activation)
};

/** Before/after view of a head plan: sizes, parameters and what each new row starts from. */
struct HeadPlanSummary
{
    QString headLayer;
    HeadMode mode = HeadMode::PerRow;
    int oldUnits = 0;
    int newUnits = 0;
    std::int64_t headParamsBefore = 0;
    std::int64_t headParamsAfter = 0;
    std::int64_t modelParamsBefore = 0;
    std::int64_t modelParamsAfter = 0;
    int copiedRows = 0;
    QStringList rowDescriptions;   ///< "alice: copy ← 3 (alice)" per new class
    QStringList droppedOldClasses; ///< old classes no row copies (shrinking)

    /** A short multi-line text for the CLI. */
    QString text() const;
};

/** The mean penultimate activation of each new class, indexed like the plan's rows (empty: no samples). */
struct ImprintEmbeddings
{
    QVector<std::vector<float>> classMeans;
};

/** A model with a new head, ready to evaluate, train or export. */
struct RemappedModel
{
    ModelSpec model;
    HeadPlan plan;           ///< as applied (rows in output order)
    QString headLayer;       ///< the layer whose outputs are the new classes
    QStringList newLayers;   ///< layers added by stack/adapter
    QVector<int> copiedFrom; ///< per new class: the old neuron copied bit for bit, or -1
    HeadPlanSummary summary;

    QStringList classNames() const { return plan.classNames(); }
};

/**
 * Applies a HeadPlan to a model: the output Dense's units and weights are rebuilt
 * row by row (copied rows bit for bit), or the old head is kept under a new layer
 * (stack, adapter). Pure model-level code: no libtorch.
 */
class HeadRemapper final
{
public:
    HeadRemapper() = delete;

    /** The output Dense of a single-output classifier; fails saying why the model has none. */
    static Expected<OutputHead> locate(const ModelSpec &model, const QString &layerName = QString());
    /** A plan whose imprint rows need embeddings. */
    static bool needsEmbeddings(const HeadPlan &plan);
    /**
     * The new model. `embeddings` is required when a row imprints (one mean per row,
     * of OutputHead::inputSize values); the plan must already be in output order.
     */
    static Expected<RemappedModel> apply(const ModelSpec &model, const HeadPlan &plan,
                                         const ImprintEmbeddings &embeddings = {});
    /** Same summary apply() fills, without building the model's weights. */
    static Expected<HeadPlanSummary> summarize(const ModelSpec &model, const HeadPlan &plan);
};

} // namespace graft
