// Flatten, Reshape, Permute, RepeatVector, ZeroPadding1D/2D, Cropping1D/2D, UpSampling1D/2D.

#include "core/engine/layerop.h"
#include "core/engine/spatial.h"

namespace graft::engine {

namespace {

class ShapeOp final : public LayerOp
{
public:
    using Function = std::function<torch::Tensor(const LayerOp &, const torch::Tensor &)>;

    ShapeOp(const Layer &layer, Function function, bool keepsMask)
        : LayerOp(layer.name, layer.className), m_function(std::move(function)), m_keepsMask(keepsMask)
    { }

    std::vector<Flow> forward(const std::vector<Flow> &inputs) override
    {
        expectInputs(inputs, 1);
        return {Flow{m_function(*this, inputs[0].value), m_keepsMask ? inputs[0].mask : torch::Tensor()}};
    }

    using LayerOp::fail;

private:
    Function m_function;
    bool m_keepsMask;
};

void requireRank(const LayerOp &op, const torch::Tensor &x, std::int64_t rank)
{
    if (x.dim() != rank)
        throw OpError(QStringLiteral("%1: expects %2-D inputs (batch axis included), got shape %3")
                          .arg(op.subject())
                          .arg(rank)
                          .arg(shapeText(x.sizes())));
}

} // namespace

Expected<LayerOpPtr> createReshapingOp(const Layer &layer, const OpContext &)
{
    const QString &cls = layer.className;
    ConfigReader config(layer);
    ShapeOp::Function function;
    bool keepsMask = false;

    if (cls == QLatin1String("Flatten")) {
        const bool channelsFirst = config.channelsFirst();
        function = [channelsFirst](const LayerOp &, const torch::Tensor &x) {
            torch::Tensor t = x;
            if (channelsFirst && x.dim() > 2) {
                // Keras moves the channels last before flattening channels_first data.
                std::vector<std::int64_t> order{0};
                for (std::int64_t i = 2; i < x.dim(); ++i)
                    order.push_back(i);
                order.push_back(1);
                t = x.permute(order);
            }
            return t.reshape({x.size(0), -1});
        };
    } else if (cls == QLatin1String("Reshape")) {
        std::vector<std::int64_t> target = config.intList(QStringLiteral("target_shape"));
        int unknown = 0;
        for (auto d : target) {
            if (d < -1 || d == 0)
                config.fail(QStringLiteral("target_shape"), QStringLiteral("holds %1").arg(d));
            unknown += d == -1;
        }
        if (unknown > 1)
            config.fail(QStringLiteral("target_shape"), QStringLiteral("has more than one unknown dimension"));
        function = [target](const LayerOp &op, const torch::Tensor &x) {
            std::vector<std::int64_t> shape{x.size(0)};
            std::int64_t known = 1;
            for (auto d : target) {
                shape.push_back(d);
                known *= d == -1 ? 1 : d;
            }
            const std::int64_t perSample = x.size(0) > 0 ? x.numel() / x.size(0) : 0;
            if (perSample % known != 0
                || (std::find(target.begin(), target.end(), -1) == target.end() && perSample != known))
                throw OpError(QStringLiteral("%1: cannot reshape inputs of shape %2 to %3")
                                  .arg(op.subject(), shapeText(x.sizes()), shapeText(shape)));
            return x.reshape(shape);
        };
    } else if (cls == QLatin1String("Permute")) {
        const std::vector<std::int64_t> dims = config.intList(QStringLiteral("dims"));
        std::vector<std::int64_t> order{0};
        std::vector<bool> seen(dims.size() + 1, false);
        for (auto d : dims) {
            if (d < 1 || d > std::int64_t(dims.size()) || seen[std::size_t(d)])
                config.fail(QStringLiteral("dims"), QStringLiteral("is not a permutation of 1..%1").arg(dims.size()));
            else
                seen[std::size_t(d)] = true;
            order.push_back(d);
        }
        function = [order](const LayerOp &op, const torch::Tensor &x) {
            requireRank(op, x, std::int64_t(order.size()));
            return x.permute(order);
        };
    } else if (cls == QLatin1String("RepeatVector")) {
        const std::int64_t n = config.integer(QStringLiteral("n"), -1);
        if (n < 1)
            config.fail(QStringLiteral("n"), QStringLiteral("must be a positive integer"));
        function = [n](const LayerOp &op, const torch::Tensor &x) {
            requireRank(op, x, 2);
            return x.unsqueeze(1).expand({x.size(0), n, x.size(1)}).contiguous();
        };
    } else if (cls == QLatin1String("ZeroPadding1D") || cls == QLatin1String("ZeroPadding2D")
               || cls == QLatin1String("Cropping1D") || cls == QLatin1String("Cropping2D")) {
        SpatialLayout layout;
        layout.rank = cls.endsWith(QLatin1String("1D")) ? 1 : 2;
        layout.channelsFirst = layout.rank == 2 && config.channelsFirst();
        const bool padding = cls.startsWith(QLatin1String("Zero"));
        const auto amounts = config.pairs(padding ? QStringLiteral("padding") : QStringLiteral("cropping"), layout.rank,
                                          padding ? 1 : 0);
        function = [layout, amounts, padding](const LayerOp &op, const torch::Tensor &x) {
            requireRank(op, x, layout.rank + 2);
            const std::vector<std::int64_t> axes = layout.spatialAxes();
            if (padding)
                return padAxes(x, axes, amounts, 0.0);
            torch::Tensor y = x;
            for (std::size_t i = 0; i < axes.size(); ++i) {
                const std::int64_t n = x.size(axes[i]);
                const std::int64_t keep = n - amounts[i].first - amounts[i].second;
                if (keep <= 0)
                    throw OpError(QStringLiteral("%1: cropping %2 + %3 leaves nothing of size %4 (inputs %5)")
                                      .arg(op.subject())
                                      .arg(amounts[i].first)
                                      .arg(amounts[i].second)
                                      .arg(n)
                                      .arg(shapeText(x.sizes())));
                y = y.narrow(axes[i], amounts[i].first, keep);
            }
            return y;
        };
        keepsMask = layout.rank == 2;
    } else if (cls == QLatin1String("UpSampling1D") || cls == QLatin1String("UpSampling2D")) {
        SpatialLayout layout;
        layout.rank = cls.endsWith(QLatin1String("1D")) ? 1 : 2;
        layout.channelsFirst = layout.rank == 2 && config.channelsFirst();
        const std::vector<std::int64_t> size = config.integers(
            layout.rank == 1 && !config.has(QStringLiteral("size")) ? QStringLiteral("length") : QStringLiteral("size"),
            layout.rank, std::vector<std::int64_t>(std::size_t(layout.rank), 2));
        const QString interpolation = config.choice(QStringLiteral("interpolation"), QStringLiteral("nearest"),
                                                    {QStringLiteral("nearest"), QStringLiteral("bilinear")});
        for (auto s : size)
            if (s < 1)
                config.fail(QStringLiteral("size"), QStringLiteral("must be positive"));
        const bool bilinear = interpolation == QLatin1String("bilinear");
        function = [layout, size, bilinear](const LayerOp &op, const torch::Tensor &x) {
            requireRank(op, x, layout.rank + 2);
            const std::vector<std::int64_t> axes = layout.spatialAxes();
            if (bilinear && layout.rank == 2) {
                // tf.image.resize (half-pixel centres) = torch bilinear, align_corners = false.
                const torch::Tensor nchw = layout.toNchw(x);
                const std::vector<std::int64_t> outSize{nchw.size(2) * size[0], nchw.size(3) * size[1]};
                return layout.fromNchw(torch::upsample_bilinear2d(nchw, outSize, false));
            }
            torch::Tensor y = x;
            for (std::size_t i = 0; i < axes.size(); ++i)
                if (size[i] > 1)
                    y = y.repeat_interleave(size[i], axes[i]);
            return y;
        };
    } else {
        return LayerOpPtr();
    }
    if (config.failed())
        return config.error();
    return LayerOpPtr(std::make_shared<ShapeOp>(layer, function, keepsMask));
}

} // namespace graft::engine
