// Bidirectional and TimeDistributed.

#include "core/engine/recurrentops.h"

namespace graft::engine {

namespace {

class BidirectionalOp final : public LayerOp
{
public:
    enum class Merge { Concat, Sum, Mul, Ave, None };

    BidirectionalOp(const Layer &layer, std::shared_ptr<RecurrentOp> forwardLayer,
                    std::shared_ptr<RecurrentOp> backwardLayer, Merge merge, bool forceZeroMaskedOutput)
        : LayerOp(layer.name, layer.className), m_merge(merge)
    {
        m_forward = register_module("forward", std::move(forwardLayer));
        m_backward = register_module("backward", std::move(backwardLayer));
        // tf.keras and Keras 3 force zero outputs on masked steps when returning sequences.
        if (forceZeroMaskedOutput) {
            m_forward->setZeroOutputForMask(m_forward->options().returnSequences);
            m_backward->setZeroOutputForMask(m_backward->options().returnSequences);
        }
    }

    std::vector<Flow> forward(const std::vector<Flow> &inputs) override
    {
        if (inputs.empty())
            fail(QStringLiteral("got no inputs"));
        std::vector<torch::Tensor> forwardStates, backwardStates;
        if (inputs.size() > 1) {
            // Initial states: the first half for the forward layer, the rest for the backward one.
            const std::size_t half = (inputs.size() - 1) / 2;
            for (std::size_t i = 1; i < inputs.size(); ++i)
                (i <= half ? forwardStates : backwardStates).push_back(inputs[i].value);
        }
        const torch::Tensor &mask = inputs[0].mask;
        RecurrentOp::Result f = m_forward->run(inputs[0].value, mask, forwardStates);
        RecurrentOp::Result b = m_backward->run(inputs[0].value, mask, backwardStates);
        const bool sequences = m_forward->options().returnSequences;
        if (sequences)
            b.output = b.output.flip(1);
        const torch::Tensor outMask = sequences ? mask : torch::Tensor();
        std::vector<Flow> out;
        switch (m_merge) {
        case Merge::Concat: out.push_back(Flow{torch::cat({f.output, b.output}, -1), outMask}); break;
        case Merge::Sum: out.push_back(Flow{f.output + b.output, outMask}); break;
        case Merge::Mul: out.push_back(Flow{f.output * b.output, outMask}); break;
        case Merge::Ave: out.push_back(Flow{(f.output + b.output) / 2.0, outMask}); break;
        case Merge::None:
            out.push_back(Flow{f.output, outMask});
            out.push_back(Flow{b.output, outMask});
            break;
        }
        if (m_forward->options().returnState) {
            for (const torch::Tensor &s : f.states)
                out.push_back(Flow{s, torch::Tensor()});
            for (const torch::Tensor &s : b.states)
                out.push_back(Flow{s, torch::Tensor()});
        }
        return out;
    }

    void resetStates() override
    {
        m_forward->resetStates();
        m_backward->resetStates();
    }

    QVector<LayerWeight> kerasWeights() const override
    {
        QVector<LayerWeight> out;
        for (const auto &[prefix, op] :
             {std::pair{QStringLiteral("forward/"), m_forward}, std::pair{QStringLiteral("backward/"), m_backward}}) {
            for (LayerWeight w : op->kerasWeights()) {
                w.name = prefix + w.name;
                w.storedName = layerName() + QLatin1Char('/') + w.name;
                out.append(std::move(w));
            }
        }
        return out;
    }

private:
    Merge m_merge;
    std::shared_ptr<RecurrentOp> m_forward, m_backward;
};

class TimeDistributedOp final : public LayerOp
{
public:
    TimeDistributedOp(const Layer &layer, LayerOpPtr inner) : LayerOp(layer.name, layer.className)
    {
        m_inner = register_module("inner", std::move(inner));
    }

