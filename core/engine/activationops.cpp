// Activation, LeakyReLU, PReLU, ELU, ReLU, ThresholdedReLU, Softmax.

#include "core/engine/activation.h"
#include "core/engine/layerop.h"

namespace graft::engine {

namespace {

class ElementwiseOp final : public LayerOp
{
public:
    using Function = std::function<torch::Tensor(const torch::Tensor &)>;

    ElementwiseOp(const Layer &layer, Function function)
        : LayerOp(layer.name, layer.className), m_function(std::move(function))
    { }

    std::vector<Flow> forward(const std::vector<Flow> &inputs) override
    {
        expectInputs(inputs, 1);
        return {Flow{m_function(inputs[0].value), inputs[0].mask}};
    }

private:
    Function m_function;
};

class PReluOp final : public LayerOp
{
public:
    PReluOp(const Layer &layer, const torch::Tensor &alpha) : LayerOp(layer.name, layer.className)
    {
        m_alpha = bindWeight(QStringLiteral("alpha"), alpha, true);
    }

    std::vector<Flow> forward(const std::vector<Flow> &inputs) override
    {
        expectInputs(inputs, 1);
        const torch::Tensor &x = inputs[0].value;
        if (x.dim() != m_alpha.dim() + 1)
            fail(QStringLiteral("alpha has shape %1, which does not fit inputs of shape %2")
                     .arg(shapeText(m_alpha.sizes()), shapeText(x.sizes())));
        // Keras: relu(x) - alpha * relu(-x); alpha broadcasts over shared axes (size 1).
        return {Flow{x.relu() - m_alpha * (-x).relu(), inputs[0].mask}};
    }

private:
    torch::Tensor m_alpha;
};

} // namespace

Expected<LayerOpPtr> createActivationLayerOp(const Layer &layer, const OpContext &context)
{
    const QString &cls = layer.className;
    ConfigReader config(layer);
    ElementwiseOp::Function function;
    if (cls == QLatin1String("Activation")) {
        auto activation = Activation::parse(config.config().value(QStringLiteral("activation")), context);
        if (!activation)
            return makeError(
                QStringLiteral("%1: option 'activation' %2").arg(config.subject(), activation.errorString()));
        const Activation a = *activation;
        function = [a](const torch::Tensor &x) { return a(x); };
    } else if (cls == QLatin1String("LeakyReLU")) {
        // Keras 2 spells the slope 'alpha', Keras 3 'negative_slope'; both default to 0.3.
        const double slope = config.has(QStringLiteral("negative_slope"))
                                 ? config.number(QStringLiteral("negative_slope"), 0.3)
                                 : config.number(QStringLiteral("alpha"), 0.3);
        function = [slope](const torch::Tensor &x) { return torch::leaky_relu(x, slope); };
    } else if (cls == QLatin1String("ELU")) {
        const double alpha = config.number(QStringLiteral("alpha"), 1.0);
        function = [alpha](const torch::Tensor &x) { return torch::elu(x, alpha); };
    } else if (cls == QLatin1String("ThresholdedReLU")) {
        const double theta = config.number(QStringLiteral("theta"), 1.0);
        function = [theta](const torch::Tensor &x) { return x * x.gt(theta).to(x.scalar_type()); };
    } else if (cls == QLatin1String("ReLU")) {
        const std::optional<double> maxValue = config.optionalNumber(QStringLiteral("max_value"));
        const double slope = config.number(QStringLiteral("negative_slope"), 0.0);
        const double threshold = config.number(QStringLiteral("threshold"), 0.0);
        if (maxValue && *maxValue < 0)
            config.fail(QStringLiteral("max_value"), QStringLiteral("must not be negative"));
        function = [maxValue, slope, threshold](const torch::Tensor &x) {
            return kerasRelu(x, slope, maxValue, threshold);
        };
    } else if (cls == QLatin1String("Softmax")) {
        const std::vector<std::int64_t> axes = config.intOrList(QStringLiteral("axis"), {-1});
        if (axes.size() != 1)
            config.fail(QStringLiteral("axis"), QStringLiteral("lists several axes; Graft supports one"));
        const std::int64_t axis = axes.empty() ? -1 : axes.front();
        function = [axis](const torch::Tensor &x) { return torch::softmax(x, axis); };
    } else if (cls == QLatin1String("PReLU")) {
        auto alpha = requireWeight(layer, QStringLiteral("alpha"));
        if (!alpha)
            return alpha.error();
        return LayerOpPtr(std::make_shared<PReluOp>(layer, *alpha));
    } else {
        return LayerOpPtr();
    }
    if (config.failed())
        return config.error();
    return LayerOpPtr(std::make_shared<ElementwiseOp>(layer, function));
}

} // namespace graft::engine
