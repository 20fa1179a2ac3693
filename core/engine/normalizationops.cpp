// BatchNormalization and LayerNormalization.

#include "core/engine/layerop.h"

namespace graft::engine {

namespace {

/** Keras axis (batch = 0, negatives from the end) -> tensor axis, or -1. */
std::int64_t resolveAxis(std::int64_t axis, std::int64_t rank)
{
    const std::int64_t a = axis < 0 ? axis + rank : axis;
    return a >= 1 && a < rank ? a : -1;
}

class BatchNormOp final : public LayerOp
{
public:
    /** Whose batch variance the moving variance tracks (normalization always uses the biased one). */
    enum class Lineage { Keras3, TfKeras, MultiBackend };

    BatchNormOp(const Layer &layer, std::vector<std::int64_t> axes, double epsilon, double momentum, Lineage lineage,
                bool fusedAllowed, bool maskedMoments, const torch::Tensor &gamma, const torch::Tensor &beta,
                const torch::Tensor &mean, const torch::Tensor &variance)
        : LayerOp(layer.name, layer.className), m_axes(std::move(axes)), m_epsilon(epsilon), m_momentum(momentum),
          m_lineage(lineage), m_fusedAllowed(fusedAllowed), m_maskedMoments(maskedMoments)
    {
        // Keras's weight order: gamma, beta, moving_mean, moving_variance.
        if (gamma.defined())
            m_gamma = bindWeight(QStringLiteral("gamma"), gamma, true);
        if (beta.defined())
            m_beta = bindWeight(QStringLiteral("beta"), beta, true);
        m_mean = bindWeight(QStringLiteral("moving_mean"), mean, false);
        m_variance = bindWeight(QStringLiteral("moving_variance"), variance, false);
    }

    std::vector<Flow> forward(const std::vector<Flow> &inputs) override
    {
        expectInputs(inputs, 1);
        const torch::Tensor &x = inputs[0].value;
        std::vector<std::int64_t> shape(std::size_t(x.dim()), 1);
        std::vector<bool> isFeature(std::size_t(x.dim()), false);
        std::int64_t features = 1;
        for (std::int64_t axis : m_axes) {
            const std::int64_t a = resolveAxis(axis, x.dim());
            if (a < 0)
                fail(QStringLiteral("axis %1 does not exist for inputs of shape %2")
                         .arg(axis)
                         .arg(shapeText(x.sizes())));
            shape[std::size_t(a)] = x.size(a);
            isFeature[std::size_t(a)] = true;
            features *= x.size(a);
        }
        if (features != m_mean.numel())
            fail(QStringLiteral("has %1 features, but inputs of shape %2 have %3 along axis %4")
                     .arg(m_mean.numel())
                     .arg(shapeText(x.sizes()))
                     .arg(features)
                     .arg(m_axes.front()));
        // Features on the last axis broadcast without a reshape.
        const bool lastAxis = m_axes.size() == 1 && resolveAxis(m_axes[0], x.dim()) == x.dim() - 1;
        auto view = [&](const torch::Tensor &t) { return lastAxis ? t : t.reshape(shape); };

        torch::Tensor mean = m_mean, variance = m_variance;
        if (is_training()) {
            std::vector<std::int64_t> reduce;
            for (std::int64_t i = 0; i < x.dim(); ++i)
                if (!isFeature[std::size_t(i)])
                    reduce.push_back(i);
            // Keras normalizes with the biased batch variance.
            const torch::Tensor &mask = inputs[0].mask;
            double n = double(x.numel() / std::max<std::int64_t>(features, 1));
            if (m_maskedMoments && mask.defined() && mask.dim() == x.dim() - 1 && lastAxis
                && !(m_lineage == Lineage::TfKeras && (x.dim() == 4 || x.dim() == 5) && m_fusedAllowed)) {
                // tf.nn.weighted_moments / Keras 3's _moments: the (batch, time) mask weighs
                // every feature; a batch with no unmasked step gives 0 (divide_no_nan; Keras 3
                // adds its 1e-7 to the count instead).
                const torch::Tensor weights = mask.to(x.scalar_type()).unsqueeze(-1);
                torch::Tensor count = weights.sum(reduce).reshape({-1});
                count = m_lineage == Lineage::Keras3 ? count + 1e-7 : count.clamp_min(1.0);
                mean = (x * weights).sum(reduce).reshape({-1}) / count;
                variance = ((x - mean).square() * weights).sum(reduce).reshape({-1}) / count;
                n = weights.sum().item<double>();
            } else {
                mean = x.mean(reduce).reshape({-1});
                variance = x.var(reduce, /*unbiased=*/false).reshape({-1});
            }
            torch::NoGradGuard noGrad;
            torch::Tensor movingVariance = variance.detach();
            const double correction = movingVarianceCorrection(x.dim(), n);
            if (correction != 1.0)
                movingVariance = movingVariance * correction;
            // moving = moving * momentum + batch * (1 - momentum), as Keras updates it.
            m_mean.mul_(m_momentum).add_(mean.detach(), 1.0 - m_momentum);
            m_variance.mul_(m_momentum).add_(movingVariance, 1.0 - m_momentum);
        }
        // tf.nn.batch_normalization: inv = rsqrt(var + eps) * gamma; x * inv + (beta - mean * inv).
        torch::Tensor inv = (variance + m_epsilon).rsqrt();
        if (m_gamma.defined())
            inv = inv * m_gamma;
        torch::Tensor shift = -mean * inv;
        if (m_beta.defined())
            shift = shift + m_beta;
        return {Flow{torch::addcmul(view(shift), x, view(inv)), inputs[0].mask}};
    }

private:
    /** The factor on the biased batch variance of `n` values per feature before the moving update. */
    double movingVarianceCorrection(std::int64_t rank, double n) const
    {
        // Keras 3 and tf.keras's non-fused path (tf.nn.moments, e.g. the (batch, time, features)
        // output of a recurrent layer, or Dense outputs) track the biased variance. tf.keras fuses
        // 4-D and 5-D inputs; TF's fused kernel returns the Bessel-corrected variance. Multi-backend
        // Keras multiplies by n / (n - (1 + epsilon)) ("sample variance"); its 4-D inputs go through
        // TF's fused kernel first, kept here as Bessel's n / (n - 1) as before.
        const bool fused = m_fusedAllowed && (rank == 4 || rank == 5);
        switch (m_lineage) {
        case Lineage::Keras3: return 1.0;
        case Lineage::TfKeras: return fused && n > 1.0 ? n / (n - 1.0) : 1.0;
        case Lineage::MultiBackend:
            if (rank == 4)
                return n > 1.0 ? n / (n - 1.0) : 1.0;
            return n > 1.0 + m_epsilon ? n / (n - (1.0 + m_epsilon)) : 1.0;
        }
        return 1.0;
    }

