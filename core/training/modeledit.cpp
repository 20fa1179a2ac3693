#include "core/training/modeledit.h"

#include "core/model/layernaming.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>

namespace graft::modeledit {

namespace {

void collectNames(const ModelSpec &model, QSet<QString> *names)
{
    for (const Layer &layer : model.layers) {
        names->insert(layer.name);
        if (layer.nestedModel)
            collectNames(*layer.nestedModel, names);
    }
}

bool isKeras3Entry(const QJsonObject &entry)
{
    return entry.contains(QStringLiteral("module")) || entry.contains(QStringLiteral("build_config"));
}

QJsonArray refArray(const TensorRef &ref)
{
    return QJsonArray{ref.layer, ref.nodeIndex, ref.tensorIndex};
}

} // namespace

void setConfigValue(Layer &layer, const QString &key, const QJsonValue &value)
{
    layer.config.insert(key, value);
    if (!layer.sourceEntry.isEmpty()) {
        QJsonObject config = layer.sourceEntry.value(QStringLiteral("config")).toObject();
        config.insert(key, value);
        layer.sourceEntry.insert(QStringLiteral("config"), config);
    }
}

void setTrainable(Layer &layer, bool trainable)
{
    layer.trainable = trainable;
    setConfigValue(layer, QStringLiteral("trainable"), trainable);
}

QString freeLayerName(const ModelSpec &model, const QString &className)
{
    QSet<QString> names;
    collectNames(model, &names);
    const QString base = kerasSnakeCase(className);
    if (!names.contains(base))
        return base;
    for (int i = 1;; ++i) {
        const QString candidate = QStringLiteral("%1_%2").arg(base).arg(i);
        if (!names.contains(candidate))
            return candidate;
    }
}

Layer denseOnTop(const Layer &templateDense, const QString &name, int units, const QString &activation,
                 const TensorRef &input, int inputSize)
{
    Layer layer;
    layer.name = name;
    layer.className = QStringLiteral("Dense");
    layer.config = templateDense.config;
    layer.config.insert(QStringLiteral("name"), name);
    layer.config.insert(QStringLiteral("units"), units);
    layer.config.insert(QStringLiteral("activation"), activation);
    layer.config.insert(QStringLiteral("use_bias"), true);
    layer.config.insert(QStringLiteral("trainable"), true);
    layer.inboundNodes = {InboundNode{{input}, {}}};
    layer.trainable = true;

    QJsonObject entry = templateDense.sourceEntry;
    entry.insert(QStringLiteral("class_name"), layer.className);
    entry.insert(QStringLiteral("config"), layer.config);
    if (entry.contains(QStringLiteral("name")))
        entry.insert(QStringLiteral("name"), name);
    const bool keras3 = isKeras3Entry(entry);
    if (keras3) {
        QJsonObject build;
        build.insert(QStringLiteral("input_shape"), QJsonArray{QJsonValue(), inputSize});
        entry.insert(QStringLiteral("build_config"), build);
    }
    if (entry.contains(QStringLiteral("inbound_nodes"))) {
        if (keras3) {
            QJsonObject tensorConfig;
            tensorConfig.insert(QStringLiteral("shape"), QJsonArray{QJsonValue(), inputSize});
            tensorConfig.insert(QStringLiteral("dtype"), QStringLiteral("float32"));
            tensorConfig.insert(QStringLiteral("keras_history"), refArray(input));
            QJsonObject tensor;
            tensor.insert(QStringLiteral("class_name"), QStringLiteral("__keras_tensor__"));
            tensor.insert(QStringLiteral("config"), tensorConfig);
            QJsonObject node;
            node.insert(QStringLiteral("args"), QJsonArray{tensor});
            node.insert(QStringLiteral("kwargs"), QJsonObject());
            entry.insert(QStringLiteral("inbound_nodes"), QJsonArray{node});
        } else {
            QJsonArray call = refArray(input);
            call.append(QJsonObject());
            entry.insert(QStringLiteral("inbound_nodes"), QJsonArray{QJsonArray{call}});
        }
    }
    layer.sourceEntry = entry;
    return layer;
}

void syncSourceConfig(ModelSpec &model, const QStringList &removedLayers)
{
    if (model.sourceConfig.isEmpty())
        return;
    QJsonObject json = model.sourceConfig;
    const QJsonValue configValue = json.value(QStringLiteral("config"));
    const bool bareList = configValue.isArray(); // Keras 2.0/2.1 Sequential
    QJsonObject config = configValue.toObject();
    const QJsonArray oldEntries = bareList ? configValue.toArray() : config.value(QStringLiteral("layers")).toArray();

    // Keep entries the spec does not hold as layers (a Sequential's InputLayer) where they were.
    QSet<QString> specNames;
    for (const Layer &layer : model.layers)
        specNames.insert(layer.name);
    QJsonArray entries;
    QSet<QString> written;
    for (const QJsonValue &v : oldEntries) {
        const QJsonObject entry = v.toObject();
        QString name = entry.value(QStringLiteral("name")).toString();
        if (name.isEmpty())
            name = entry.value(QStringLiteral("config")).toObject().value(QStringLiteral("name")).toString();
        if (removedLayers.contains(name))
            continue;
        const Layer *layer = specNames.contains(name) ? model.layer(name) : nullptr;
        entries.append(layer && !layer->sourceEntry.isEmpty() ? QJsonValue(layer->sourceEntry) : v);
        written.insert(name);
    }
    for (const Layer &layer : model.layers)
        if (!written.contains(layer.name) && !layer.sourceEntry.isEmpty())
            entries.append(layer.sourceEntry);

    if (bareList) {
        json.insert(QStringLiteral("config"), entries);
    } else {
        config.insert(QStringLiteral("layers"), entries);
        if (!model.sequential) {
            const QJsonValue oldOutputs = config.value(QStringLiteral("output_layers"));
            const bool flat =
                oldOutputs.isArray() && !oldOutputs.toArray().isEmpty() && oldOutputs.toArray().at(0).isString();
            if (flat && model.outputs.size() == 1) {
                config.insert(QStringLiteral("output_layers"), refArray(model.outputs.front()));
            } else {
                QJsonArray outputs;
                for (const TensorRef &ref : model.outputs)
                    outputs.append(refArray(ref));
                config.insert(QStringLiteral("output_layers"), outputs);
            }
        }
        json.insert(QStringLiteral("config"), config);
    }
    model.sourceConfig = json;
}

} // namespace graft::modeledit