    std::vector<Flow> forward(const std::vector<Flow> &inputs) override
    {
        expectInputs(inputs, 1);
        const torch::Tensor &x = inputs[0].value;
        if (x.dim() < 3)
            fail(QStringLiteral("expects (batch, time, ...) inputs, got shape %1").arg(shapeText(x.sizes())));
        const std::int64_t batch = x.size(0), steps = x.size(1);
        std::vector<std::int64_t> folded{batch * steps};
        folded.insert(folded.end(), x.sizes().begin() + 2, x.sizes().end());
        const std::vector<Flow> y = m_inner->forward({Flow{x.reshape(folded), torch::Tensor()}});
        std::vector<Flow> out;
        for (const Flow &f : y) {
            std::vector<std::int64_t> shape{batch, steps};
            shape.insert(shape.end(), f.value.sizes().begin() + 1, f.value.sizes().end());
            out.push_back(Flow{f.value.reshape(shape), inputs[0].mask});
        }
        return out;
    }

    void resetStates() override { m_inner->resetStates(); }
    QVector<LayerWeight> kerasWeights() const override
    {
        QVector<LayerWeight> out = m_inner->kerasWeights();
        for (LayerWeight &w : out)
            w.storedName = layerName() + QLatin1Char('/') + w.name;
        return out;
    }

private:
    LayerOpPtr m_inner;
};

} // namespace

Expected<LayerOpPtr> createWrapperOp(const Layer &layer, const OpContext &context)
{
    const QString &cls = layer.className;
    if (cls != QLatin1String("Bidirectional") && cls != QLatin1String("TimeDistributed"))
        return LayerOpPtr();
    ConfigReader config(layer);
    const auto inner = wrappedLayerConfig(layer.config, QStringLiteral("layer"));
    if (!inner)
        return makeError(QStringLiteral("%1: option 'layer' does not hold a layer config").arg(config.subject()));

    if (cls == QLatin1String("TimeDistributed")) {
        Layer innerLayer;
        innerLayer.name = inner->config.value(QStringLiteral("name")).toString(layer.name);
        innerLayer.className = inner->className;
        innerLayer.config = inner->config;
        innerLayer.weights = layer.weights; // TimeDistributed's weights are the inner layer's
        innerLayer.trainable = layer.trainable;
        auto op = createLayerOp(innerLayer, context);
        if (!op)
            return makeError(QStringLiteral("%1: its inner layer: %2").arg(config.subject(), op.errorString()));
        return LayerOpPtr(std::make_shared<TimeDistributedOp>(layer, *op));
    }

    const QString mergeText = config.config().value(QStringLiteral("merge_mode")).isNull()
                                  ? QStringLiteral("none")
                                  : config.choice(QStringLiteral("merge_mode"), QStringLiteral("concat"),
                                                  {QStringLiteral("concat"), QStringLiteral("sum"),
                                                   QStringLiteral("mul"), QStringLiteral("ave")});
    if (config.failed())
        return config.error();
    BidirectionalOp::Merge merge = BidirectionalOp::Merge::None;
    if (mergeText == QLatin1String("concat"))
        merge = BidirectionalOp::Merge::Concat;
    else if (mergeText == QLatin1String("sum"))
        merge = BidirectionalOp::Merge::Sum;
    else if (mergeText == QLatin1String("mul"))
        merge = BidirectionalOp::Merge::Mul;
    else if (mergeText == QLatin1String("ave"))
        merge = BidirectionalOp::Merge::Ave;

    QJsonObject forwardConfig = inner->config;
    QJsonObject backwardConfig = inner->config;
    QString backwardClass = inner->className;
    if (const auto custom = wrappedLayerConfig(layer.config, QStringLiteral("backward_layer"))) {
        backwardConfig = custom->config;
        backwardClass = custom->className;
    } else {
        backwardConfig.insert(QStringLiteral("go_backwards"),
                              !forwardConfig.value(QStringLiteral("go_backwards")).toBool(false));
    }
    auto forwardOp = RecurrentOp::build(layer.name + QStringLiteral("/forward"), inner->className, forwardConfig, layer,
                                        QStringLiteral("forward/"), context);
    if (!forwardOp)
        return forwardOp.error();
    auto backwardOp = RecurrentOp::build(layer.name + QStringLiteral("/backward"), backwardClass, backwardConfig, layer,
                                         QStringLiteral("backward/"), context);
    if (!backwardOp)
        return backwardOp.error();
    return LayerOpPtr(std::make_shared<BidirectionalOp>(layer, *forwardOp, *backwardOp, merge, context.tfKerasMasking));
}

} // namespace graft::engine
