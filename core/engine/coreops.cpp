// Dense, Embedding, the dropout/noise family, Rescaling and Normalization.

#include "core/engine/activation.h"
#include "core/engine/layerop.h"

#include <ATen/CPUGeneratorImpl.h>

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <mutex>

namespace graft::engine {

namespace {

class DenseOp final : public LayerOp
{
public:
    DenseOp(const Layer &layer, const torch::Tensor &kernel, const torch::Tensor &bias, Activation activation)
        : LayerOp(layer.name, layer.className), m_activation(activation)
    {
        // torch::linear wants (units, in); Keras stores (in, units).
        m_weight = bindWeight(QStringLiteral("kernel"), kernel.t().contiguous(), true,
                              [](const torch::Tensor &w) { return w.t().contiguous(); });
        if (bias.defined())
            m_bias = bindWeight(QStringLiteral("bias"), bias, true);
    }

    std::vector<Flow> forward(const std::vector<Flow> &inputs) override
    {
        expectInputs(inputs, 1);
        const torch::Tensor &x = inputs[0].value;
        if (x.dim() < 2 || x.size(-1) != m_weight.size(1))
            fail(QStringLiteral("expects inputs whose last dimension is %1, got shape %2")
                     .arg(m_weight.size(1))
                     .arg(shapeText(x.sizes())));
        return {Flow{m_activation(torch::linear(x, m_weight, m_bias), true), inputs[0].mask}};
    }

private:
    torch::Tensor m_weight;
    torch::Tensor m_bias;
    Activation m_activation;
};

class EmbeddingOp final : public LayerOp
{
public:
    EmbeddingOp(const Layer &layer, const torch::Tensor &table, bool maskZero)
        : LayerOp(layer.name, layer.className), m_maskZero(maskZero)
    {
        m_table = bindWeight(QStringLiteral("embeddings"), table, true);
    }

    std::vector<Flow> forward(const std::vector<Flow> &inputs) override
    {
        expectInputs(inputs, 1);
        // Keras casts float inputs to int32 (truncation toward zero) before the lookup.
        const torch::Tensor indices = inputs[0].value.to(torch::kLong);
        if (indices.numel() > 0) {
            const std::int64_t lo = indices.min().item<std::int64_t>();
            const std::int64_t hi = indices.max().item<std::int64_t>();
            if (lo < 0 || hi >= m_table.size(0))
                fail(QStringLiteral("input holds index %1, outside the vocabulary [0, %2)")
                         .arg(lo < 0 ? lo : hi)
                         .arg(m_table.size(0)));
        }
        Flow out{torch::embedding(m_table, indices), torch::Tensor()};
        if (m_maskZero)
            out.mask = indices.ne(0);
        return {out};
    }

private:
    torch::Tensor m_table;
    bool m_maskZero;
};

/**
 * A dropout mask already scaled by 1 / keep: kept entries 1 / keep, dropped ones 0,
 * so dropout is one multiply forward and one backward. The draws come from a
 * SplitMix64 stream seeded by libtorch's default generator: a seeded run stays
 * reproducible (and a saved training state, which holds that generator, resumes it),
 * at a fraction of bernoulli_'s cost, which draws every entry through the generator
 * under its lock.
 */
torch::Tensor scaledKeepMask(const std::vector<std::int64_t> &shape, double keep)
{
    std::uint64_t state;
    {
        at::Generator generator = at::detail::getDefaultCPUGenerator();
        std::lock_guard<std::mutex> lock(generator.mutex());
        state = generator.get<at::CPUGeneratorImpl>()->random64();
    }
    const auto next = [&state] {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    };
    // Keep when a uniform 32-bit draw falls below keep * 2^32.
    const std::uint64_t threshold = std::uint64_t(std::llround(std::clamp(keep, 0.0, 1.0) * 4294967296.0));
    const float scale = float(1.0 / keep);
    torch::Tensor mask = torch::empty(shape, torch::kFloat32);
    float *out = mask.data_ptr<float>();
    const std::int64_t n = mask.numel();
    for (std::int64_t i = 0; i < n; i += 2) {
        const std::uint64_t bits = next();
        out[i] = (bits & 0xFFFFFFFFull) < threshold ? scale : 0.0f;
        if (i + 1 < n)
            out[i + 1] = (bits >> 32) < threshold ? scale : 0.0f;
    }
    return mask;
}

/** Dropout and noise layers: identity at inference, Keras's noise in training mode. */
class NoiseOp final : public LayerOp
{
public:
    enum class Kind { Dropout, SpatialDropout, GaussianNoise, GaussianDropout, AlphaDropout, Identity };

