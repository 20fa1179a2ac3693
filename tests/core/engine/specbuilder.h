#pragma once

// Builds small ModelSpecs from Keras 2 functional configs for the engine tests.

#include "core/model/kerasconfigparser.h"
#include "core/model/modelspec.h"

#include <QJsonArray>
#include <QJsonObject>

namespace graft::testing {

/** One layer of a hand-written functional config. */
struct LayerCall
{
    QString name;
    QString className;
    QJsonObject config;
    QStringList inputs; // "layer" or "layer:node:tensor"
};

inline QJsonArray kerasRef(const QString &spec)
{
    const QStringList parts = spec.split(QLatin1Char(':'));
    return QJsonArray{parts.value(0), parts.value(1, QStringLiteral("0")).toInt(),
                      parts.value(2, QStringLiteral("0")).toInt(), QJsonObject()};
}

/** A Keras 2 functional model config: InputLayers named by `inputs` (name -> shape), then `calls`. */
inline QJsonObject functionalConfig(const QVector<QPair<QString, QJsonArray>> &inputs, const QVector<LayerCall> &calls,
                                    const QStringList &outputs)
{
    QJsonArray layers;
    QJsonArray inputLayers;
    for (const auto &[name, shape] : inputs) {
        QJsonArray batchShape{QJsonValue()};
        for (const QJsonValue &d : shape)
            batchShape.append(d);
        layers.append(QJsonObject{
            {"name", name},
            {"class_name", "InputLayer"},
            {"config", QJsonObject{{"batch_input_shape", batchShape}, {"dtype", "float32"}, {"name", name}}},
            {"inbound_nodes", QJsonArray()}});
        inputLayers.append(QJsonArray{name, 0, 0});
    }
    // Calls of the same layer name become further inbound nodes of one layer (a shared layer).
    QHash<QString, int> index;
    for (const LayerCall &call : calls) {
        QJsonArray node;
        for (const QString &in : call.inputs)
            node.append(kerasRef(in));
        if (index.contains(call.name)) {
            QJsonObject layer = layers.at(index.value(call.name)).toObject();
            QJsonArray nodes = layer.value("inbound_nodes").toArray();
            nodes.append(node);
            layer.insert("inbound_nodes", nodes);
            layers.replace(index.value(call.name), layer);
            continue;
        }
        QJsonObject config = call.config;
        config.insert("name", call.name);
        index.insert(call.name, layers.size());
        layers.append(QJsonObject{{"name", call.name},
                                  {"class_name", call.className},
                                  {"config", config},
                                  {"inbound_nodes", QJsonArray{node}}});
    }
    QJsonArray outputLayers;
    for (const QString &out : outputs) {
        QJsonArray ref = kerasRef(out);
        ref.removeLast();
        outputLayers.append(ref);
    }
    return QJsonObject{{"class_name", "Model"},
                       {"config", QJsonObject{{"name", "model_1"},
                                              {"layers", layers},
                                              {"input_layers", inputLayers},
                                              {"output_layers", outputLayers}}}};
}

inline LayerWeight weight(const QString &name, const TensorData &t, bool trainable = true)
{
    return LayerWeight{name, name, t, trainable};
}

} // namespace graft::testing
