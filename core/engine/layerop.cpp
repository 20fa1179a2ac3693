#include "core/engine/layerop.h"

#include "core/model/kerasconfigparser.h"

#include <QStringList>

namespace graft::engine {

LayerOp::LayerOp(QString layerName, QString className)
    : m_layerName(std::move(layerName)), m_className(std::move(className))
{ }

void LayerOp::resetStates()
{ }

torch::Tensor LayerOp::bindWeight(const QString &kerasName, torch::Tensor torchLayout, bool trainable,
                                  std::function<torch::Tensor(const torch::Tensor &)> toKeras)
{
    // torch module names may not contain dots; Keras short names ("forward/kernel") never do.
    std::string torchName = kerasName.toStdString();
    for (char &c : torchName)
        if (c == '.' || c == '/')
            c = '_';
    torch::Tensor stored = trainable ? register_parameter(torchName, std::move(torchLayout), true)
                                     : register_buffer(torchName, std::move(torchLayout));
    m_bindings.push_back(Binding{kerasName, stored, trainable, std::move(toKeras)});
    return stored;
}

QVector<LayerWeight> LayerOp::kerasWeights() const
{
    QVector<LayerWeight> out;
    for (const Binding &b : m_bindings) {
        torch::NoGradGuard noGrad;
        torch::Tensor keras = b.toKeras ? b.toKeras(b.tensor) : b.tensor;
        LayerWeight w;
        w.name = b.kerasName;
        w.storedName = m_layerName + QLatin1Char('/') + b.kerasName;
        w.tensor = toTensorData(keras);
        w.trainable = b.trainable;
        out.append(std::move(w));
    }
    return out;
}

void LayerOp::expectInputs(const std::vector<Flow> &inputs, std::size_t n) const
{
    if (inputs.size() != n)
        fail(QStringLiteral("expects %1 input tensor(s), got %2").arg(n).arg(inputs.size()));
}

void LayerOp::fail(const QString &problem) const
{
    throw OpError(QStringLiteral("%1: %2").arg(subject(), problem));
}

QString shapeText(c10::IntArrayRef shape)
{
    QStringList parts;
    for (const std::int64_t d : shape)
        parts << QString::number(d);
    return QStringLiteral("(%1%2)").arg(parts.join(QStringLiteral(", ")),
                                        shape.size() == 1 ? QStringLiteral(",") : QString());
}

namespace {

Expected<torch::Tensor> weightTensor(const Layer &layer, const QString &shortName,
                                     const std::vector<std::int64_t> &expectedShape, bool required)
{
    const LayerWeight *w = layer.weight(shortName);
    if (!w) {
        if (!required)
            return torch::Tensor();
        QStringList present;
        for (const LayerWeight &lw : layer.weights)
            present << lw.name;
        return makeError(
            QStringLiteral("%1: weight '%2' is missing (the layer has: %3); the weights file "
                           "does not match the architecture")
                .arg(layerSubject(layer.name, layer.className), shortName,
                     present.isEmpty() ? QStringLiteral("no weights") : present.join(QStringLiteral(", "))));
    }
    const TensorData &data = w->tensor;
    if (std::int64_t(data.values.size()) != data.elementCount() || data.elementCount() < 0)
        return makeError(QStringLiteral("%1: weight '%2' has %3 values for shape %4")
                             .arg(layerSubject(layer.name, layer.className), shortName)
                             .arg(data.values.size())
                             .arg(data.shapeString()));
    bool shapeOk = expectedShape.empty() || expectedShape.size() == data.shape.size();
    for (std::size_t i = 0; shapeOk && i < expectedShape.size(); ++i)
        shapeOk = expectedShape[i] < 0 || expectedShape[i] == data.shape[i];
    if (!shapeOk)
        return makeError(QStringLiteral("%1: weight '%2' has shape %3, but the layer's config needs %4")
                             .arg(layerSubject(layer.name, layer.className), shortName, data.shapeString(),
                                  shapeText(expectedShape)));
    return tensorView(data).clone();
}

} // namespace

Expected<torch::Tensor> requireWeight(const Layer &layer, const QString &shortName,
                                      const std::vector<std::int64_t> &expectedShape)
{
    return weightTensor(layer, shortName, expectedShape, true);
}

Expected<torch::Tensor> optionalWeight(const Layer &layer, const QString &shortName,
                                       const std::vector<std::int64_t> &expectedShape)
{
    return weightTensor(layer, shortName, expectedShape, false);
}

TensorData toTensorData(const torch::Tensor &tensor)
{
    const torch::Tensor t = tensor.detach().to(torch::kFloat32).contiguous();
    TensorData out;
    out.shape.assign(t.sizes().begin(), t.sizes().end());
    const std::int64_t n = t.numel();
    out.values.resize(std::size_t(n));
    if (n > 0)
        std::memcpy(out.values.data(), t.data_ptr<float>(), std::size_t(n) * sizeof(float));
    return out;
}

torch::Tensor tensorView(const TensorData &data)
{
    // from_blob never writes through the pointer unless the caller does in place.
    return torch::from_blob(const_cast<float *>(data.values.data()),
                            std::vector<std::int64_t>(data.shape.begin(), data.shape.end()),
                            torch::TensorOptions().dtype(torch::kFloat32));
}

Expected<LayerOpPtr> createLayerOp(const Layer &layer, const OpContext &context)
{
    using Builder = Expected<LayerOpPtr> (*)(const Layer &, const OpContext &);
    static const Builder builders[] = {
        createCoreOp,          createActivationLayerOp, createConvOp,  createPoolingOp, createReshapingOp,
        createNormalizationOp, createRecurrentOp,       createMergeOp, createWrapperOp,
    };
    for (Builder build : builders) {
        auto op = build(layer, context);
        if (!op)
            return op.error();
        if (*op) {
            if (!layer.trainable)
                for (torch::Tensor &p : (*op)->parameters(true))
                    p.set_requires_grad(false);
            return op;
        }
    }
    return makeError(QStringLiteral("%1: Graft cannot execute layers of class %2 (a custom or unsupported "
                                    "Keras layer); replace it or remove it from the model")
                         .arg(layerSubject(layer.name, layer.className), layer.className));
}

} // namespace graft::engine