    NoiseOp(const Layer &layer, Kind kind, double amount, std::vector<std::int64_t> noiseShape, bool channelsFirst)
        : LayerOp(layer.name, layer.className), m_kind(kind), m_amount(amount), m_noiseShape(std::move(noiseShape)),
          m_channelsFirst(channelsFirst)
    { }

    std::vector<Flow> forward(const std::vector<Flow> &inputs) override
    {
        expectInputs(inputs, 1);
        if (!is_training() || m_kind == Kind::Identity || m_amount <= 0.0)
            return {inputs[0]};
        const torch::Tensor &x = inputs[0].value;
        torch::Tensor y;
        switch (m_kind) {
        case Kind::Dropout:
        case Kind::SpatialDropout: {
            if (m_amount >= 1.0)
                return {Flow{torch::zeros_like(x), inputs[0].mask}};
            y = x * scaledKeepMask(noiseShapeFor(x), 1.0 - m_amount).to(x.scalar_type());
            break;
        }
        case Kind::GaussianNoise: y = x + torch::randn_like(x) * m_amount; break;
        case Kind::GaussianDropout:
            y = x * (torch::randn_like(x) * std::sqrt(m_amount / (1.0 - m_amount)) + 1.0);
            break;
        case Kind::AlphaDropout: {
            // keras.layers.AlphaDropout: keeps SELU's mean and variance.
            const double alpha = 1.6732632423543772848170429916717;
            const double scale = 1.0507009873554804934193349852946;
            const double alphaP = -alpha * scale;
            const torch::Tensor kept = torch::rand(noiseShapeFor(x), x.options()).ge(m_amount).to(x.scalar_type());
            const double a = std::pow((1.0 - m_amount) * (1.0 + m_amount * alphaP * alphaP), -0.5);
            const double b = -a * alphaP * m_amount;
            y = (x * kept + alphaP * (1.0 - kept)) * a + b;
            break;
        }
        case Kind::Identity: return {inputs[0]};
        }
        return {Flow{y, inputs[0].mask}};
    }

private:
    std::vector<std::int64_t> noiseShapeFor(const torch::Tensor &x) const
    {
        std::vector<std::int64_t> shape(x.sizes().begin(), x.sizes().end());
        if (m_kind == Kind::SpatialDropout) {
            // One draw per (sample, channel), shared over time/space.
            const std::int64_t channelAxis = m_channelsFirst ? 1 : x.dim() - 1;
            for (std::int64_t i = 1; i < x.dim(); ++i)
                if (i != channelAxis)
                    shape[std::size_t(i)] = 1;
        } else if (!m_noiseShape.empty() && m_noiseShape.size() == shape.size()) {
            for (std::size_t i = 0; i < shape.size(); ++i)
                if (m_noiseShape[i] >= 0)
                    shape[i] = m_noiseShape[i];
        }
        return shape;
    }

    Kind m_kind;
    double m_amount;
    std::vector<std::int64_t> m_noiseShape;
    bool m_channelsFirst;
};

class AffineOp final : public LayerOp
{
public:
    /** y = x * scale + offset (Rescaling), or Keras's Normalization (x - mean) / max(sqrt(var), eps). */
    AffineOp(const Layer &layer, torch::Tensor scale, torch::Tensor offset)
        : LayerOp(layer.name, layer.className), m_scale(std::move(scale)), m_offset(std::move(offset))
    { }

    AffineOp(const Layer &layer, const torch::Tensor &mean, const torch::Tensor &variance, const torch::Tensor &count,
             std::vector<std::int64_t> axes, bool invert, bool fromWeights)
        : LayerOp(layer.name, layer.className), m_axes(std::move(axes)), m_invert(invert), m_normalization(true)
    {
        if (fromWeights) {
            m_mean = bindWeight(QStringLiteral("mean"), mean, false);
            m_variance = bindWeight(QStringLiteral("variance"), variance, false);
            if (count.defined())
                bindWeight(QStringLiteral("count"), count, false);
        } else {
            m_mean = mean;
            m_variance = variance;
        }
    }

