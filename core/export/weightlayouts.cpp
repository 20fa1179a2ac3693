#include "core/export/weightlayouts.h"

#include "core/formats/keras3objectpaths.h"
#include "core/model/layernaming.h"

#include <QJsonObject>
#include <QSet>

namespace graft::exportlayout {

namespace {

bool isRecurrent(const QString &className)
{
    return className == QLatin1String("SimpleRNN") || className == QLatin1String("LSTM")
           || className == QLatin1String("GRU") || className == QLatin1String("CuDNNLSTM")
           || className == QLatin1String("CuDNNGRU");
}

Expected<void> checkComplete(const Layer &layer)
{
    if (layer.expectedWeights.isEmpty() || layer.weights.size() == layer.expectedWeights.size())
        return {};
    if (layer.weights.isEmpty())
        return makeError(QStringLiteral("layer '%1' (%2) has no weights loaded although its config needs %3 "
                                        "(the source file's weights did not match it; see the load warnings). "
                                        "Nothing was written.")
                             .arg(layer.name, layer.className)
                             .arg(layer.expectedWeights.size()));
    return makeError(QStringLiteral("layer '%1' (%2) holds %3 weights but its config needs %4. Nothing was written.")
                         .arg(layer.name, layer.className)
                         .arg(layer.weights.size())
                         .arg(layer.expectedWeights.size()));
}

/**
 * The name tf.keras gives a weight variable: "<layer>/<var>:0", RNN cells one level deeper
 * ("lstm/lstm_cell/kernel:0"), Bidirectional halves as "bidirectional/forward_lstm/lstm_cell/kernel:0".
 * A name read from a Keras 2 file for this very layer is kept as it was.
 */
QString legacyWeightName(const Layer &layer, const LayerWeight &weight)
{
    const QString &stored = weight.storedName;
    if (stored.endsWith(QLatin1String(":0")) && !stored.contains(QLatin1String("vars/"))
        && stored.startsWith(layer.name + QLatin1Char('/')))
        return stored;
    QString shortName = weight.name.isEmpty() ? QStringLiteral("weight") : weight.name;
    const QString base = shortName.section(QLatin1Char('/'), -1);
    if (shortName.startsWith(QLatin1String("forward/")) || shortName.startsWith(QLatin1String("backward/"))) {
        const QJsonObject inner = layer.config.value(QStringLiteral("layer")).toObject();
        const QString innerClass = inner.value(QStringLiteral("class_name")).toString();
        QString innerName = inner.value(QStringLiteral("config")).toObject().value(QStringLiteral("name")).toString();
        if (innerName.isEmpty())
            innerName = kerasSnakeCase(innerClass);
        QString path =
            layer.name + QLatin1Char('/') + shortName.section(QLatin1Char('/'), 0, 0) + QLatin1Char('_') + innerName;
        if (isRecurrent(innerClass))
            path += QLatin1Char('/') + kerasSnakeCase(innerClass) + QStringLiteral("_cell");
        return path + QLatin1Char('/') + base + QStringLiteral(":0");
    }
    if (isRecurrent(layer.className))
        return QStringLiteral("%1/%2_cell/%3:0").arg(layer.name, kerasSnakeCase(layer.className), base);
    return QStringLiteral("%1/%2:0").arg(layer.name, shortName);
}

struct OrderedWeight
{
    NamedTensor named;
    bool trainable;
};

Expected<void> collectNested(const ModelSpec &model, bool parentTrainable, QVector<OrderedWeight> *out)
{
    for (const Layer &inner : model.layers) {
        const bool trainable = parentTrainable && inner.trainable;
        if (inner.nestedModel) {
            auto nested = collectNested(*inner.nestedModel, trainable, out);
            if (!nested)
                return nested;
            continue;
        }
        auto complete = checkComplete(inner);
        if (!complete)
            return complete;
        for (const LayerWeight &w : inner.weights)
            out->append(OrderedWeight{NamedTensor{legacyWeightName(inner, w), &w.tensor}, trainable && w.trainable});
    }
    return {};
}

/** Weight names are dataset paths inside one group: they must be unique. */
void makeUnique(QVector<NamedTensor> *weights)
{
    QSet<QString> used;
    for (NamedTensor &w : *weights) {
        QString name = w.name;
        for (int i = 1; used.contains(name); ++i) {
            QString stem = w.name;
            const bool colon = stem.endsWith(QLatin1String(":0"));
            if (colon)
                stem.chop(2);
            name = QStringLiteral("%1_%2%3").arg(stem).arg(i).arg(colon ? QStringLiteral(":0") : QString());
        }
        used.insert(name);
        w.name = name;
    }
}

void addKeras3Object(QVector<Keras3Vars> *out, QSet<QString> *seen, const QString &path, const QString &name,
                     QVector<const TensorData *> vars = {})
{
    if (seen->contains(path)) {
        for (Keras3Vars &g : *out)
            if (g.path == path)
                g.vars += vars;
        return;
    }
    seen->insert(path);
    out->append(Keras3Vars{path, name, std::move(vars)});
}

Expected<void> collectKeras3(const ModelSpec &model, const QString &prefix, QVector<Keras3Vars> *out,
                             QSet<QString> *seen)
{
    const QStringList paths = keras3paths::layerPaths(model, prefix);
    for (int i = 0; i < model.layers.size(); ++i) {
        const Layer &layer = model.layers.at(i);
        const QString &path = paths.at(i);
        addKeras3Object(out, seen, path, layer.name);
        if (layer.nestedModel) {
            auto nested = collectKeras3(*layer.nestedModel, path + QLatin1Char('/'), out, seen);
            if (!nested)
                return nested;
            continue;
        }
        auto complete = checkComplete(layer);
        if (!complete)
            return complete;
        const QStringList varPaths = keras3paths::varPaths(layer);
        for (int v = 0; v < varPaths.size(); ++v) {
            // Parents of a cell or wrapped layer are saveables too; Keras writes their (empty) vars.
            const QStringList parts = varPaths.at(v).split(QLatin1Char('/'), Qt::SkipEmptyParts);
            QString objectPath = path;
            for (int p = 0; p + 1 < parts.size(); ++p) {
                objectPath += QLatin1Char('/') + parts.at(p);
                addKeras3Object(out, seen, objectPath, layer.name);
            }
            QVector<const TensorData *> vars;
            for (const LayerWeight &w : layer.weights) {
                // Bidirectional keeps "forward/…" and "backward/…" weights in its two halves.
                const bool forward = w.name.startsWith(QLatin1String("forward/"));
                if (varPaths.size() == 1 || (v == 0) == forward)
                    vars.append(&w.tensor);
            }
            if (!varPaths.at(v).isEmpty())
                addKeras3Object(out, seen, path + varPaths.at(v), layer.name, vars);
            else
                addKeras3Object(out, seen, path, layer.name, vars);
        }
    }
    return {};
}

} // namespace

Expected<QVector<LegacyLayerGroup>> legacyGroups(const ModelSpec &model)
{
    QVector<LegacyLayerGroup> groups;
    for (const Layer &layer : model.layers) {
        LegacyLayerGroup group;
        group.layerName = layer.name;
        if (layer.nestedModel) {
            QVector<OrderedWeight> all;
            auto collected = collectNested(*layer.nestedModel, layer.trainable, &all);
            if (!collected)
                return makeError(QStringLiteral("nested model '%1': %2").arg(layer.name, collected.errorString()));
            // Model.weights lists trainable weights first, then the rest (frozen layers' included).
            for (const OrderedWeight &w : all)
                if (w.trainable)
                    group.weights.append(w.named);
            for (const OrderedWeight &w : all)
                if (!w.trainable)
                    group.weights.append(w.named);
        } else {
            auto complete = checkComplete(layer);
            if (!complete)
                return complete.error();
            for (const LayerWeight &w : layer.weights)
                group.weights.append(NamedTensor{legacyWeightName(layer, w), &w.tensor});
        }
        makeUnique(&group.weights);
        groups.append(std::move(group));
    }
    return groups;
}

Expected<QVector<Keras3Vars>> keras3Groups(const ModelSpec &model, bool withArchitecture)
{
    QVector<Keras3Vars> out;
    QSet<QString> seen;
    if (!withArchitecture) {
        for (const Layer &layer : model.layers) {
            if (layer.keras3Path.isEmpty())
                return makeError(QStringLiteral("layer '%1' has no Keras 3 object path: the source has no architecture "
                                                "from which Keras 3's layer paths could be derived. Give the model's "
                                                "JSON (--arch) to export it in a Keras 3 format.")
                                     .arg(layer.name));
            QVector<const TensorData *> vars;
            for (const LayerWeight &w : layer.weights)
                vars.append(&w.tensor);
            addKeras3Object(&out, &seen, layer.keras3Path, layer.name, vars);
        }
        return out;
    }
    auto collected = collectKeras3(model, QString(), &out, &seen);
    if (!collected)
        return collected.error();
    return out;
}

} // namespace graft::exportlayout
