// Conv1D, Conv2D, DepthwiseConv2D, SeparableConv2D.

#include "core/engine/activation.h"
#include "core/engine/layerop.h"
#include "core/engine/spatial.h"

#include <algorithm>

namespace graft::engine {

namespace {

enum class Padding { Valid, Same, Causal };

/**
 * One spatial axis of a conv once the kernel taps that never meet real input are
 * dropped. Keras's 'same' padding on a small feature map (a 3×3 kernel on a 1×1
 * map, as at the end of a strided CNN) makes most taps multiply padding zeros only:
 * without them the conv is the small product it really is, its gradients for
 * those taps stay exact zeros, and often no padding copy is needed at all.
 */
struct TapWindow
{
    std::int64_t firstTap = 0, taps = 0;          // the kernel taps kept
    std::int64_t inputStart = 0, inputLength = 0; // the input the kept taps read
    std::int64_t before = 0, after = 0;           // padding around that input
};

TapWindow liveTaps(std::int64_t n, std::int64_t k, std::int64_t s, std::int64_t d,
                   std::pair<std::int64_t, std::int64_t> pad)
{
    TapWindow w{0, k, 0, n, pad.first, pad.second};
    const std::int64_t padded = n + pad.first + pad.second, span = (k - 1) * d + 1;
    if (n <= 0 || padded < span)
        return w; // let the conv itself report the impossible shape
    const std::int64_t outputs = (padded - span) / s + 1;
    const auto meetsInput = [&](std::int64_t tap) {
        const std::int64_t offset = tap * d - pad.first; // where the tap lands for output 0
        const std::int64_t first = offset >= 0 ? 0 : (-offset + s - 1) / s;
        return first < outputs && first * s + offset < n;
    };
    std::int64_t lo = 0, hi = k - 1;
    while (lo < hi && !meetsInput(lo))
        ++lo;
    while (hi > lo && !meetsInput(hi))
        --hi;
    if (lo == 0 && hi == k - 1)
        return w;
    w.firstTap = lo;
    w.taps = hi - lo + 1;
    // Output t now starts at t*s - before in the (cropped) input.
    std::int64_t before = pad.first - lo * d;
    if (before < 0) {
        w.inputStart = -before; // input the kept taps never read
        before = 0;
    }
    const std::int64_t needed = (outputs - 1) * s + (w.taps - 1) * d + 1 - before;
    w.inputLength = std::min(n - w.inputStart, needed);
    w.before = before;
    w.after = needed - w.inputLength;
    return w;
}

struct ConvGeometry
{
    SpatialLayout layout;
    std::vector<std::int64_t> kernel; // per spatial dim
    std::vector<std::int64_t> strides;
    std::vector<std::int64_t> dilation;
    Padding padding = Padding::Valid;
};

class ConvOp final : public LayerOp
{
public:
    enum class Kind { Regular, Depthwise, Separable };

    ConvOp(const Layer &layer, Kind kind, ConvGeometry geometry, std::int64_t inChannels, std::int64_t groups,
           Activation activation)
        : LayerOp(layer.name, layer.className), m_kind(kind), m_geometry(std::move(geometry)), m_inChannels(inChannels),
          m_groups(groups), m_activation(activation)
    {
        const SpatialLayout &l = m_geometry.layout;
        m_strides = l.expand(m_geometry.strides, 1);
        m_dilation = l.expand(m_geometry.dilation, 1);
    }