    std::vector<Flow> forward(const std::vector<Flow> &inputs) override
    {
        expectInputs(inputs, 1);
        const torch::Tensor &x = inputs[0].value;
        if (!m_normalization)
            return {Flow{x * m_scale + m_offset, inputs[0].mask}};
        std::vector<std::int64_t> shape(std::size_t(x.dim()), 1);
        std::int64_t kept = 1;
        for (std::int64_t axis : m_axes) {
            const std::int64_t a = axis < 0 ? axis + x.dim() : axis;
            if (a <= 0 || a >= x.dim())
                fail(QStringLiteral("axis %1 does not exist for inputs of shape %2")
                         .arg(axis)
                         .arg(shapeText(x.sizes())));
            shape[std::size_t(a)] = x.size(a);
            kept *= x.size(a);
        }
        if (kept != m_mean.numel())
            fail(QStringLiteral("has %1 means, but inputs of shape %2 need %3")
                     .arg(m_mean.numel())
                     .arg(shapeText(x.sizes()))
                     .arg(kept));
        const torch::Tensor mean = m_mean.reshape(shape);
        // Keras divides by max(sqrt(variance), epsilon()) with epsilon() = 1e-7.
        const torch::Tensor deviation = m_variance.reshape(shape).sqrt().clamp_min(1e-7);
        return {Flow{m_invert ? mean + x * deviation : (x - mean) / deviation, inputs[0].mask}};
    }

private:
    torch::Tensor m_scale, m_offset, m_mean, m_variance;
    std::vector<std::int64_t> m_axes;
    bool m_invert = false;
    bool m_normalization = false;
};

torch::Tensor numbersTensor(const QJsonValue &value, double fallback)
{
    // Keras 3 may serialize arrays as {"class_name": "__numpy__", "config": {"value": [...]}}.
    const QJsonValue v =
        value.isObject() ? value.toObject().value(QStringLiteral("config")).toObject().value(QStringLiteral("value"))
                         : value;
    if (v.isArray() && !v.toArray().isEmpty() && v.toArray().at(0).isArray()) {
        std::vector<float> values;
        for (const QJsonValue &row : v.toArray())
            for (const QJsonValue &e : row.toArray())
                values.push_back(float(e.toDouble()));
        return torch::tensor(values);
    }
    if (v.isArray()) {
        std::vector<float> values;
        for (const QJsonValue &e : v.toArray())
            values.push_back(float(e.toDouble()));
        return torch::tensor(values);
    }
    return torch::tensor(float(v.isDouble() ? v.toDouble() : fallback));
}

Expected<LayerOpPtr> buildDense(const Layer &layer, const OpContext &context)
{
    ConfigReader config(layer);
    const std::int64_t units = config.integer(QStringLiteral("units"), -1);
    const bool useBias = config.boolean(QStringLiteral("use_bias"), true);
    auto activation = Activation::parse(config.config().value(QStringLiteral("activation")), context);
    if (!activation)
        config.fail(QStringLiteral("activation"), activation.errorString());
    if (units <= 0)
        config.fail(QStringLiteral("units"), QStringLiteral("must be a positive integer"));
    if (config.failed())
        return config.error();
    auto kernel = requireWeight(layer, QStringLiteral("kernel"), {-1, units});
    if (!kernel)
        return kernel.error();
    auto bias =
        useBias ? requireWeight(layer, QStringLiteral("bias"), {units}) : Expected<torch::Tensor>(torch::Tensor());
    if (!bias)
        return bias.error();
    return LayerOpPtr(std::make_shared<DenseOp>(layer, *kernel, *bias, *activation));
}

Expected<LayerOpPtr> buildEmbedding(const Layer &layer)
{
    ConfigReader config(layer);
    const std::int64_t inputDim = config.integer(QStringLiteral("input_dim"), -1);
    const std::int64_t outputDim = config.integer(QStringLiteral("output_dim"), -1);
    const bool maskZero = config.boolean(QStringLiteral("mask_zero"), false);
    if (config.failed())
        return config.error();
    auto table = requireWeight(layer, QStringLiteral("embeddings"), {inputDim, outputDim});
    if (!table)
        return table.error();
    return LayerOpPtr(std::make_shared<EmbeddingOp>(layer, *table, maskZero));
}

Expected<LayerOpPtr> buildNoise(const Layer &layer)
{
    ConfigReader config(layer);
    const QString &cls = layer.className;
    NoiseOp::Kind kind = NoiseOp::Kind::Identity;
    double amount = 0.0;
    std::vector<std::int64_t> noiseShape;
    bool channelsFirst = false;
    if (cls == QLatin1String("Dropout") || cls.startsWith(QLatin1String("SpatialDropout"))) {
        kind = cls == QLatin1String("Dropout") ? NoiseOp::Kind::Dropout : NoiseOp::Kind::SpatialDropout;
        amount = config.number(QStringLiteral("rate"), 0.0);
        if (kind == NoiseOp::Kind::Dropout && config.isSet(QStringLiteral("noise_shape")))
            noiseShape = config.intList(QStringLiteral("noise_shape"));
        if (kind == NoiseOp::Kind::SpatialDropout)
            channelsFirst = config.channelsFirst();
    } else if (cls == QLatin1String("GaussianNoise")) {
        kind = NoiseOp::Kind::GaussianNoise;
        amount = config.number(QStringLiteral("stddev"), 0.0);
    } else if (cls == QLatin1String("GaussianDropout")) {
        kind = NoiseOp::Kind::GaussianDropout;
        amount = config.number(QStringLiteral("rate"), 0.0);
    } else if (cls == QLatin1String("AlphaDropout")) {
        kind = NoiseOp::Kind::AlphaDropout;
        amount = config.number(QStringLiteral("rate"), 0.0);
        if (config.isSet(QStringLiteral("noise_shape")))
            noiseShape = config.intList(QStringLiteral("noise_shape"));
    }
    if (amount < 0.0 || (kind != NoiseOp::Kind::GaussianNoise && amount > 1.0))
        config.fail(kind == NoiseOp::Kind::GaussianNoise ? QStringLiteral("stddev") : QStringLiteral("rate"),
                    QStringLiteral("is %1, outside Keras's range").arg(amount));
    if (config.failed())
        return config.error();
    return LayerOpPtr(std::make_shared<NoiseOp>(layer, kind, amount, noiseShape, channelsFirst));
}

Expected<LayerOpPtr> buildNormalization(const Layer &layer)
{
    ConfigReader config(layer);
    std::vector<std::int64_t> axes = {-1};
    if (config.has(QStringLiteral("axis")))
        axes = config.isSet(QStringLiteral("axis")) ? config.intOrList(QStringLiteral("axis"), {-1})
                                                    : std::vector<std::int64_t>{};
    const bool invert = config.boolean(QStringLiteral("invert"), false);
    if (config.failed())
        return config.error();
    auto mean = optionalWeight(layer, QStringLiteral("mean"));
    auto variance = optionalWeight(layer, QStringLiteral("variance"));
    auto count = optionalWeight(layer, QStringLiteral("count"));
    if (!mean || !variance || !count)
        return !mean ? mean.error() : (!variance ? variance.error() : count.error());
    const bool fromWeights = mean->defined() && variance->defined();
    torch::Tensor m = *mean, v = *variance;
    if (!fromWeights) {
        // Normalization(mean=..., variance=...) keeps the statistics in the config, not as weights.
        if (!config.isSet(QStringLiteral("mean")) || !config.isSet(QStringLiteral("variance")))
            return makeError(QStringLiteral("%1: has neither 'mean'/'variance' weights nor values in its config; "
                                            "the layer was never adapted or the weights file does not match")
                                 .arg(config.subject()));
        m = numbersTensor(config.config().value(QStringLiteral("mean")), 0.0);
        v = numbersTensor(config.config().value(QStringLiteral("variance")), 1.0);
    }
    if (m.numel() != v.numel())
        return makeError(QStringLiteral("%1: 'mean' has %2 values but 'variance' has %3")
                             .arg(config.subject())
                             .arg(m.numel())
                             .arg(v.numel()));
    return LayerOpPtr(std::make_shared<AffineOp>(layer, m, v, *count, axes, invert, fromWeights));
}

} // namespace

Expected<LayerOpPtr> createCoreOp(const Layer &layer, const OpContext &context)
{
    const QString &cls = layer.className;
    if (cls == QLatin1String("Dense"))
        return buildDense(layer, context);
    if (cls == QLatin1String("Embedding"))
        return buildEmbedding(layer);
    if (cls == QLatin1String("Dropout") || cls == QLatin1String("SpatialDropout1D")
        || cls == QLatin1String("SpatialDropout2D") || cls == QLatin1String("SpatialDropout3D")
        || cls == QLatin1String("GaussianNoise") || cls == QLatin1String("GaussianDropout")
        || cls == QLatin1String("AlphaDropout"))
        return buildNoise(layer);
    if (cls == QLatin1String("ActivityRegularization") || cls == QLatin1String("InputLayer"))
        return LayerOpPtr(
            std::make_shared<NoiseOp>(layer, NoiseOp::Kind::Identity, 0.0, std::vector<std::int64_t>{}, false));
    if (cls == QLatin1String("Rescaling")) {
        ConfigReader config(layer);
        if (!config.has(QStringLiteral("scale")))
            return makeError(QStringLiteral("%1: option 'scale' is missing").arg(config.subject()));
        return LayerOpPtr(
            std::make_shared<AffineOp>(layer, numbersTensor(config.config().value(QStringLiteral("scale")), 1.0),
                                       numbersTensor(config.config().value(QStringLiteral("offset")), 0.0)));
    }
    if (cls == QLatin1String("Normalization"))
        return buildNormalization(layer);
    return LayerOpPtr();
}

} // namespace graft::engine
