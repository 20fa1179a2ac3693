// Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot.

#include "core/engine/layerop.h"

namespace graft::engine {

namespace {

/** Keras's merge layers AND the masks of the inputs that have one. */
torch::Tensor combinedMask(const std::vector<Flow> &inputs)
{
    torch::Tensor mask;
    for (const Flow &f : inputs)
        if (f.mask.defined())
            mask = mask.defined() ? mask.logical_and(f.mask) : f.mask;
    return mask;
}

class ElementwiseMergeOp final : public LayerOp
{
public:
    enum class Kind { Add, Subtract, Multiply, Average, Maximum, Minimum };

    ElementwiseMergeOp(const Layer &layer, Kind kind) : LayerOp(layer.name, layer.className), m_kind(kind) { }

    std::vector<Flow> forward(const std::vector<Flow> &inputs) override
    {
        if (inputs.size() < (m_kind == Kind::Subtract ? 2u : 1u) || (m_kind == Kind::Subtract && inputs.size() != 2))
            fail(QStringLiteral("got %1 input tensor(s)").arg(inputs.size()));
        for (const Flow &f : inputs)
            if (f.value.dim() != inputs[0].value.dim())
                fail(QStringLiteral("inputs have different ranks: %1 and %2")
                         .arg(shapeText(inputs[0].value.sizes()), shapeText(f.value.sizes())));
        torch::Tensor y = inputs[0].value;
        for (std::size_t i = 1; i < inputs.size(); ++i) {
            const torch::Tensor &v = inputs[i].value;
            switch (m_kind) {
            case Kind::Add:
            case Kind::Average: y = y + v; break;
            case Kind::Subtract: y = y - v; break;
            case Kind::Multiply: y = y * v; break;
            case Kind::Maximum: y = torch::maximum(y, v); break;
            case Kind::Minimum: y = torch::minimum(y, v); break;
            }
        }
        if (m_kind == Kind::Average)
            y = y / double(inputs.size());
        return {Flow{y, combinedMask(inputs)}};
    }

private:
    Kind m_kind;
};

class ConcatenateOp final : public LayerOp
{
public:
    ConcatenateOp(const Layer &layer, std::int64_t axis) : LayerOp(layer.name, layer.className), m_axis(axis) { }

    std::vector<Flow> forward(const std::vector<Flow> &inputs) override
    {
        if (inputs.empty())
            fail(QStringLiteral("got no inputs"));
        const std::int64_t rank = inputs[0].value.dim();
        const std::int64_t axis = m_axis < 0 ? m_axis + rank : m_axis;
        if (axis < 1 || axis >= rank)
            fail(QStringLiteral("axis %1 does not exist for inputs of shape %2")
                     .arg(m_axis)
                     .arg(shapeText(inputs[0].value.sizes())));
        std::vector<torch::Tensor> values;
        for (const Flow &f : inputs) {
            bool compatible = f.value.dim() == rank;
            for (std::int64_t d = 0; compatible && d < rank; ++d)
                compatible = d == axis || f.value.size(d) == inputs[0].value.size(d);
            if (!compatible)
                fail(QStringLiteral("cannot concatenate shapes %1 and %2 on axis %3")
                         .arg(shapeText(inputs[0].value.sizes()), shapeText(f.value.sizes()))
                         .arg(m_axis));
            values.push_back(f.value);
        }
        return {Flow{torch::cat(values, axis), combinedMask(inputs)}};
    }

private:
    std::int64_t m_axis;
};

class DotOp final : public LayerOp
{
public:
    DotOp(const Layer &layer, std::vector<std::int64_t> axes, bool normalize)
        : LayerOp(layer.name, layer.className), m_axes(std::move(axes)), m_normalize(normalize)
    { }

    std::vector<Flow> forward(const std::vector<Flow> &inputs) override
    {
        expectInputs(inputs, 2);
        torch::Tensor x = inputs[0].value, y = inputs[1].value;
        if (x.dim() < 2 || y.dim() < 2)
            fail(QStringLiteral("needs inputs with a feature axis, got %1 and %2")
                     .arg(shapeText(x.sizes()), shapeText(y.sizes())));
        // Keras takes negative axes modulo each input's rank.
        auto resolve = [](std::int64_t a, std::int64_t rank) { return ((a % rank) + rank) % rank; };
        const std::int64_t ax = resolve(m_axes[0], x.dim()), ay = resolve(m_axes[1], y.dim());
        if (ax == 0 || ay == 0 || x.size(ax) != y.size(ay))
            fail(QStringLiteral("cannot contract axis %1 of %2 with axis %3 of %4")
                     .arg(ax)
                     .arg(shapeText(x.sizes()))
                     .arg(ay)
                     .arg(shapeText(y.sizes())));
        if (m_normalize) {
            // l2_normalize: x / sqrt(max(sum(x^2), 1e-12)).
            x = x * x.square().sum(ax, true).clamp_min(1e-12).rsqrt();
            y = y * y.square().sum(ay, true).clamp_min(1e-12).rsqrt();
        }
        // batch_dot: move the contracted axes so that bmm does the work.
        const torch::Tensor xm = x.movedim(ax, -1);
        const torch::Tensor ym = y.movedim(ay, 1);
        std::vector<std::int64_t> outShape{x.size(0)};
        for (std::int64_t d = 1; d < xm.dim() - 1; ++d)
            outShape.push_back(xm.size(d));
        for (std::int64_t d = 2; d < ym.dim(); ++d)
            outShape.push_back(ym.size(d));
        const torch::Tensor product =
            torch::bmm(xm.reshape({x.size(0), -1, xm.size(-1)}), ym.reshape({y.size(0), ym.size(1), -1}));
        if (outShape.size() == 1)
            outShape.push_back(1); // Keras returns (batch, 1) for two vectors
        return {Flow{product.reshape(outShape), torch::Tensor()}};
    }

private:
    std::vector<std::int64_t> m_axes;
    bool m_normalize;
};

} // namespace

Expected<LayerOpPtr> createMergeOp(const Layer &layer, const OpContext &)
{
    const QString &cls = layer.className;
    using K = ElementwiseMergeOp::Kind;
    static const std::pair<const char *, K> elementwise[] = {
        {"Add", K::Add},         {"Subtract", K::Subtract}, {"Multiply", K::Multiply},
        {"Average", K::Average}, {"Maximum", K::Maximum},   {"Minimum", K::Minimum},
    };
    for (const auto &[name, kind] : elementwise)
        if (cls == QLatin1String(name))
            return LayerOpPtr(std::make_shared<ElementwiseMergeOp>(layer, kind));
    ConfigReader config(layer);
    if (cls == QLatin1String("Concatenate")) {
        const std::int64_t axis = config.integer(QStringLiteral("axis"), -1);
        if (config.failed())
            return config.error();
        return LayerOpPtr(std::make_shared<ConcatenateOp>(layer, axis));
    }
    if (cls == QLatin1String("Dot")) {
        std::vector<std::int64_t> axes = config.intOrList(QStringLiteral("axes"), {-1});
        if (axes.size() == 1)
            axes.push_back(axes.front());
        if (axes.size() != 2)
            config.fail(QStringLiteral("axes"), QStringLiteral("must be one axis or a pair"));
        const bool normalize = config.boolean(QStringLiteral("normalize"), false);
        if (config.failed())
            return config.error();
        return LayerOpPtr(std::make_shared<DotOp>(layer, axes, normalize));
    }
    return LayerOpPtr();
}

} // namespace graft::engine