    std::vector<std::int64_t> m_axes;
    double m_epsilon, m_momentum;
    Lineage m_lineage;
    bool m_fusedAllowed;
    bool m_maskedMoments;
    torch::Tensor m_gamma, m_beta, m_mean, m_variance;
};

class LayerNormOp final : public LayerOp
{
public:
    LayerNormOp(const Layer &layer, std::vector<std::int64_t> axes, double epsilon, bool rmsScaling,
                const torch::Tensor &gamma, const torch::Tensor &beta)
        : LayerOp(layer.name, layer.className), m_axes(std::move(axes)), m_epsilon(epsilon), m_rmsScaling(rmsScaling)
    {
        if (gamma.defined())
            m_gamma = bindWeight(QStringLiteral("gamma"), gamma, true);
        if (beta.defined())
            m_beta = bindWeight(QStringLiteral("beta"), beta, true);
    }

    std::vector<Flow> forward(const std::vector<Flow> &inputs) override
    {
        expectInputs(inputs, 1);
        const torch::Tensor &x = inputs[0].value;
        std::vector<std::int64_t> axes;
        std::vector<std::int64_t> shape(std::size_t(x.dim()), 1);
        for (std::int64_t axis : m_axes) {
            const std::int64_t a = resolveAxis(axis, x.dim());
            if (a < 0)
                fail(QStringLiteral("axis %1 does not exist for inputs of shape %2")
                         .arg(axis)
                         .arg(shapeText(x.sizes())));
            axes.push_back(a);
            shape[std::size_t(a)] = x.size(a);
        }
        std::sort(axes.begin(), axes.end());
        const bool trailing =
            !m_rmsScaling && axes.back() == x.dim() - 1 && axes.front() == x.dim() - std::int64_t(axes.size());
        if (trailing) {
            const std::vector<std::int64_t> normalized(x.sizes().end() - std::ptrdiff_t(axes.size()), x.sizes().end());
            auto affine = [&](const torch::Tensor &t) { return t.defined() ? t.reshape(normalized) : t; };
            return {Flow{torch::layer_norm(x, normalized, affine(m_gamma), affine(m_beta), m_epsilon), inputs[0].mask}};
        }
        // Keras 3 rms_scaling: x * rsqrt(var + eps) * gamma (its variance is centred), no beta.
        const torch::Tensor variance = x.var(axes, /*unbiased=*/false, true);
        torch::Tensor y = m_rmsScaling ? x * (variance + m_epsilon).rsqrt()
                                       : (x - x.mean(axes, true)) * (variance + m_epsilon).rsqrt();
        if (m_gamma.defined())
            y = y * m_gamma.reshape(shape);
        if (m_beta.defined())
            y = y + m_beta.reshape(shape);
        return {Flow{y, inputs[0].mask}};
    }

private:
    std::vector<std::int64_t> m_axes;
    double m_epsilon;
    bool m_rmsScaling;
    torch::Tensor m_gamma, m_beta;
};

} // namespace

Expected<LayerOpPtr> createNormalizationOp(const Layer &layer, const OpContext &context)
{
    const QString &cls = layer.className;
    const bool batchNorm = cls == QLatin1String("BatchNormalization") || cls == QLatin1String("BatchNormalizationV1")
                           || cls == QLatin1String("SyncBatchNormalization");
    if (!batchNorm && cls != QLatin1String("LayerNormalization"))
        return LayerOpPtr();
    ConfigReader config(layer);
    const std::vector<std::int64_t> axes = config.intOrList(QStringLiteral("axis"), {-1});
    const double epsilon = config.number(QStringLiteral("epsilon"), 1e-3);
    const bool center = config.boolean(QStringLiteral("center"), true);
    const bool scale = config.boolean(QStringLiteral("scale"), true);
    if (axes.empty())
        config.fail(QStringLiteral("axis"), QStringLiteral("is empty"));
    if (batchNorm) {
        const double momentum = config.number(QStringLiteral("momentum"), 0.99);
        if (config.boolean(QStringLiteral("renorm"), false))
            config.fail(QStringLiteral("renorm"), QStringLiteral("is true; batch renormalization is not supported"));
        if (config.isSet(QStringLiteral("virtual_batch_size")))
            config.fail(QStringLiteral("virtual_batch_size"),
                        QStringLiteral("is set; ghost batch normalization is not supported"));
        if (config.isSet(QStringLiteral("adjustment")))
            config.fail(QStringLiteral("adjustment"), QStringLiteral("is set; it is not supported"));
        if (config.failed())
            return config.error();
        auto gamma = scale ? requireWeight(layer, QStringLiteral("gamma")) : Expected<torch::Tensor>(torch::Tensor());
        auto beta = center ? requireWeight(layer, QStringLiteral("beta")) : Expected<torch::Tensor>(torch::Tensor());
        auto mean = requireWeight(layer, QStringLiteral("moving_mean"));
        auto variance = requireWeight(layer, QStringLiteral("moving_variance"));
        for (const auto *w : {&gamma, &beta, &mean, &variance})
            if (!*w)
                return w->error();
        const std::int64_t n = mean->numel();
        for (const torch::Tensor *t : {&*gamma, &*beta, &*variance})
            if (t->defined() && t->numel() != n)
                return makeError(QStringLiteral("%1: the normalization weights disagree in size (%2 vs %3)")
                                     .arg(config.subject())
                                     .arg(t->numel())
                                     .arg(n));
        const BatchNormOp::Lineage lineage = context.keras3           ? BatchNormOp::Lineage::Keras3
                                             : context.tfKerasMasking ? BatchNormOp::Lineage::TfKeras
                                                                      : BatchNormOp::Lineage::MultiBackend;
        // tf.keras 1.x saved "fused" (false: never the fused kernel); tf.keras 2 fuses 4-D/5-D inputs.
        const bool fusedAllowed = config.config().value(QStringLiteral("fused")).toBool(true);
        auto flat = [](const torch::Tensor &t) { return t.defined() ? t.reshape({-1}) : t; };
        return LayerOpPtr(std::make_shared<BatchNormOp>(layer, axes, epsilon, momentum, lineage, fusedAllowed,
                                                        context.maskedBatchNormMoments, flat(*gamma), flat(*beta),
                                                        flat(*mean), flat(*variance)));
    }
    const bool rmsScaling = config.boolean(QStringLiteral("rms_scaling"), false);
    if (config.failed())
        return config.error();
    auto gamma =
        scale || rmsScaling ? requireWeight(layer, QStringLiteral("gamma")) : Expected<torch::Tensor>(torch::Tensor());
    auto beta =
        center && !rmsScaling ? requireWeight(layer, QStringLiteral("beta")) : Expected<torch::Tensor>(torch::Tensor());
    if (!gamma)
        return gamma.error();
    if (!beta)
        return beta.error();
    return LayerOpPtr(std::make_shared<LayerNormOp>(layer, axes, epsilon, rmsScaling, *gamma, *beta));
}

} // namespace graft::engine
