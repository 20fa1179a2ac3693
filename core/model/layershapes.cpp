#include "core/model/layershapes.h"
#include "core/common/jsonnumbers.h"

#include "core/model/layercatalog.h"
#include "core/model/layerconfig.h"

#include <QJsonArray>
#include <QSet>

#include <algorithm>

namespace graft {

namespace {

using namespace layerconfig;

using Shapes = QVector<Shape>;
using Result = Expected<Shapes>;

QString shapeText(const Shape &s)
{
    return shapeToString(s);
}

const QSet<QString> &identityClasses()
{
    static const QSet<QString> classes = {
        QStringLiteral("Dropout"),
        QStringLiteral("SpatialDropout1D"),
        QStringLiteral("SpatialDropout2D"),
        QStringLiteral("GaussianNoise"),
        QStringLiteral("GaussianDropout"),
        QStringLiteral("AlphaDropout"),
        QStringLiteral("ActivityRegularization"),
        QStringLiteral("Activation"),
        QStringLiteral("LeakyReLU"),
        QStringLiteral("PReLU"),
        QStringLiteral("ELU"),
        QStringLiteral("ReLU"),
        QStringLiteral("ThresholdedReLU"),
        QStringLiteral("Softmax"),
        QStringLiteral("BatchNormalization"),
        QStringLiteral("LayerNormalization"),
        QStringLiteral("Rescaling"),
        QStringLiteral("Normalization"),
    };
    return classes;
}

const QSet<QString> &elementwiseMergeClasses()
{
    static const QSet<QString> classes = {
        QStringLiteral("Add"),     QStringLiteral("Subtract"), QStringLiteral("Multiply"),
        QStringLiteral("Average"), QStringLiteral("Maximum"),  QStringLiteral("Minimum"),
    };
    return classes;
}

std::int64_t floorDiv(std::int64_t a, std::int64_t b)
{
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        --q;
    return q;
}

/** Positions of the spatial axes in a shape without batch axis, for `rank` spatial dimensions. */
Expected<std::vector<std::size_t>> spatialAxes(const QString &className, const QJsonObject &config, const Shape &in,
                                               int rank)
{
    if (int(in.size()) < rank + 1)
        return makeError(QStringLiteral("%1 expects an input of rank %2 (batch axis included), got %3")
                             .arg(className)
                             .arg(rank + 2)
                             .arg(shapeText(in)));
    const std::size_t first = in.size() - std::size_t(rank) - (channelsFirst(config) ? 0 : 1);
    std::vector<std::size_t> axes;
    for (int i = 0; i < rank; ++i)
        axes.push_back(first + std::size_t(i));
    return axes;
}

int spatialRankOf(const QString &className)
{
    return className.contains(QLatin1String("1D")) ? 1 : 2;
}

Result convShape(const QString &className, const QJsonObject &config, const Shape &in)
{
    const int rank = spatialRankOf(className);
    auto axes = spatialAxes(className, config, in, rank);
    if (!axes)
        return axes.error();
    const bool pooling = className.contains(QLatin1String("Pooling"));
    bool ok = true;
    const Shape kernel = intTuple(config, pooling ? QStringLiteral("pool_size") : QStringLiteral("kernel_size"), rank,
                                  pooling ? Shape(std::size_t(rank), 2) : Shape(), &ok);
    if (!ok || kernel.empty())
        return makeError(QStringLiteral("%1 has no valid %2 in its config")
                             .arg(className, pooling ? QStringLiteral("pool_size") : QStringLiteral("kernel_size")));
    // Keras: pooling strides=None means strides = pool_size.
    const Shape strides =
        intTuple(config, QStringLiteral("strides"), rank, pooling ? kernel : Shape(std::size_t(rank), 1));
    const Shape dilation = pooling
                               ? Shape(std::size_t(rank), 1)
                               : intTuple(config, QStringLiteral("dilation_rate"), rank, Shape(std::size_t(rank), 1));
    const QString padding = paddingMode(config);
    if (padding != QLatin1String("valid") && padding != QLatin1String("same")
        && !(padding == QLatin1String("causal") && rank == 1 && !pooling))
        return makeError(QStringLiteral("%1: padding '%2' is not supported").arg(className, padding));
    Shape out = in;
    for (int i = 0; i < rank; ++i) {
        if (strides[std::size_t(i)] < 1 || kernel[std::size_t(i)] < 1 || dilation[std::size_t(i)] < 1)
            return makeError(QStringLiteral("%1: kernel, strides and dilation must be positive").arg(className));
        const std::size_t axis = (*axes)[std::size_t(i)];
        const std::int64_t n = LayerShapes::convOutputLength(in[axis], kernel[std::size_t(i)], padding,
                                                             strides[std::size_t(i)], dilation[std::size_t(i)]);
        if (in[axis] >= 0 && n <= 0)
            return makeError(
                QStringLiteral("%1: a window of %2 (dilation %3, padding '%4') does not fit input shape %5: "
                               "the output length would be %6")
                    .arg(className)
                    .arg(kernel[std::size_t(i)])
                    .arg(dilation[std::size_t(i)])
                    .arg(padding, shapeText(in))
                    .arg(n));
        out[axis] = n;
    }
    if (!pooling) {
        const std::size_t channelAxis = channelsFirst(config) ? (*axes)[0] - 1 : in.size() - 1;
        if (className.startsWith(QLatin1String("Depthwise"))) {
            const std::int64_t c = in[channelAxis];
            out[channelAxis] = c < 0 ? -1 : c * intValue(config, QStringLiteral("depth_multiplier"), 1);
        } else {
            out[channelAxis] = intValue(config, QStringLiteral("filters"), -1);
        }
    }
    return Shapes{out};
}

Result globalPoolShape(const QString &className, const QJsonObject &config, const Shape &in)
{
    const int rank = spatialRankOf(className);
    auto axes = spatialAxes(className, config, in, rank);
    if (!axes)
        return axes.error();
    const bool keepdims = boolValue(config, QStringLiteral("keepdims"), false);
    Shape out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        const bool spatial = std::find(axes->begin(), axes->end(), i) != axes->end();
        if (!spatial)
            out.push_back(in[i]);
        else if (keepdims)
            out.push_back(1);
    }
    return Shapes{out};
}

/** ZeroPadding/Cropping amounts as (before, after) per spatial axis: int, (a, b) or ((t, b), (l, r)). */
Expected<QVector<std::pair<std::int64_t, std::int64_t>>> padAmounts(const QString &className, const QJsonValue &v,
                                                                    int rank, std::int64_t fallback)
{
    QVector<std::pair<std::int64_t, std::int64_t>> amounts(rank, {fallback, fallback});
    if (v.isDouble()) {
        const std::int64_t p = jsonInteger(v.toDouble());
        amounts.fill({p, p});
        return amounts;
    }
    if (v.isUndefined() || v.isNull())
        return amounts;
    const QJsonArray a = v.toArray();
    if (rank == 1 && a.size() == 2 && a.at(0).isDouble())
        return QVector<std::pair<std::int64_t, std::int64_t>>{{a.at(0).toInt(), a.at(1).toInt()}};
    if (rank == 2 && a.size() == 2) {
        for (int i = 0; i < 2; ++i) {
            if (a.at(i).isDouble())
                amounts[i] = {a.at(i).toInt(), a.at(i).toInt()};
            else if (a.at(i).toArray().size() == 2)
                amounts[i] = {a.at(i).toArray().at(0).toInt(), a.at(i).toArray().at(1).toInt()};
            else
                return makeError(
                    QStringLiteral("%1: cannot read the padding/cropping amounts in its config").arg(className));
        }
        return amounts;
    }
    return makeError(QStringLiteral("%1: cannot read the padding/cropping amounts in its config").arg(className));
}

Result padOrCropShape(const QString &className, const QJsonObject &config, const Shape &in)
{
    const int rank = spatialRankOf(className);
    auto axes = spatialAxes(className, config, in, rank);
    if (!axes)
        return axes.error();
    const bool crop = className.startsWith(QLatin1String("Cropping"));
    auto amounts = padAmounts(className, config.value(crop ? QStringLiteral("cropping") : QStringLiteral("padding")),
                              rank, crop && rank == 2 ? 0 : 1);
    if (!amounts)
        return amounts.error();
    Shape out = in;
    for (int i = 0; i < rank; ++i) {
        const std::size_t axis = (*axes)[std::size_t(i)];
        if (in[axis] < 0)
            continue;
        const std::int64_t delta = (*amounts)[i].first + (*amounts)[i].second;
        out[axis] = crop ? in[axis] - delta : in[axis] + delta;
        if (out[axis] <= 0)
            return makeError(QStringLiteral("%1: cropping %2 from axis %3 of input shape %4 leaves nothing")
                                 .arg(className)
                                 .arg(delta)
                                 .arg(axis + 1)
                                 .arg(shapeText(in)));
    }
    return Shapes{out};
}

Result upSamplingShape(const QString &className, const QJsonObject &config, const Shape &in)
{
    const int rank = spatialRankOf(className);
    auto axes = spatialAxes(className, config, in, rank);
    if (!axes)
        return axes.error();
    const Shape size = intTuple(config, QStringLiteral("size"), rank, Shape(std::size_t(rank), 2));
    Shape out = in;
    for (int i = 0; i < rank; ++i) {
        const std::size_t axis = (*axes)[std::size_t(i)];
        out[axis] = in[axis] < 0 ? -1 : in[axis] * size[std::size_t(i)];
    }
    return Shapes{out};
}

Result reshapeShape(const QJsonObject &config, const Shape &in)
{
    const QJsonArray target = config.value(QStringLiteral("target_shape")).toArray();
    Shape out;
    int unknownIndex = -1;
    std::int64_t knownProduct = 1;
    for (int i = 0; i < target.size(); ++i) {
        const std::int64_t d = target.at(i).isDouble() ? jsonInteger(target.at(i).toDouble()) : -1;
        if (d < 0) {
            if (unknownIndex >= 0)
                return makeError(QStringLiteral("Reshape: target_shape has more than one -1"));
            unknownIndex = i;
        } else {
            knownProduct *= d;
        }
        out.push_back(d < 0 ? -1 : d);
    }
    const std::int64_t total = elementCountOf(in);
    if (total < 0)
        return Shapes{out};
    if (unknownIndex >= 0) {
        if (knownProduct == 0 || total % knownProduct != 0)
            return makeError(QStringLiteral("Reshape: input shape %1 (%2 values) cannot be reshaped to target_shape %3")
                                 .arg(shapeText(in))
                                 .arg(total)
                                 .arg(shapeText(out)));
        out[std::size_t(unknownIndex)] = total / knownProduct;
    } else if (knownProduct != total) {
        return makeError(QStringLiteral("Reshape: input shape %1 has %2 values, target_shape %3 has %4")
                             .arg(shapeText(in))
                             .arg(total)
                             .arg(shapeText(out))
                             .arg(knownProduct));
    }
    return Shapes{out};
}

Result permuteShape(const QJsonObject &config, const Shape &in)
{
    const QJsonArray dims = config.value(QStringLiteral("dims")).toArray();
    if (dims.size() != int(in.size()))
        return makeError(QStringLiteral("Permute: dims has %1 entries but the input shape %2 has %3 axes")
                             .arg(dims.size())
                             .arg(shapeText(in))
                             .arg(in.size()));
    Shape out;
    std::vector<bool> used(in.size(), false);
    for (const QJsonValue &d : dims) {
        const int axis = d.toInt() - 1;
        if (axis < 0 || axis >= int(in.size()) || used[std::size_t(axis)])
            return makeError(QStringLiteral("Permute: dims is not a permutation of 1..%1").arg(in.size()));
        used[std::size_t(axis)] = true;
        out.push_back(in[std::size_t(axis)]);
    }
    return Shapes{out};
}

Result recurrentShape(const QString &className, const QJsonObject &config, const Shape &in)
{
    if (in.size() < 2)
        return makeError(QStringLiteral("%1 expects a sequence input (batch, timesteps, features), got %2")
                             .arg(className, shapeText(in)));
    const std::int64_t units = intValue(config, QStringLiteral("units"), -1);
    if (units <= 0)
        return makeError(QStringLiteral("%1 has no valid 'units' in its config").arg(className));
    if (boolValue(config, QStringLiteral("time_major"), false))
        return makeError(
            QStringLiteral("%1 with time_major=True is not supported (inputs are (batch, timesteps, features))")
                .arg(className));
    Shapes outs;
    if (boolValue(config, QStringLiteral("return_sequences"), false))
        outs.append(Shape{in[0], units});
    else
        outs.append(Shape{units});
    if (boolValue(config, QStringLiteral("return_state"), false)) {
        const int states = className.endsWith(QLatin1String("LSTM")) ? 2 : 1;
        for (int i = 0; i < states; ++i)
            outs.append(Shape{units});
    }
    return outs;
}

Result bidirectionalShape(const QJsonObject &config, const Shape &in)
{
    const QJsonObject forward = wrappedLayer(config);
    QJsonObject backward = wrappedLayer(config, QStringLiteral("backward_layer"));
    if (backward.isEmpty())
        backward = forward;
    auto f = LayerShapes::outputShapes(forward.value(QStringLiteral("class_name")).toString(),
                                       forward.value(QStringLiteral("config")).toObject(), {in});
    if (!f)
        return f.error();
    auto b = LayerShapes::outputShapes(backward.value(QStringLiteral("class_name")).toString(),
                                       backward.value(QStringLiteral("config")).toObject(), {in});
    if (!b)
        return b.error();
    if (f->isEmpty() || b->isEmpty() || f->front().size() != b->front().size())
        return makeError(QStringLiteral("Bidirectional: the forward and backward layers' outputs do not match"));
    const QJsonValue modeValue = config.value(QStringLiteral("merge_mode"));
    const QString mode = modeValue.isNull() ? QString() : modeValue.toString(QStringLiteral("concat"));
    Shapes outs;
    if (mode.isEmpty()) {
        outs << f->front() << b->front();
    } else if (mode == QLatin1String("concat")) {
        Shape merged = f->front();
        merged.back() = merged.back() < 0 || b->front().back() < 0 ? -1 : merged.back() + b->front().back();
        outs << merged;
    } else if (mode == QLatin1String("sum") || mode == QLatin1String("mul") || mode == QLatin1String("ave")) {
        outs << f->front();
    } else {
        return makeError(
            QStringLiteral("Bidirectional: merge_mode '%1' is not one of concat, sum, mul, ave, None").arg(mode));
    }
    outs << f->mid(1) << b->mid(1); // forward states, then backward states
    return outs;
}

Result timeDistributedShape(const QJsonObject &config, const Shape &in)
{
    if (in.empty())
        return makeError(QStringLiteral("TimeDistributed needs an input with a time axis, got %1").arg(shapeText(in)));
    const QJsonObject inner = wrappedLayer(config);
    auto innerOut =
        LayerShapes::outputShapes(inner.value(QStringLiteral("class_name")).toString(),
                                  inner.value(QStringLiteral("config")).toObject(), {Shape(in.begin() + 1, in.end())});
    if (!innerOut)
        return innerOut.error();
    Shapes outs;
    for (Shape s : *innerOut) {
        s.insert(s.begin(), in[0]);
        outs << s;
    }
    return outs;
}

Result elementwiseShape(const QString &className, const Shapes &ins)
{
    if (ins.size() < 2 || (className == QLatin1String("Subtract") && ins.size() != 2))
        return makeError(QStringLiteral("%1 needs %2 inputs, got %3")
                             .arg(className, className == QLatin1String("Subtract") ? QStringLiteral("exactly 2")
                                                                                    : QStringLiteral("at least 2"))
                             .arg(ins.size()));
    Shape out = ins.front();
    for (int k = 1; k < ins.size(); ++k) {
        Shape a = out, b = ins[k];
        if (a.size() < b.size())
            std::swap(a, b);
        Shape merged(a.begin(), a.end() - std::ptrdiff_t(b.size()));
        for (std::size_t i = 0; i < b.size(); ++i) {
            const std::int64_t x = a[a.size() - b.size() + i], y = b[i];
            if (x < 0 || y < 0)
                merged.push_back(-1);
            else if (x == 1)
                merged.push_back(y);
            else if (y == 1 || x == y)
                merged.push_back(x);
            else
                return makeError(QStringLiteral("%1: input shapes %2 and %3 cannot be broadcast together")
                                     .arg(className, shapeText(out), shapeText(ins[k])));
        }
        out = merged;
    }
    return Shapes{out};
}

Result concatenateShape(const QJsonObject &config, const Shapes &ins)
{
    if (ins.size() < 2)
        return makeError(QStringLiteral("Concatenate needs at least 2 inputs, got %1").arg(ins.size()));
    const int rank = int(ins.front().size());
    const std::int64_t kerasAxis = intValue(config, QStringLiteral("axis"), -1);
    const int axis = axisIndex(kerasAxis, rank);
    if (axis < 0)
        return makeError(QStringLiteral("Concatenate: axis %1 is out of range for input shape %2")
                             .arg(kerasAxis)
                             .arg(shapeText(ins.front())));
    Shape out = ins.front();
    for (int k = 1; k < ins.size(); ++k) {
        const Shape &s = ins[k];
        if (int(s.size()) != rank)
            return makeError(QStringLiteral("Concatenate: input shapes %1 and %2 have different ranks")
                                 .arg(shapeText(ins.front()), shapeText(s)));
        for (int i = 0; i < rank; ++i) {
            if (i == axis) {
                out[std::size_t(i)] =
                    out[std::size_t(i)] < 0 || s[std::size_t(i)] < 0 ? -1 : out[std::size_t(i)] + s[std::size_t(i)];
            } else if (out[std::size_t(i)] < 0) {
                out[std::size_t(i)] = s[std::size_t(i)];
            } else if (s[std::size_t(i)] >= 0 && s[std::size_t(i)] != out[std::size_t(i)]) {
                return makeError(
                    QStringLiteral("Concatenate: input shapes %1 and %2 differ outside the concatenation axis %3")
                        .arg(shapeText(ins.front()), shapeText(s))
                        .arg(kerasAxis));
            }
        }
    }
    return Shapes{out};
}

Result dotShape(const QJsonObject &config, const Shapes &ins)
{
    if (ins.size() != 2)
        return makeError(QStringLiteral("Dot needs exactly 2 inputs, got %1").arg(ins.size()));
    const Shape &a = ins[0], &b = ins[1];
    const QJsonValue axesValue = config.value(QStringLiteral("axes"));
    std::int64_t axes[2] = {-1, -1};
    if (axesValue.isDouble()) {
        axes[0] = axes[1] = jsonInteger(axesValue.toDouble());
    } else if (axesValue.toArray().size() == 2) {
        axes[0] = jsonInteger(axesValue.toArray().at(0).toDouble());
        axes[1] = jsonInteger(axesValue.toArray().at(1).toDouble());
    } else {
        return makeError(QStringLiteral("Dot: cannot read 'axes' in its config"));
    }
    // Keras normalises negative axes modulo the full rank (batch axis included).
    const int ia = axisIndex(axes[0] < 0 ? axes[0] + std::int64_t(a.size()) + 1 : axes[0], int(a.size()));
    const int ib = axisIndex(axes[1] < 0 ? axes[1] + std::int64_t(b.size()) + 1 : axes[1], int(b.size()));
    if (ia < 0 || ib < 0)
        return makeError(QStringLiteral("Dot: axes (%1, %2) are out of range for input shapes %3 and %4")
                             .arg(axes[0])
                             .arg(axes[1])
                             .arg(shapeText(a), shapeText(b)));
    if (a[std::size_t(ia)] >= 0 && b[std::size_t(ib)] >= 0 && a[std::size_t(ia)] != b[std::size_t(ib)])
        return makeError(QStringLiteral("Dot: dimension %1 of %2 does not match dimension %3 of %4")
                             .arg(axes[0])
                             .arg(shapeText(a))
                             .arg(axes[1])
                             .arg(shapeText(b)));
    Shape out;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (int(i) != ia)
            out.push_back(a[i]);
    for (std::size_t i = 0; i < b.size(); ++i)
        if (int(i) != ib)
            out.push_back(b[i]);
    if (out.empty())
        out.push_back(1);
    return Shapes{out};
}

Result embeddingShape(const QJsonObject &config, const Shape &in)
{
    Shape out = in;
    // Keras 2: input_length fills in an unknown sequence length.
    const QJsonValue length = config.value(QStringLiteral("input_length"));
    if (length.isDouble() && out.size() == 1 && out[0] < 0)
        out[0] = jsonInteger(length.toDouble());
    out.push_back(intValue(config, QStringLiteral("output_dim"), -1));
    return Shapes{out};
}

} // namespace

