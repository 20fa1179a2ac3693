// Max/AveragePooling1D/2D and the global poolings.

#include "core/engine/layerop.h"
#include "core/engine/spatial.h"

#include <limits>

namespace graft::engine {

namespace {

class PoolOp final : public LayerOp
{
public:
    PoolOp(const Layer &layer, bool isMax, SpatialLayout layout, std::vector<std::int64_t> pool,
           std::vector<std::int64_t> strides, bool same)
        : LayerOp(layer.name, layer.className), m_isMax(isMax), m_layout(layout), m_pool(std::move(pool)),
          m_strides(std::move(strides)), m_same(same)
    { }

    std::vector<Flow> forward(const std::vector<Flow> &inputs) override
    {
        expectInputs(inputs, 1);
        torch::Tensor x = inputs[0].value;
        if (x.dim() != m_layout.rank + 2)
            fail(QStringLiteral("expects %1-D inputs (batch axis included), got shape %2")
                     .arg(m_layout.rank + 2)
                     .arg(shapeText(x.sizes())));
        const std::vector<std::int64_t> axes = m_layout.spatialAxes();
        std::vector<std::int64_t> symmetric(axes.size(), 0);
        std::vector<std::pair<std::int64_t, std::int64_t>> full(axes.size(), {0, 0});
        bool odd = false;
        for (std::size_t i = 0; i < axes.size(); ++i) {
            if (!m_same)
                continue;
            const auto pads = samePadding(x.size(axes[i]), m_pool[i], m_strides[i], 1);
            symmetric[i] = pads.first;
            full[i] = pads;
            odd = odd || pads.first != pads.second;
        }
        const std::vector<std::int64_t> kernel = m_layout.expand(m_pool, 1);
        const std::vector<std::int64_t> stride = m_layout.expand(m_strides, 1);
        torch::Tensor y;
        if (m_isMax) {
            // Keras pads max pooling with -inf; torch's implicit padding does too, so only
            // an odd total needs the extra row/column added explicitly.
            if (odd) {
                std::vector<std::pair<std::int64_t, std::int64_t>> extra(axes.size());
                for (std::size_t i = 0; i < axes.size(); ++i)
                    extra[i] = {0, full[i].second - full[i].first};
                x = padAxes(x, axes, extra, -std::numeric_limits<double>::infinity());
            }
            y = torch::max_pool2d(m_layout.toNchw(x), kernel, stride, m_layout.expand(symmetric, 0));
        } else if (!odd) {
            // count_include_pad = false: Keras averages over the real pixels only.
            y = torch::avg_pool2d(m_layout.toNchw(x), kernel, stride, m_layout.expand(symmetric, 0), false, false);
        } else {
            // Asymmetric 'same' averaging: sum over the zero-padded input divided by
            // how many real pixels each window covers.
            const torch::Tensor padded = padAxes(x, axes, full, 0.0);
            const torch::Tensor sums = torch::avg_pool2d(m_layout.toNchw(padded), kernel, stride);
            std::vector<std::int64_t> onesShape(std::size_t(x.dim()), 1);
            for (std::int64_t a : axes)
                onesShape[std::size_t(a)] = x.size(a);
            const torch::Tensor ones = padAxes(torch::ones(onesShape, x.options()), axes, full, 0.0);
            const torch::Tensor coverage = torch::avg_pool2d(m_layout.toNchw(ones), kernel, stride);
            y = sums / coverage;
        }
        return {Flow{m_layout.fromNchw(y), torch::Tensor()}};
    }

private:
    bool m_isMax;
    SpatialLayout m_layout;
    std::vector<std::int64_t> m_pool, m_strides;
    bool m_same;
};

class GlobalPoolOp final : public LayerOp
{
public:
    GlobalPoolOp(const Layer &layer, bool isMax, SpatialLayout layout, bool keepDims)
        : LayerOp(layer.name, layer.className), m_isMax(isMax), m_layout(layout), m_keepDims(keepDims)
    { }

