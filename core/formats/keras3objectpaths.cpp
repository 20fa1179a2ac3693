#include "core/formats/keras3objectpaths.h"

#include "core/model/layernaming.h"

#include <QHash>
#include <QJsonObject>

namespace graft::keras3paths {

namespace {

bool isRecurrent(const QString &className)
{
    return className == QLatin1String("SimpleRNN") || className == QLatin1String("LSTM")
           || className == QLatin1String("GRU");
}

QString wrappedClass(const Layer &layer)
{
    return layer.config.value(QStringLiteral("layer")).toObject().value(QStringLiteral("class_name")).toString();
}

} // namespace

QString keras3ClassName(const QString &className)
{
    if (className == QLatin1String("Model"))
        return QStringLiteral("Functional");
    return className;
}

QStringList layerPaths(const ModelSpec &model, const QString &prefix)
{
    QStringList paths;
    QHash<QString, int> seen;
    for (const Layer &layer : model.layers) {
        const QString snake = kerasSnakeCase(keras3ClassName(layer.className));
        const int n = seen.value(snake, 0);
        seen[snake] = n + 1;
        paths << prefix + QStringLiteral("layers/") + snake + (n ? QStringLiteral("_%1").arg(n) : QString());
    }
    return paths;
}

QStringList varPaths(const Layer &layer)
{
    if (isRecurrent(layer.className))
        return {QStringLiteral("/cell")};
    if (layer.className == QLatin1String("Bidirectional")) {
        const QString sub = isRecurrent(wrappedClass(layer)) ? QStringLiteral("/cell") : QString();
        return {QStringLiteral("/forward_layer") + sub, QStringLiteral("/backward_layer") + sub};
    }
    if (layer.className == QLatin1String("TimeDistributed"))
        return {isRecurrent(wrappedClass(layer)) ? QStringLiteral("/layer/cell") : QStringLiteral("/layer")};
    return {QString()};
}

} // namespace graft::keras3paths
