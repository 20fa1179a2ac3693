#include "core/engine/activation.h"

#include <QHash>
#include <QJsonObject>

namespace graft::engine {

Expected<Activation> Activation::parse(const QJsonValue &value, const OpContext &context)
{
    QString name;
    if (value.isUndefined() || value.isNull()) {
        name = QStringLiteral("linear");
    } else if (value.isString()) {
        name = value.toString();
    } else if (value.isObject()) {
        // Keras 3 may serialize a built-in function as {"class_name": "function", "config": "relu", ...}.
        const QJsonObject o = value.toObject();
        if (o.value(QStringLiteral("config")).isString())
            name = o.value(QStringLiteral("config")).toString();
        else if (o.value(QStringLiteral("registered_name")).isString())
            name = o.value(QStringLiteral("registered_name")).toString();
        else
            return makeError(QStringLiteral("activation %1 is a layer or custom object, not a built-in function")
                                 .arg(o.value(QStringLiteral("class_name")).toString()));
    } else {
        return makeError(QStringLiteral("the activation is not a name"));
    }
    // Keras 3 may prefix registered names: "keras.activations>relu" is not used, but be lenient.
    name = name.section(QLatin1Char('>'), -1).trimmed();

    static const QHash<QString, Kind> plain = {
        {QStringLiteral("linear"), Kind::Linear},
        {QStringLiteral("relu"), Kind::Relu},
        {QStringLiteral("relu6"), Kind::Relu6},
        {QStringLiteral("elu"), Kind::Elu},
        {QStringLiteral("selu"), Kind::Selu},
        // keras.activations.gelu defaults to approximate=False in tf.keras and Keras 3
        // (only keras.ops.gelu defaults to the tanh approximation).
        {QStringLiteral("gelu"), Kind::Gelu},
        {QStringLiteral("swish"), Kind::Swish},
        {QStringLiteral("silu"), Kind::Swish},
        {QStringLiteral("softmax"), Kind::Softmax},
        {QStringLiteral("log_softmax"), Kind::LogSoftmax},
        {QStringLiteral("softplus"), Kind::Softplus},
        {QStringLiteral("softsign"), Kind::Softsign},
        {QStringLiteral("tanh"), Kind::Tanh},
        {QStringLiteral("sigmoid"), Kind::Sigmoid},
        {QStringLiteral("exponential"), Kind::Exponential},
        {QStringLiteral("hard_silu"), Kind::HardSilu},
        {QStringLiteral("hard_swish"), Kind::HardSilu},
        {QStringLiteral("mish"), Kind::Mish},
    };
    if (name.isEmpty() || name == QLatin1String("None"))
        return Activation(Kind::Linear);
    if (name == QLatin1String("hard_sigmoid"))
        return Activation(context.keras3 ? Kind::HardSigmoidKeras3 : Kind::HardSigmoidKeras2);
    if (name == QLatin1String("leaky_relu"))
        return Activation(Kind::LeakyRelu, 0.2); // keras.activations.leaky_relu's default slope
    if (name == QLatin1String("softmax"))
        return Activation(Kind::Softmax, -1);
    if (name == QLatin1String("log_softmax"))
        return Activation(Kind::LogSoftmax, -1);
    const auto it = plain.constFind(name);
    if (it == plain.constEnd())
        return makeError(QStringLiteral("activation '%1' is not a Keras built-in Graft knows").arg(name));
    return Activation(it.value());
}

torch::Tensor Activation::operator()(torch::Tensor x, bool ownsInput) const
{
    // In place saves a copy, except on a view that autograd tracks (a conv's NCHW->NHWC permute in
    // training): there it records CopySlices, whose backward clones the whole gradient and
    // re-strides it — 13 % of a training step of the speaker CNN in a profile.
    ownsInput = ownsInput && !(x.requires_grad() && x.is_view());
    switch (m_kind) {
    case Kind::Linear: return x;
    case Kind::Relu: return ownsInput ? x.relu_() : x.relu();
    case Kind::Relu6: return ownsInput ? x.clamp_(0.0, 6.0) : x.clamp(0.0, 6.0);
    case Kind::LeakyRelu: return torch::leaky_relu(x, m_parameter);
    case Kind::Elu: return torch::elu(x);
    case Kind::Selu: return torch::selu(x);
    case Kind::Gelu: return torch::gelu(x);
    case Kind::GeluTanh: return torch::gelu(x, "tanh");
    case Kind::Swish: return torch::silu(x);
    case Kind::Softmax: return torch::softmax(x, int64_t(m_parameter));
    case Kind::LogSoftmax: return torch::log_softmax(x, int64_t(m_parameter));
    case Kind::Softplus: return torch::softplus(x);
    case Kind::Softsign: return x / (x.abs() + 1.0);
    case Kind::Tanh: return ownsInput ? x.tanh_() : x.tanh();
    case Kind::Sigmoid: return ownsInput ? x.sigmoid_() : x.sigmoid();
    case Kind::HardSigmoidKeras2:
        // Keras 2 backend: clip(0.2 * x + 0.5, 0, 1), in float32 like TensorFlow.
        return (x * 0.2 + 0.5).clamp_(0.0, 1.0);
    case Kind::HardSigmoidKeras3: return (x + 3.0).clamp_(0.0, 6.0) / 6.0;
    case Kind::Exponential: return x.exp();
    case Kind::HardSilu: return x * ((x + 3.0).clamp_(0.0, 6.0) / 6.0);
    case Kind::Mish: return x * torch::softplus(x).tanh();
    }
    return x;
}

torch::Tensor kerasRelu(const torch::Tensor &input, double negativeSlope, std::optional<double> maxValue,
                        double threshold)
{
    // Mirrors keras.backend.relu / keras.activations.ReLU.static_call step by step.
    torch::Tensor x = input;
    torch::Tensor negativePart;
    if (negativeSlope != 0.0) {
        if (!maxValue && threshold == 0.0)
            return torch::leaky_relu(x, negativeSlope);
        negativePart = threshold != 0.0 ? (threshold - x).relu() : (-x).relu();
    }
    bool clipMax = maxValue.has_value();
    if (threshold != 0.0) {
        x = x * x.gt(threshold).to(x.scalar_type());
    } else if (maxValue && *maxValue == 6.0) {
        x = x.clamp(0.0, 6.0);
        clipMax = false;
    } else {
        x = x.relu();
    }
    if (clipMax)
        x = x.clamp(0.0, *maxValue);
    if (negativeSlope != 0.0)
        x = x - negativeSlope * negativePart;
    return x;
}

} // namespace graft::engine
