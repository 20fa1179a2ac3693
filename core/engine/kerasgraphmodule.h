#pragma once

// Private to core/engine and to core modules that link libtorch (training):
// never include from ui/ or from a public header.

#include "core/common/expected.h"
#include "core/engine/layerop.h"
#include "core/model/modelspec.h"

#include <QHash>

#include <memory>
#include <vector>

namespace graft::engine {

/**
 * A ModelSpec compiled into a torch module: one LayerOp submodule per Keras layer
 * (a shared layer is one op called once per node), executed in a precomputed
 * order over numbered tensor slots. Parameters are torch parameters, so the same
 * module serves inference (eval) and fine-tuning (train).
 */
class KerasGraphModule final : public torch::nn::Module
{
public:
    /** Which layer call produces a tensor: a model input or the output `tensorIndex` of a step. */
    struct Source
    {
        int step = -1; // -1: model input number `index`
        int index = 0; // tensor index of the step's outputs, or input number
    };

    /** One layer call. */
    struct Step
    {
        int op = 0;
        std::vector<int> inputSlots;
        std::vector<std::pair<int, int>> outputs; // (tensor index, slot)
        std::vector<int> release;                 // slots no later step reads
    };

    /** The calls needed for a set of requested tensors, in execution order. */
    struct Plan
    {
        std::vector<Step> steps;
        std::vector<int> outputSlots;
        int slotCount = 0;
    };

    static Expected<std::shared_ptr<KerasGraphModule>> create(const ModelSpec &spec, const OpContext &context);

    /** The model's outputs for its inputs (Keras layout, batch axis first). Throws OpError. */
    std::vector<torch::Tensor> forward(const std::vector<torch::Tensor> &inputs);
    /** Same with masks, for a model used as a layer of another. */
    std::vector<Flow> forwardFlows(const std::vector<Flow> &inputs);
    /** Runs a plan made by planFor (e.g. an intermediate embedding). */
    std::vector<Flow> run(const Plan &plan, const std::vector<Flow> &inputs);

    /** A plan computing the given tensors (layer, node index, tensor index as Keras names them). */
    Expected<Plan> planFor(const QVector<TensorRef> &refs) const;

    const QVector<ModelInput> &inputs() const { return m_inputs; }
    const QVector<TensorRef> &outputRefs() const { return m_outputRefs; }
    /** The op of a layer (nullptr for InputLayers and unknown names). */
    LayerOpPtr op(const QString &layerName) const;
    const std::vector<LayerOpPtr> &ops() const { return m_ops; }
    /** Every layer's weights in Keras's layout, nested models' layers included (export). */
    QVector<QPair<QString, QVector<LayerWeight>>> kerasWeights() const;
    /** Forgets the states of stateful recurrent layers. */
    void resetStates();

private:
    struct LayerInfo
    {
        QString name;
        QString className;
        QVector<QVector<TensorRef>> nodes; // per inbound node, its input tensors
        bool isInput = false;
        bool isModel = false;
        int op = -1;
    };

    KerasGraphModule() = default;
    /** List index into `layer.nodes` for a node index as written in the config; -1 when invalid. */
    int resolveNode(const LayerInfo &layer, int nodeIndex, bool fromOutputs) const;

    OpContext m_context;
    QVector<ModelInput> m_inputs;
    QVector<TensorRef> m_outputRefs;
    std::vector<LayerInfo> m_layers;
    QHash<QString, int> m_layerIndex;
    QHash<QString, int> m_inputIndex; // model input name -> input number
    std::vector<LayerOpPtr> m_ops;
    Plan m_outputPlan;
};

/** A model used as a layer of another model. */
class NestedModelOp final : public LayerOp
{
public:
    NestedModelOp(const QString &name, const QString &className, std::shared_ptr<KerasGraphModule> model);
    std::vector<Flow> forward(const std::vector<Flow> &inputs) override;
    void resetStates() override;
    const std::shared_ptr<KerasGraphModule> &model() const { return m_model; }

private:
    std::shared_ptr<KerasGraphModule> m_model;
};

} // namespace graft::engine