    std::vector<Flow> forward(const std::vector<Flow> &inputs) override
    {
        expectInputs(inputs, 1);
        const torch::Tensor &x = inputs[0].value;
        if (x.dim() != m_layout.rank + 2)
            fail(QStringLiteral("expects %1-D inputs (batch axis included), got shape %2")
                     .arg(m_layout.rank + 2)
                     .arg(shapeText(x.sizes())));
        const std::vector<std::int64_t> axes = m_layout.spatialAxes();
        const torch::Tensor &mask = inputs[0].mask;
        if (!m_isMax && m_layout.rank == 1 && mask.defined() && mask.dim() == 2) {
            // GlobalAveragePooling1D averages over the unmasked steps only.
            const std::int64_t timeAxis = axes.front();
            torch::Tensor m = mask.to(x.scalar_type());
            m = m_layout.channelsFirst ? m.unsqueeze(1) : m.unsqueeze(2);
            return {Flow{(x * m).sum(timeAxis, m_keepDims) / m.sum(timeAxis, m_keepDims), torch::Tensor()}};
        }
        const torch::Tensor y = m_isMax ? x.amax(axes, m_keepDims) : x.mean(axes, m_keepDims);
        return {Flow{y, torch::Tensor()}};
    }

private:
    bool m_isMax;
    SpatialLayout m_layout;
    bool m_keepDims;
};

} // namespace

Expected<LayerOpPtr> createPoolingOp(const Layer &layer, const OpContext &)
{
    const QString &cls = layer.className;
    const bool global = cls.startsWith(QLatin1String("Global"));
    const QString base = global ? cls.mid(6) : cls;
    bool isMax;
    if (base.startsWith(QLatin1String("MaxPooling")) || base.startsWith(QLatin1String("MaxPool")))
        isMax = true;
    else if (base.startsWith(QLatin1String("AveragePooling")) || base.startsWith(QLatin1String("AvgPool")))
        isMax = false;
    else
        return LayerOpPtr();
    int rank;
    if (base.endsWith(QLatin1String("1D")))
        rank = 1;
    else if (base.endsWith(QLatin1String("2D")))
        rank = 2;
    else
        return LayerOpPtr(); // 3-D pooling is not supported: falls through to "unsupported"

    ConfigReader config(layer);
    SpatialLayout layout;
    layout.rank = rank;
    layout.channelsFirst = config.channelsFirst();
    if (global) {
        const bool keepDims = config.boolean(QStringLiteral("keepdims"), false);
        if (config.failed())
            return config.error();
        return LayerOpPtr(std::make_shared<GlobalPoolOp>(layer, isMax, layout, keepDims));
    }
    // Keras 2 Pooling1D spells pool_length/stride in very old configs; pool_size/strides otherwise.
    const QString poolKey =
        config.has(QStringLiteral("pool_size")) ? QStringLiteral("pool_size") : QStringLiteral("pool_length");
    const std::vector<std::int64_t> pool =
        config.integers(poolKey, rank, std::vector<std::int64_t>(std::size_t(rank), 2));
    const QString strideKey =
        config.has(QStringLiteral("strides")) ? QStringLiteral("strides") : QStringLiteral("stride");
    const std::vector<std::int64_t> strides = config.integers(strideKey, rank, pool); // None: the pool size
    const QString padding = config.choice(QStringLiteral("padding"), QStringLiteral("valid"),
                                          {QStringLiteral("valid"), QStringLiteral("same")});
    for (auto v : pool)
        if (v <= 0)
            config.fail(poolKey, QStringLiteral("must be positive"));
    for (auto v : strides)
        if (v <= 0)
            config.fail(strideKey, QStringLiteral("must be positive"));
    if (config.failed())
        return config.error();
    return LayerOpPtr(std::make_shared<PoolOp>(layer, isMax, layout, pool, strides, padding == QLatin1String("same")));
}

} // namespace graft::engine
