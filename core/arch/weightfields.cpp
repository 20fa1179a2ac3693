// KerasLayerCatalog: what stored weight shapes say about a layer's config.
#include "core/arch/keraslayercatalog.h"

#include <QJsonArray>

namespace graft {

namespace {

QJsonArray dims(const Shape &s, std::size_t from, std::size_t to)
{
    QJsonArray a;
    for (std::size_t i = from; i < to && i < s.size(); ++i)
        a.append(qint64(s[i]));
    return a;
}

bool isRecurrent(const QString &c)
{
    return c == QLatin1String("LSTM") || c == QLatin1String("GRU") || c == QLatin1String("SimpleRNN");
}

int spatialRank(const QString &c)
{
    return c.endsWith(QLatin1String("1D")) ? 1 : 2;
}

bool hasName(const QStringList &names, const QString &shortName)
{
    for (const QString &n : names)
        if (n == shortName || n.endsWith(QLatin1Char('/') + shortName))
            return true;
    return false;
}

bool namesKnown(const QStringList &names)
{
    // Keras 3 .weights.h5 files number variables ("var0"): the names then say nothing.
    for (const QString &n : names)
        if (n.isEmpty() || n.startsWith(QLatin1String("var")))
            return false;
    return !names.isEmpty();
}

} // namespace

QJsonObject KerasLayerCatalog::fieldsFromWeights(const QString &className, const QJsonObject &config,
                                                 const QStringList &weightNames, const QVector<Shape> &shapes)
{
    QJsonObject f;
    if (shapes.isEmpty())
        return f;
    const Shape &k = shapes.front();
    const int count = int(shapes.size());
    if (className == QLatin1String("Dense")) {
        if (k.size() != 2 || count > 2)
            return {};
        f.insert(QStringLiteral("units"), qint64(k[1]));
        f.insert(QStringLiteral("use_bias"), count == 2);
    } else if (className == QLatin1String("Conv1D") || className == QLatin1String("Conv2D")) {
        const std::size_t r = std::size_t(spatialRank(className));
        if (k.size() != r + 2 || count > 2)
            return {};
        f.insert(QStringLiteral("kernel_size"), dims(k, 0, r));
        f.insert(QStringLiteral("filters"), qint64(k.back()));
        f.insert(QStringLiteral("use_bias"), count == 2);
    } else if (className == QLatin1String("DepthwiseConv2D")) {
        if (k.size() != 4 || count > 2)
            return {};
        f.insert(QStringLiteral("kernel_size"), dims(k, 0, 2));
        f.insert(QStringLiteral("depth_multiplier"), qint64(k[3]));
        f.insert(QStringLiteral("use_bias"), count == 2);
    } else if (className.startsWith(QLatin1String("SeparableConv"))) {
        const std::size_t r = std::size_t(spatialRank(className));
        if (count < 2 || count > 3 || k.size() != r + 2 || shapes[1].size() != r + 2)
            return {};
        f.insert(QStringLiteral("kernel_size"), dims(k, 0, r));
        f.insert(QStringLiteral("depth_multiplier"), qint64(k.back()));
        f.insert(QStringLiteral("filters"), qint64(shapes[1].back()));
        f.insert(QStringLiteral("use_bias"), count == 3);
    } else if (className == QLatin1String("Embedding")) {
        if (k.size() != 2 || count != 1)
            return {};
        f.insert(QStringLiteral("input_dim"), qint64(k[0]));
        f.insert(QStringLiteral("output_dim"), qint64(k[1]));
    } else if (isRecurrent(className)) {
        if (count < 2 || count > 3 || shapes[1].size() != 2)
            return {};
        f.insert(QStringLiteral("units"), qint64(shapes[1][0]));
        f.insert(QStringLiteral("use_bias"), count == 3);
        if (className == QLatin1String("GRU") && count == 3)
            f.insert(QStringLiteral("reset_after"), shapes[2].size() == 2);
    } else if (className == QLatin1String("BatchNormalization") || className == QLatin1String("LayerNormalization")) {
        const bool bn = className == QLatin1String("BatchNormalization");
        if (namesKnown(weightNames)) {
            f.insert(QStringLiteral("center"), hasName(weightNames, QStringLiteral("beta")));
            f.insert(QStringLiteral("scale"), hasName(weightNames, QStringLiteral("gamma")));
        } else if (count == (bn ? 4 : 2) || count == (bn ? 2 : 0)) {
            f.insert(QStringLiteral("center"), count == (bn ? 4 : 2));
            f.insert(QStringLiteral("scale"), count == (bn ? 4 : 2));
        }
    } else if (className == QLatin1String("Bidirectional") || className == QLatin1String("TimeDistributed")) {
        QJsonObject inner = config.value(QStringLiteral("layer")).toObject();
        const QString innerClass = inner.value(QStringLiteral("class_name")).toString();
        const int take = className == QLatin1String("Bidirectional") ? count / 2 : count;
        if (take == 0 || (className == QLatin1String("Bidirectional") && count % 2 != 0))
            return {};
        const QJsonObject innerFields = fieldsFromWeights(innerClass, inner.value(QStringLiteral("config")).toObject(),
                                                          weightNames.mid(0, take), shapes.mid(0, take));
        if (innerFields.isEmpty())
            return {};
        QJsonObject innerConfig = inner.value(QStringLiteral("config")).toObject();
        for (auto it = innerFields.constBegin(); it != innerFields.constEnd(); ++it)
            innerConfig.insert(it.key(), it.value());
        inner.insert(QStringLiteral("config"), innerConfig);
        f.insert(QStringLiteral("layer"), inner);
    }
    return f;
}

Shape KerasLayerCatalog::inputShapeFromWeights(const QString &className, const QVector<Shape> &shapes)
{
    if (shapes.isEmpty())
        return {};
    const Shape &k = shapes.front();
    if (className == QLatin1String("Dense") && k.size() == 2)
        return {k[0]};
    if (isRecurrent(className) && k.size() == 2)
        return {-1, k[0]};
    if (className == QLatin1String("Conv1D") && k.size() == 3)
        return {-1, k[1]};
    if (className == QLatin1String("Embedding"))
        return {-1};
    return {};
}

QString KerasLayerCatalog::classFromWeights(const QStringList &names, const QVector<Shape> &shapes)
{
    if (shapes.isEmpty())
        return {};
    auto has = [&](const char *n) { return hasName(names, QLatin1String(n)); };
    for (const QString &n : names)
        if (n.startsWith(QLatin1String("forward")))
            return QStringLiteral("Bidirectional");
    const std::size_t rank0 = shapes.front().size();
    if (has("pointwise_kernel"))
        return rank0 == 3 ? QStringLiteral("SeparableConv1D") : QStringLiteral("SeparableConv2D");
    if (has("depthwise_kernel"))
        return QStringLiteral("DepthwiseConv2D");
    if (has("embeddings"))
        return QStringLiteral("Embedding");
    if (has("moving_mean"))
        return QStringLiteral("BatchNormalization");
    if (has("gamma") || has("beta"))
        return QStringLiteral("LayerNormalization");
    if (has("alpha"))
        return QStringLiteral("PReLU");
    const bool recurrent =
        has("recurrent_kernel") || (!namesKnown(names) && shapes.size() >= 2 && rank0 == 2 && shapes[1].size() == 2);
    if (recurrent && shapes.size() >= 2 && shapes[1].size() == 2 && shapes[1][0] > 0) {
        const std::int64_t gates = shapes[1][1] / shapes[1][0];
        return gates == 4 ? QStringLiteral("LSTM") : gates == 3 ? QStringLiteral("GRU") : QStringLiteral("SimpleRNN");
    }
    if (has("kernel") || !namesKnown(names)) {
        if (rank0 == 2)
            return QStringLiteral("Dense");
        if (rank0 == 3)
            return QStringLiteral("Conv1D");
        if (rank0 == 4)
            return QStringLiteral("Conv2D");
    }
    if (!namesKnown(names) && shapes.size() == 4 && rank0 == 1)
        return QStringLiteral("BatchNormalization");
    return {};
}

} // namespace graft
