#include "core/export/modelconfigjson.h"

namespace graft::exportconfig {

namespace detail {

QJsonArray batchShapeJson(const Shape &shape)
{
    QJsonArray dims{QJsonValue()};
    for (std::int64_t d : shape)
        dims.append(d < 0 ? QJsonValue() : QJsonValue(double(d)));
    return dims;
}

bool tensorShape(const ModelSpec &model, const TensorRef &ref, Shape *shape, QString *dtype)
{
    *dtype = QStringLiteral("float32");
    for (const ModelInput &input : model.inputs) {
        if (input.name == ref.layer) {
            *shape = input.shape;
            *dtype = input.dtype;
            return true;
        }
    }
    const Layer *layer = model.layer(ref.layer);
    if (!layer || ref.tensorIndex < 0 || ref.tensorIndex >= layer->outputShapes.size())
        return false;
    *shape = layer->outputShapes.at(ref.tensorIndex);
    if (layer->isInput())
        *dtype = layer->config.value(QStringLiteral("dtype")).toString(QStringLiteral("float32"));
    return true;
}

namespace {

TensorRef refFromArray(const QJsonArray &a)
{
    return TensorRef{a.at(0).toString(), a.size() > 1 ? a.at(1).toInt() : 0, a.size() > 2 ? a.at(2).toInt() : 0};
}

void collectTensors(const QJsonValue &v, QVector<TensorRef> *out)
{
    if (v.isArray()) {
        for (const QJsonValue &e : v.toArray())
            collectTensors(e, out);
        return;
    }
    const QJsonObject o = v.toObject();
    if (o.value(QStringLiteral("class_name")).toString() == QLatin1String("__keras_tensor__"))
        out->append(refFromArray(
            o.value(QStringLiteral("config")).toObject().value(QStringLiteral("keras_history")).toArray()));
}

} // namespace

QVector<QVector<TensorRef>> inboundRefs(const QJsonValue &inboundNodes)
{
    QVector<QVector<TensorRef>> nodes;
    for (const QJsonValue &node : inboundNodes.toArray()) {
        QVector<TensorRef> refs;
        if (node.isObject()) {
            collectTensors(node.toObject().value(QStringLiteral("args")), &refs);
        } else {
            for (const QJsonValue &entry : node.toArray())
                if (!entry.toArray().isEmpty())
                    refs.append(refFromArray(entry.toArray()));
        }
        nodes.append(refs);
    }
    return nodes;
}

QJsonObject kerasTensorJson(const ModelSpec &model, const TensorRef &ref, int nodeIndex)
{
    Shape shape;
    QString dtype;
    QJsonObject config;
    config.insert(QStringLiteral("shape"),
                  tensorShape(model, ref, &shape, &dtype) ? QJsonValue(batchShapeJson(shape)) : QJsonValue());
    config.insert(QStringLiteral("dtype"), dtype);
    config.insert(QStringLiteral("keras_history"), QJsonArray{ref.layer, nodeIndex, ref.tensorIndex});
    return QJsonObject{{QStringLiteral("class_name"), QStringLiteral("__keras_tensor__")},
                       {QStringLiteral("config"), config}};
}

} // namespace detail

namespace {

using detail::inboundRefs;

bool sameRefs(const QVector<QVector<TensorRef>> &a, const QVector<InboundNode> &b)
{
    if (a.size() != b.size())
        return false;
    for (int i = 0; i < a.size(); ++i)
        if (a.at(i) != b.at(i).inputs)
            return false;
    return true;
}

/** Keras 2 writes only plain call arguments here; tensors in kwargs are Keras 3 objects and kept as they are. */
QJsonArray keras2Nodes(const Layer &layer)
{
    QJsonArray nodes;
    for (const InboundNode &node : layer.inboundNodes) {
        QJsonArray entries;
        for (const TensorRef &ref : node.inputs)
            entries.append(QJsonArray{ref.layer, ref.nodeIndex, ref.tensorIndex, node.kwargs});
        nodes.append(entries);
    }
    return nodes;
}

QJsonArray keras3Nodes(const ModelSpec &model, const Layer &layer)
{
    QJsonArray nodes;
    for (const InboundNode &node : layer.inboundNodes) {
        QJsonArray tensors;
        for (const TensorRef &ref : node.inputs)
            tensors.append(detail::kerasTensorJson(model, ref, ref.nodeIndex));
        const QJsonArray args = tensors.size() == 1 ? tensors : QJsonArray{tensors};
        nodes.append(QJsonObject{{QStringLiteral("args"), args}, {QStringLiteral("kwargs"), node.kwargs}});
    }
    return nodes;
}

QJsonValue endpoints(const QVector<TensorRef> &refs, const QJsonValue &sourceForm)
{
    const QJsonArray source = sourceForm.toArray();
    if (refs.size() == 1 && !source.isEmpty() && source.at(0).isString())
        return QJsonArray{refs.front().layer, refs.front().nodeIndex, refs.front().tensorIndex};
    QJsonArray list;
    for (const TensorRef &ref : refs)
        list.append(QJsonArray{ref.layer, ref.nodeIndex, ref.tensorIndex});
    return list;
}

QJsonObject modelObject(const ModelSpec &model, bool keras3Source);

QJsonObject layerEntry(const ModelSpec &model, const Layer &layer, bool keras3Source, bool functional)
{
    QJsonObject entry = layer.sourceEntry;
    entry.insert(QStringLiteral("class_name"), layer.className);
    QJsonObject config = layer.nestedModel
                             ? modelObject(*layer.nestedModel, keras3Source).value(QStringLiteral("config")).toObject()
                             : layer.config;
    if (!layer.nestedModel || config.contains(QStringLiteral("name")))
        config.insert(QStringLiteral("name"), layer.name);
    // The freeze state lives in the config: a frozen layer reloads frozen.
    if (config.contains(QStringLiteral("trainable")) || !layer.trainable)
        config.insert(QStringLiteral("trainable"), layer.trainable);
    entry.insert(QStringLiteral("config"), config);
    if (functional) {
        entry.insert(QStringLiteral("name"), layer.name);
        const QJsonValue sourceNodes = layer.sourceEntry.value(QStringLiteral("inbound_nodes"));
        if (sourceNodes.isArray() && sameRefs(inboundRefs(sourceNodes), layer.inboundNodes))
            entry.insert(QStringLiteral("inbound_nodes"), sourceNodes);
        else
            entry.insert(QStringLiteral("inbound_nodes"),
                         keras3Source ? keras3Nodes(model, layer) : keras2Nodes(layer));
    }
    return entry;
}

QJsonObject modelObject(const ModelSpec &model, bool keras3Source)
{
    QJsonObject top = model.sourceConfig;
    top.insert(QStringLiteral("class_name"), model.className);
    const QJsonValue sourceConfig = model.sourceConfig.value(QStringLiteral("config"));
    QJsonArray layers;
    if (model.sequential) {
        // A Sequential model's InputLayer is not among model.layers; keep the source's entry for it.
        const QJsonArray sourceLayers = sourceConfig.isArray()
                                            ? sourceConfig.toArray()
                                            : sourceConfig.toObject().value(QStringLiteral("layers")).toArray();
        if (!sourceLayers.isEmpty()
            && sourceLayers.at(0).toObject().value(QStringLiteral("class_name")).toString()
                   == QLatin1String("InputLayer"))
            layers.append(sourceLayers.at(0));
        for (const Layer &layer : model.layers)
            layers.append(layerEntry(model, layer, keras3Source, false));
        if (sourceConfig.isArray()) { // Keras 2.0/2.1: the config is the layer list itself
            top.insert(QStringLiteral("config"), layers);
            return top;
        }
        QJsonObject config = sourceConfig.toObject();
        if (!model.name.isEmpty())
            config.insert(QStringLiteral("name"), model.name);
        config.insert(QStringLiteral("layers"), layers);
        top.insert(QStringLiteral("config"), config);
        return top;
    }
    for (const Layer &layer : model.layers)
        layers.append(layerEntry(model, layer, keras3Source, true));
    QJsonObject config = sourceConfig.toObject();
    if (!model.name.isEmpty())
        config.insert(QStringLiteral("name"), model.name);
    config.insert(QStringLiteral("layers"), layers);
    QVector<TensorRef> inputRefs;
    for (const ModelInput &input : model.inputs)
        inputRefs.append(TensorRef{input.name, 0, 0});
    config.insert(QStringLiteral("input_layers"), endpoints(inputRefs, config.value(QStringLiteral("input_layers"))));
    config.insert(QStringLiteral("output_layers"),
                  endpoints(model.outputs, config.value(QStringLiteral("output_layers"))));
    top.insert(QStringLiteral("config"), config);
    return top;
}

} // namespace

QJsonObject sourceStyleConfig(const ModelSpec &model, bool keras3Source)
{
    return modelObject(model, keras3Source);
}

} // namespace graft::exportconfig
