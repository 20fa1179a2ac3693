#pragma once

#include "core/common/expected.h"
#include "core/engine/layerop.h"

#include <QJsonValue>

namespace graft::engine {

/**
 * A Keras built-in activation function, resolved once at build from the config
 * value ("relu", or Keras 3's serialized function object) and the Keras version.
 */
class Activation final
{
public:
    enum class Kind {
        Linear,
        Relu,
        Relu6,
        LeakyRelu,
        Elu,
        Selu,
        Gelu,
        GeluTanh,
        Swish,
        Softmax,
        LogSoftmax,
        Softplus,
        Softsign,
        Tanh,
        Sigmoid,
        HardSigmoidKeras2,
        HardSigmoidKeras3,
        Exponential,
        HardSilu,
        Mish,
    };

    Activation() = default;
    explicit Activation(Kind kind, double parameter = 0.0) : m_kind(kind), m_parameter(parameter) { }

    /**
     * `value` as a Keras config holds it; an error (without the layer's name,
     * the caller adds it) for unknown or custom functions.
     */
    static Expected<Activation> parse(const QJsonValue &value, const OpContext &context);

    Kind kind() const { return m_kind; }
    bool isLinear() const { return m_kind == Kind::Linear; }
    /** Applies the function; may work in place on `x` when `ownsInput` (x is a fresh temporary). */
    torch::Tensor operator()(torch::Tensor x, bool ownsInput = false) const;

private:
    Kind m_kind = Kind::Linear;
    double m_parameter = 0.0; // leaky slope, softmax axis
};

/** Keras's backend relu(x, negative_slope, max_value, threshold), as the ReLU layer computes it. */
torch::Tensor kerasRelu(const torch::Tensor &x, double negativeSlope, std::optional<double> maxValue, double threshold);

} // namespace graft::engine
