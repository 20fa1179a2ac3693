#include "core/model/layerweightspecs.h"
#include "core/common/jsonnumbers.h"

#include "core/model/layercatalog.h"
#include "core/model/layerconfig.h"

#include <QJsonArray>

namespace graft {

namespace {

using namespace layerconfig;

using Specs = QVector<WeightSpec>;
using Result = Expected<Specs>;

int recurrentGates(const QString &className)
{
    if (className == QLatin1String("LSTM") || className == QLatin1String("CuDNNLSTM"))
        return 4;
    if (className == QLatin1String("GRU") || className == QLatin1String("CuDNNGRU"))
        return 3;
    if (className == QLatin1String("SimpleRNN"))
        return 1;
    return 0;
}

QString shapeText(const Shape &s)
{
    return shapeToString(s);
}

/** The channel dimension of a convolution input, which must be known to size the kernel. */
Expected<std::int64_t> channelsOf(const QString &className, const QJsonObject &config, const Shape &in, int spatialRank)
{
    if (int(in.size()) < spatialRank + 1)
        return makeError(QStringLiteral("%1 expects an input of rank %2 (batch axis included), got %3")
                             .arg(className)
                             .arg(spatialRank + 2)
                             .arg(shapeText(in)));
    const std::int64_t channels = channelsFirst(config) ? in.at(in.size() - spatialRank - 1) : in.back();
    if (channels < 0)
        return makeError(QStringLiteral("%1 needs a known channel dimension to size its kernel; input shape is %2")
                             .arg(className, shapeText(in)));
    return channels;
}

Result convSpecs(const QString &className, const QJsonObject &config, const Shape &in)
{
    const int rank = className.endsWith(QLatin1String("1D")) ? 1 : 2;
    auto channels = channelsOf(className, config, in, rank);
    if (!channels)
        return channels.error();
    bool ok = true;
    const Shape kernel = intTuple(config, QStringLiteral("kernel_size"), rank, Shape(), &ok);
    if (!ok || kernel.empty())
        return makeError(QStringLiteral("%1 has no valid kernel_size in its config").arg(className));
    const bool useBias = boolValue(config, QStringLiteral("use_bias"), true);
    Specs specs;
    if (className.startsWith(QLatin1String("Depthwise"))) {
        const std::int64_t mult = intValue(config, QStringLiteral("depth_multiplier"), 1);
        Shape k = kernel;
        k.push_back(*channels);
        k.push_back(mult);
        specs.append({QStringLiteral("depthwise_kernel"), k, true});
        if (useBias)
            specs.append({QStringLiteral("bias"), {*channels * mult}, true});
        return specs;
    }
    const std::int64_t filters = intValue(config, QStringLiteral("filters"), -1);
    if (filters <= 0)
        return makeError(QStringLiteral("%1 has no valid 'filters' in its config").arg(className));
    if (className.startsWith(QLatin1String("Separable"))) {
        const std::int64_t mult = intValue(config, QStringLiteral("depth_multiplier"), 1);
        Shape depthwise = kernel;
        depthwise.push_back(*channels);
        depthwise.push_back(mult);
        Shape pointwise(std::size_t(rank), 1);
        pointwise.push_back(*channels * mult);
        pointwise.push_back(filters);
        specs.append({QStringLiteral("depthwise_kernel"), depthwise, true});
        specs.append({QStringLiteral("pointwise_kernel"), pointwise, true});
    } else {
        const std::int64_t groups = intValue(config, QStringLiteral("groups"), 1);
        if (groups < 1 || *channels % groups != 0 || filters % groups != 0)
            return makeError(QStringLiteral("%1: groups=%2 does not divide the %3 input channels and %4 filters")
                                 .arg(className)
                                 .arg(groups)
                                 .arg(*channels)
                                 .arg(filters));
        Shape k = kernel;
        k.push_back(*channels / groups);
        k.push_back(filters);
        specs.append({QStringLiteral("kernel"), k, true});
    }
    if (useBias)
        specs.append({QStringLiteral("bias"), {filters}, true});
    return specs;
}

/** Axes as Keras full-rank indices (batch axis = 0) from an int or a list. */
Expected<QVector<int>> normalizedAxes(const QString &className, const QJsonValue &value, std::int64_t fallback,
                                      const Shape &in)
{
    QVector<std::int64_t> raw;
    if (value.isDouble())
        raw << jsonInteger(value.toDouble());
    else if (value.isArray())
        for (const QJsonValue &e : value.toArray())
            raw << jsonInteger(e.toDouble());
    else
        raw << fallback;
    QVector<int> axes;
    for (std::int64_t a : raw) {
        const int index = axisIndex(a, int(in.size()));
        if (index < 0)
            return makeError(QStringLiteral("%1: axis %2 is out of range for input shape %3")
                                 .arg(className)
                                 .arg(a)
                                 .arg(shapeText(in)));
        if (in.at(std::size_t(index)) < 0)
            return makeError(
                QStringLiteral("%1: axis %2 of input shape %3 is unknown; Keras needs it to size the weights")
                    .arg(className)
                    .arg(a)
                    .arg(shapeText(in)));
        axes << index + 1;
    }
    return axes;
}

Result batchNormSpecs(const QJsonObject &config, const Shape &in)
{
    if (boolValue(config, QStringLiteral("renorm"), false))
        return makeError(QStringLiteral("BatchNormalization with renorm=True is not supported"));
    auto axes = normalizedAxes(QStringLiteral("BatchNormalization"), config.value(QStringLiteral("axis")), -1, in);
    if (!axes)
        return axes.error();
    Shape param;
    if (axes->size() == 1) {
        param = {in.at(std::size_t(axes->front() - 1))};
    } else {
        // tf.keras broadcasts multi-axis statistics over the full rank, batch axis included.
        param.assign(in.size() + 1, 1);
        for (int a : *axes)
            param[std::size_t(a)] = in.at(std::size_t(a - 1));
    }
    Specs specs;
    if (boolValue(config, QStringLiteral("scale"), true))
        specs.append({QStringLiteral("gamma"), param, true});
    if (boolValue(config, QStringLiteral("center"), true))
        specs.append({QStringLiteral("beta"), param, true});
    specs.append({QStringLiteral("moving_mean"), param, false});
    specs.append({QStringLiteral("moving_variance"), param, false});
    return specs;
}

Result layerNormSpecs(const QJsonObject &config, const Shape &in)
{
    auto axes = normalizedAxes(QStringLiteral("LayerNormalization"), config.value(QStringLiteral("axis")), -1, in);
    if (!axes)
        return axes.error();
    Shape param;
    for (int a : *axes)
        param.push_back(in.at(std::size_t(a - 1)));
    const bool rms = boolValue(config, QStringLiteral("rms_scaling"), false);
    Specs specs;
    if (rms || boolValue(config, QStringLiteral("scale"), true))
        specs.append({QStringLiteral("gamma"), param, true});
    if (!rms && boolValue(config, QStringLiteral("center"), true))
        specs.append({QStringLiteral("beta"), param, true});
    return specs;
}

Result normalizationSpecs(const QJsonObject &config, const Shape &in)
{
    // Given mean/variance are constants, not variables: no weights are created.
    const QJsonValue mean = config.value(QStringLiteral("mean"));
    if (!mean.isUndefined() && !mean.isNull())
        return Specs();
    const QJsonValue axisValue = config.value(QStringLiteral("axis"));
    Shape param;
    if (!axisValue.isNull()) {
        auto axes = normalizedAxes(QStringLiteral("Normalization"), axisValue, -1, in);
        if (!axes)
            return axes.error();
        for (int a : *axes)
            param.push_back(in.at(std::size_t(a - 1)));
    }
    return Specs{{QStringLiteral("mean"), param, false},
                 {QStringLiteral("variance"), param, false},
                 {QStringLiteral("count"), {}, false}};
}

Result recurrentSpecs(const QString &className, const QJsonObject &config, const Shape &in)
{
    const int gates = recurrentGates(className);
    if (in.size() < 2)
        return makeError(QStringLiteral("%1 expects a sequence input (batch, timesteps, features), got %2")
                             .arg(className, shapeText(in)));
    const std::int64_t features = in.back();
    if (features < 0)
        return makeError(
            QStringLiteral("%1 needs a known feature dimension; input shape is %2").arg(className, shapeText(in)));
    const std::int64_t units = intValue(config, QStringLiteral("units"), -1);
    if (units <= 0)
        return makeError(QStringLiteral("%1 has no valid 'units' in its config").arg(className));
    Specs specs;
    specs.append({QStringLiteral("kernel"), {features, gates * units}, true});
    specs.append({QStringLiteral("recurrent_kernel"), {units, gates * units}, true});
    if (className.startsWith(QLatin1String("CuDNN"))) {
        // cuDNN keeps separate input and recurrent biases.
        specs.append({QStringLiteral("bias"), {2 * gates * units}, true});
    } else if (boolValue(config, QStringLiteral("use_bias"), true)) {
        if (className == QLatin1String("GRU") && boolValue(config, QStringLiteral("reset_after"), false))
            specs.append({QStringLiteral("bias"), {2, gates * units}, true});
        else
            specs.append({QStringLiteral("bias"), {gates * units}, true});
    }
    return specs;
}

Result wrapperSpecs(const QString &className, const QJsonObject &config, const Shape &in)
{
    const QJsonObject inner = wrappedLayer(config);
    const QString innerClass = inner.value(QStringLiteral("class_name")).toString();
    if (innerClass.isEmpty())
        return makeError(QStringLiteral("%1 has no wrapped layer in its config").arg(className));
    if (!LayerCatalog::knows(innerClass))
        return makeError(
            QStringLiteral("%1 wraps a %2 layer, which Graft does not support").arg(className, innerClass));
    const QJsonObject innerConfig = inner.value(QStringLiteral("config")).toObject();
    if (className == QLatin1String("TimeDistributed")) {
        if (in.empty())
            return makeError(
                QStringLiteral("TimeDistributed needs an input with a time axis, got %1").arg(shapeText(in)));
        return LayerWeightSpecs::forLayer(innerClass, innerConfig, {Shape(in.begin() + 1, in.end())});
    }
    auto forward = LayerWeightSpecs::forLayer(innerClass, innerConfig, {in});
    if (!forward)
        return forward.error();
    QJsonObject backward = wrappedLayer(config, QStringLiteral("backward_layer"));
    if (backward.isEmpty())
        backward = inner;
    auto backwardSpecs = LayerWeightSpecs::forLayer(backward.value(QStringLiteral("class_name")).toString(),
                                                    backward.value(QStringLiteral("config")).toObject(), {in});
    if (!backwardSpecs)
        return backwardSpecs.error();
    Specs specs;
    for (WeightSpec w : *forward) {
        w.name.prepend(QStringLiteral("forward/"));
        specs.append(w);
    }
    for (WeightSpec w : *backwardSpecs) {
        w.name.prepend(QStringLiteral("backward/"));
        specs.append(w);
    }
    return specs;
}

Result preluSpecs(const QJsonObject &config, const Shape &in)
{
    Shape alpha = in;
    const QJsonValue shared = config.value(QStringLiteral("shared_axes"));
    QVector<std::int64_t> axes;
    if (shared.isDouble())
        axes << jsonInteger(shared.toDouble());
    for (const QJsonValue &e : shared.toArray())
        axes << jsonInteger(e.toDouble());
    for (std::int64_t a : axes) {
        if (a < 1 || a > std::int64_t(alpha.size()))
            return makeError(
                QStringLiteral("PReLU: shared axis %1 is out of range for input shape %2").arg(a).arg(shapeText(in)));
        alpha[std::size_t(a - 1)] = 1;
    }
    for (std::int64_t d : alpha)
        if (d < 0)
            return makeError(
                QStringLiteral("PReLU needs known dimensions (or shared_axes) to size alpha; input shape is %1")
                    .arg(shapeText(in)));
    return Specs{{QStringLiteral("alpha"), alpha, true}};
}

} // namespace

Expected<QVector<WeightSpec>> LayerWeightSpecs::forLayer(const QString &className, const QJsonObject &config,
                                                         const QVector<Shape> &inputShapes)
{
    if (!LayerCatalog::knows(className))
        return makeError(QStringLiteral("Graft does not know which weights a %1 layer has").arg(className));
    if (!LayerCatalog::hasWeights(className))
        return Specs();
    if (className == QLatin1String("Embedding")) {
        const std::int64_t inputDim = intValue(config, QStringLiteral("input_dim"), -1);
        const std::int64_t outputDim = intValue(config, QStringLiteral("output_dim"), -1);
        if (inputDim <= 0 || outputDim <= 0)
            return makeError(QStringLiteral("Embedding has no valid input_dim/output_dim in its config"));
        return Specs{{QStringLiteral("embeddings"), {inputDim, outputDim}, true}};
    }
    if (inputShapes.isEmpty())
        return makeError(QStringLiteral("%1 is called without inputs").arg(className));
    const Shape &in = inputShapes.front();
    if (className == QLatin1String("Dense")) {
        if (in.empty() || in.back() < 0)
            return makeError(
                QStringLiteral("Dense needs a known last input dimension to size its kernel; input shape is %1")
                    .arg(shapeText(in)));
        const std::int64_t units = intValue(config, QStringLiteral("units"), -1);
        if (units <= 0)
            return makeError(QStringLiteral("Dense has no valid 'units' in its config"));
        Specs specs{{QStringLiteral("kernel"), {in.back(), units}, true}};
        if (boolValue(config, QStringLiteral("use_bias"), true))
            specs.append({QStringLiteral("bias"), {units}, true});
        return specs;
    }
    if (className.startsWith(QLatin1String("Conv")) || className.startsWith(QLatin1String("Depthwise"))
        || className.startsWith(QLatin1String("Separable")))
        return convSpecs(className, config, in);
    if (className == QLatin1String("BatchNormalization"))
        return batchNormSpecs(config, in);
    if (className == QLatin1String("LayerNormalization"))
        return layerNormSpecs(config, in);
    if (className == QLatin1String("Normalization"))
        return normalizationSpecs(config, in);
    if (recurrentGates(className) > 0)
        return recurrentSpecs(className, config, in);
    if (className == QLatin1String("Bidirectional") || className == QLatin1String("TimeDistributed"))
        return wrapperSpecs(className, config, in);
    if (className == QLatin1String("PReLU"))
        return preluSpecs(config, in);
    return makeError(QStringLiteral("Graft does not know which weights a %1 layer has").arg(className));
}

} // namespace graft