    /**
     * Keras (k..., in/groups, out) -> torch (out, in/groups, kh, kw). With channels-last
     * data the kernel is stored channels-last too (out, kh, kw, in in memory): oneDNN
     * would otherwise copy it into that layout on every forward and twice per backward.
     */
    void setKernel(const torch::Tensor &kernel)
    {
        const bool oneD = m_geometry.layout.rank == 1;
        torch::Tensor w;
        if (m_geometry.layout.channelsFirst)
            w = (oneD ? kernel.permute({2, 1, 0}).unsqueeze(2) : kernel.permute({3, 2, 0, 1})).contiguous();
        else if (oneD)
            w = kernel.permute({2, 0, 1}).contiguous().unsqueeze(1).permute({0, 3, 1, 2});
        else
            w = kernel.permute({3, 0, 1, 2}).contiguous().permute({0, 3, 1, 2});
        m_weight = bindWeight(QStringLiteral("kernel"), w, true, [oneD](const torch::Tensor &t) {
            return (oneD ? t.squeeze(2).permute({2, 1, 0}) : t.permute({2, 3, 1, 0})).contiguous();
        });
    }

    /** Keras (k..., in, multiplier) -> torch (in * multiplier, 1, kh, kw), output channel = c * mult + m. */
    void setDepthwiseKernel(const torch::Tensor &kernel)
    {
        const bool oneD = m_geometry.layout.rank == 1;
        const std::int64_t in = kernel.size(-2), mult = kernel.size(-1);
        const torch::Tensor k4 = oneD ? kernel.unsqueeze(0) : kernel; // (kh, kw, in, mult)
        const torch::Tensor w = k4.permute({2, 3, 0, 1}).reshape({in * mult, 1, k4.size(0), k4.size(1)});
        m_weight = bindWeight(QStringLiteral("depthwise_kernel"), w.contiguous(), true,
                              [in, mult, oneD](const torch::Tensor &t) {
                                  torch::Tensor k = t.reshape({in, mult, t.size(2), t.size(3)}).permute({2, 3, 0, 1});
                                  return (oneD ? k.squeeze(0) : k).contiguous();
                              });
    }

    /** Keras (1[, 1], in * mult, filters) -> torch (filters, in * mult, 1, 1). */
    void setPointwiseKernel(const torch::Tensor &kernel)
    {
        const bool oneD = m_geometry.layout.rank == 1;
        const torch::Tensor k4 = oneD ? kernel.unsqueeze(0) : kernel;
        m_pointwise = bindWeight(QStringLiteral("pointwise_kernel"), k4.permute({3, 2, 0, 1}).contiguous(), true,
                                 [oneD](const torch::Tensor &t) {
                                     torch::Tensor k = t.permute({2, 3, 1, 0});
                                     return (oneD ? k.squeeze(0) : k).contiguous();
                                 });
    }

    void setBias(const torch::Tensor &bias)
    {
        if (bias.defined())
            m_bias = bindWeight(QStringLiteral("bias"), bias, true);
    }