std::int64_t LayerShapes::convOutputLength(std::int64_t n, std::int64_t kernel, const QString &padding,
                                           std::int64_t stride, std::int64_t dilation)
{
    if (n < 0)
        return -1;
    const std::int64_t dilatedKernel = kernel + (kernel - 1) * (dilation - 1);
    std::int64_t length = n;
    if (padding == QLatin1String("valid"))
        length = n - dilatedKernel + 1;
    else if (padding == QLatin1String("full"))
        length = n + dilatedKernel - 1;
    return floorDiv(length + stride - 1, stride);
}

Expected<QVector<Shape>> LayerShapes::outputShapes(const QString &className, const QJsonObject &config,
                                                   const QVector<Shape> &inputShapes)
{
    if (!LayerCatalog::knows(className))
        return makeError(QStringLiteral("Graft cannot infer the output shape of a %1 layer").arg(className));
    if (inputShapes.isEmpty())
        return makeError(QStringLiteral("%1 is called without inputs").arg(className));
    if (elementwiseMergeClasses().contains(className))
        return elementwiseShape(className, inputShapes);
    if (className == QLatin1String("Concatenate"))
        return concatenateShape(config, inputShapes);
    if (className == QLatin1String("Dot"))
        return dotShape(config, inputShapes);
    const Shape &in = inputShapes.front();
    if (identityClasses().contains(className) || className == QLatin1String("InputLayer"))
        return Shapes{in};
    if (className == QLatin1String("Dense")) {
        if (in.empty())
            return makeError(QStringLiteral("Dense needs an input of rank 2 or more (batch axis included), got %1")
                                 .arg(shapeText(in)));
        Shape out = in;
        out.back() = intValue(config, QStringLiteral("units"), -1);
        return Shapes{out};
    }
    if (className.startsWith(QLatin1String("Conv")) || className.startsWith(QLatin1String("Depthwise"))
        || className.startsWith(QLatin1String("Separable")) || className.startsWith(QLatin1String("MaxPooling"))
        || className.startsWith(QLatin1String("AveragePooling")))
        return convShape(className, config, in);
    if (className.startsWith(QLatin1String("Global")))
        return globalPoolShape(className, config, in);
    if (className.startsWith(QLatin1String("ZeroPadding")) || className.startsWith(QLatin1String("Cropping")))
        return padOrCropShape(className, config, in);
    if (className.startsWith(QLatin1String("UpSampling")))
        return upSamplingShape(className, config, in);
    if (className == QLatin1String("Flatten"))
        return Shapes{{elementCountOf(in)}};
    if (className == QLatin1String("Reshape"))
        return reshapeShape(config, in);
    if (className == QLatin1String("Permute"))
        return permuteShape(config, in);
    if (className == QLatin1String("RepeatVector")) {
        if (in.size() != 1)
            return makeError(QStringLiteral("RepeatVector expects an input of rank 2 (batch axis included), got %1")
                                 .arg(shapeText(in)));
        return Shapes{{intValue(config, QStringLiteral("n"), -1), in[0]}};
    }
    if (className == QLatin1String("Embedding"))
        return embeddingShape(config, in);
    if (className == QLatin1String("Bidirectional"))
        return bidirectionalShape(config, in);
    if (className == QLatin1String("TimeDistributed"))
        return timeDistributedShape(config, in);
    return recurrentShape(className, config, in);
}

} // namespace graft