    std::vector<Flow> forward(const std::vector<Flow> &inputs) override
    {
        expectInputs(inputs, 1);
        torch::Tensor x = inputs[0].value;
        const SpatialLayout &layout = m_geometry.layout;
        if (x.dim() != layout.rank + 2)
            fail(QStringLiteral("expects %1-D inputs (batch axis included), got shape %2")
                     .arg(layout.rank + 2)
                     .arg(shapeText(x.sizes())));
        if (x.size(layout.channelAxis()) != m_inChannels)
            fail(QStringLiteral("expects %1 input channels, got shape %2").arg(m_inChannels).arg(shapeText(x.sizes())));

        const std::vector<std::int64_t> axes = layout.spatialAxes();
        std::vector<std::int64_t> symmetric(axes.size(), 0);
        std::vector<std::pair<std::int64_t, std::int64_t>> explicitPad(axes.size(), {0, 0});
        bool needExplicit = false;
        torch::Tensor weight = m_weight;
        for (std::size_t i = 0; i < axes.size(); ++i) {
            const std::int64_t k = m_geometry.kernel[i], s = m_geometry.strides[i], d = m_geometry.dilation[i];
            std::pair<std::int64_t, std::int64_t> pad{0, 0};
            if (m_geometry.padding == Padding::Same)
                pad = samePadding(x.size(axes[i]), k, s, d);
            else if (m_geometry.padding == Padding::Causal)
                pad = {(k - 1) * d, 0};
            const TapWindow window = liveTaps(x.size(axes[i]), k, s, d, pad);
            if (window.inputStart != 0 || window.inputLength != x.size(axes[i]))
                x = x.narrow(axes[i], window.inputStart, window.inputLength);
            if (window.taps != k) {
                // Weight dims 2, 3 are (kh, kw); a 1-D layer's taps are along kw.
                const std::int64_t dim = layout.rank == 2 ? 2 + std::int64_t(i) : 3;
                weight = weight.narrow(dim, window.firstTap, window.taps);
            }
            // The conv's own padding is symmetric; only the difference is padded explicitly.
            symmetric[i] = std::min(window.before, window.after);
            explicitPad[i] = {window.before - symmetric[i], window.after - symmetric[i]};
            needExplicit = needExplicit || window.before != window.after;
        }
        if (needExplicit)
            x = padAxes(x, axes, explicitPad, 0.0);
        const std::vector<std::int64_t> padding = layout.expand(symmetric, 0);
        const torch::Tensor nchw = layout.toNchw(x);
        torch::Tensor y;
        if (m_kind == Kind::Regular) {
            y = torch::conv2d(nchw, weight, m_bias, m_strides, padding, m_dilation, m_groups);
        } else if (m_kind == Kind::Depthwise) {
            y = torch::conv2d(nchw, weight, m_bias, m_strides, padding, m_dilation, m_inChannels);
        } else {
            y = torch::conv2d(nchw, weight, {}, m_strides, padding, m_dilation, m_inChannels);
            y = torch::conv2d(y, m_pointwise, m_bias);
        }
        return {Flow{m_activation(layout.fromNchw(y), true), torch::Tensor()}};
    }

private:
    Kind m_kind;
    ConvGeometry m_geometry;
    std::int64_t m_inChannels;
    std::int64_t m_groups;
    Activation m_activation;
    std::vector<std::int64_t> m_strides, m_dilation;
    torch::Tensor m_weight, m_pointwise, m_bias;
};

} // namespace

Expected<LayerOpPtr> createConvOp(const Layer &layer, const OpContext &context)
{
    const QString &cls = layer.className;
    ConvOp::Kind kind;
    int rank;
    if (cls == QLatin1String("Conv1D") || cls == QLatin1String("Convolution1D")) {
        kind = ConvOp::Kind::Regular;
        rank = 1;
    } else if (cls == QLatin1String("Conv2D") || cls == QLatin1String("Convolution2D")) {
        kind = ConvOp::Kind::Regular;
        rank = 2;
    } else if (cls == QLatin1String("DepthwiseConv2D") || cls == QLatin1String("DepthwiseConv1D")) {
        kind = ConvOp::Kind::Depthwise;
        rank = cls.endsWith(QLatin1String("1D")) ? 1 : 2;
    } else if (cls == QLatin1String("SeparableConv2D") || cls == QLatin1String("SeparableConv1D")) {
        kind = ConvOp::Kind::Separable;
        rank = cls.endsWith(QLatin1String("1D")) ? 1 : 2;
    } else {
        return LayerOpPtr();
    }

    ConfigReader config(layer);
    ConvGeometry g;
    g.layout.rank = rank;
    g.layout.channelsFirst = config.channelsFirst();
    g.kernel = config.integers(QStringLiteral("kernel_size"), rank, {});
    g.strides = config.integers(QStringLiteral("strides"), rank, std::vector<std::int64_t>(std::size_t(rank), 1));
    g.dilation =
        config.integers(QStringLiteral("dilation_rate"), rank, std::vector<std::int64_t>(std::size_t(rank), 1));
    const QString padding =
        config.choice(QStringLiteral("padding"), QStringLiteral("valid"),
                      rank == 1 && kind == ConvOp::Kind::Regular
                          ? QStringList{QStringLiteral("valid"), QStringLiteral("same"), QStringLiteral("causal")}
                          : QStringList{QStringLiteral("valid"), QStringLiteral("same")});
    g.padding = padding == QLatin1String("same")
                    ? Padding::Same
                    : (padding == QLatin1String("causal") ? Padding::Causal : Padding::Valid);
    const bool useBias = config.boolean(QStringLiteral("use_bias"), true);
    const std::int64_t groups = config.integer(QStringLiteral("groups"), 1);
    const std::int64_t multiplier = config.integer(QStringLiteral("depth_multiplier"), 1);
    auto activation = Activation::parse(config.config().value(QStringLiteral("activation")), context);
    if (!activation)
        config.fail(QStringLiteral("activation"), activation.errorString());
    if (g.kernel.size() != std::size_t(rank))
        config.fail(QStringLiteral("kernel_size"), QStringLiteral("is missing"));
    for (auto v : g.kernel)
        if (v <= 0)
            config.fail(QStringLiteral("kernel_size"), QStringLiteral("must be positive"));
    for (auto v : g.strides)
        if (v <= 0)
            config.fail(QStringLiteral("strides"), QStringLiteral("must be positive"));
    for (auto v : g.dilation)
        if (v <= 0)
            config.fail(QStringLiteral("dilation_rate"), QStringLiteral("must be positive"));
    if (groups <= 0)
        config.fail(QStringLiteral("groups"), QStringLiteral("must be positive"));
    if (config.failed())
        return config.error();

    std::vector<std::int64_t> kernelShape(g.kernel.begin(), g.kernel.end());
    std::shared_ptr<ConvOp> op;
    if (kind == ConvOp::Kind::Regular) {
        const std::int64_t filters = config.integer(QStringLiteral("filters"), -1);
        kernelShape.push_back(-1);
        kernelShape.push_back(filters);
        auto kernel = requireWeight(layer, QStringLiteral("kernel"), kernelShape);
        if (!kernel)
            return kernel.error();
        const std::int64_t inChannels = kernel->size(-2) * groups;
        if (filters % groups != 0)
            return makeError(QStringLiteral("%1: option 'groups' (%2) does not divide filters (%3)")
                                 .arg(config.subject())
                                 .arg(groups)
                                 .arg(filters));
        op = std::make_shared<ConvOp>(layer, kind, g, inChannels, groups, *activation);
        op->setKernel(*kernel);
        auto bias = useBias ? requireWeight(layer, QStringLiteral("bias"), {filters})
                            : Expected<torch::Tensor>(torch::Tensor());
        if (!bias)
            return bias.error();
        op->setBias(*bias);
        return LayerOpPtr(op);
    }

    kernelShape.push_back(-1);
    kernelShape.push_back(multiplier);
    auto depthwise = requireWeight(layer, QStringLiteral("depthwise_kernel"), kernelShape);
    if (!depthwise)
        return depthwise.error();
    const std::int64_t inChannels = depthwise->size(-2);
    op = std::make_shared<ConvOp>(layer, kind, g, inChannels, inChannels, *activation);
    op->setDepthwiseKernel(*depthwise);
    std::int64_t outChannels = inChannels * multiplier;
    if (kind == ConvOp::Kind::Separable) {
        const std::int64_t filters = config.integer(QStringLiteral("filters"), -1);
        std::vector<std::int64_t> pointwiseShape(std::size_t(rank), 1);
        pointwiseShape.push_back(inChannels * multiplier);
        pointwiseShape.push_back(filters);
        auto pointwise = requireWeight(layer, QStringLiteral("pointwise_kernel"), pointwiseShape);
        if (!pointwise)
            return pointwise.error();
        op->setPointwiseKernel(*pointwise);
        outChannels = filters;
    }
    auto bias = useBias ? requireWeight(layer, QStringLiteral("bias"), {outChannels})
                        : Expected<torch::Tensor>(torch::Tensor());
    if (!bias)
        return bias.error();
    op->setBias(*bias);
    return LayerOpPtr(op);
}

} // namespace graft::engine
