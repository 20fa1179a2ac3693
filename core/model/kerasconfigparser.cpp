#include "core/model/kerasconfigparser.h"
#include "core/common/jsonnumbers.h"

#include "core/common/limits.h"
#include "core/model/layercatalog.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace graft {

namespace {

int jsonDepth(const QJsonValue &v, int depth = 0)
{
    if (depth > limits::maxJsonDepth)
        return depth;
    int deepest = depth;
    if (v.isArray())
        for (const QJsonValue &e : v.toArray())
            deepest = std::max(deepest, jsonDepth(e, depth + 1));
    else if (v.isObject())
        for (const QJsonValue &e : v.toObject())
            deepest = std::max(deepest, jsonDepth(e, depth + 1));
    return deepest;
}

Shape shapeFromJson(const QJsonArray &dims, bool dropBatch)
{
    Shape shape;
    for (int i = dropBatch ? 1 : 0; i < dims.size(); ++i)
        shape.push_back(dims.at(i).isDouble() ? jsonInteger(dims.at(i).toDouble()) : -1);
    return shape;
}

TensorRef tensorRefFromArray(const QJsonArray &a)
{
    TensorRef ref;
    ref.layer = a.at(0).toString();
    ref.nodeIndex = a.size() > 1 ? a.at(1).toInt() : 0;
    ref.tensorIndex = a.size() > 2 ? a.at(2).toInt() : 0;
    return ref;
}

// Keras 3 records call arguments as nested structures holding __keras_tensor__ objects.
void collectKerasTensors(const QJsonValue &v, QVector<TensorRef> *out)
{
    if (v.isArray()) {
        for (const QJsonValue &e : v.toArray())
            collectKerasTensors(e, out);
    } else if (v.isObject()) {
        const QJsonObject o = v.toObject();
        if (o.value(QStringLiteral("class_name")).toString() == QLatin1String("__keras_tensor__")) {
            out->append(tensorRefFromArray(
                o.value(QStringLiteral("config")).toObject().value(QStringLiteral("keras_history")).toArray()));
        }
    }
}

QVector<InboundNode> parseInboundNodes(const QJsonValue &value)
{
    QVector<InboundNode> nodes;
    for (const QJsonValue &nodeValue : value.toArray()) {
        InboundNode node;
        if (nodeValue.isObject()) { // Keras 3: {"args": [...], "kwargs": {...}}
            const QJsonObject o = nodeValue.toObject();
            collectKerasTensors(o.value(QStringLiteral("args")), &node.inputs);
            node.kwargs = o.value(QStringLiteral("kwargs")).toObject();
        } else { // Keras 2: [[layer, node, tensor, kwargs], ...]
            for (const QJsonValue &entry : nodeValue.toArray()) {
                const QJsonArray a = entry.toArray();
                if (a.isEmpty())
                    continue;
                node.inputs.append(tensorRefFromArray(a));
                if (a.size() > 3 && a.at(3).isObject())
                    node.kwargs = a.at(3).toObject();
            }
        }
        nodes.append(node);
    }
    return nodes;
}

QVector<TensorRef> parseEndpoints(const QJsonValue &value)
{
    QVector<TensorRef> refs;
    const QJsonArray a = value.toArray();
    if (!a.isEmpty() && a.at(0).isString()) { // Keras 3 writes a single endpoint flat
        refs.append(tensorRefFromArray(a));
        return refs;
    }
    for (const QJsonValue &e : a) {
        if (e.isArray())
            refs.append(tensorRefFromArray(e.toArray()));
        else if (e.isObject()) // rare Keras 3 nesting as keras tensors
            collectKerasTensors(e, &refs);
    }
    return refs;
}

Expected<ModelSpec> parseModel(const QJsonObject &json, int depth);

Expected<Layer> parseLayer(const QJsonObject &entry, int depth)
{
    Layer layer;
    layer.sourceEntry = entry;
    layer.className = entry.value(QStringLiteral("class_name")).toString();
    layer.config = entry.value(QStringLiteral("config")).toObject();
    layer.name = entry.value(QStringLiteral("name")).toString();
    if (layer.name.isEmpty())
        layer.name = layer.config.value(QStringLiteral("name")).toString();
    layer.trainable = layer.config.value(QStringLiteral("trainable")).toBool(true);
    layer.inboundNodes = parseInboundNodes(entry.value(QStringLiteral("inbound_nodes")));
    if (layer.className.isEmpty())
        return makeError(QStringLiteral("layer '%1' has no class_name").arg(layer.name));
    if (isModelClass(layer.className) && layer.config.contains(QStringLiteral("layers"))) {
        auto nested = parseModel(entry, depth + 1);
        if (!nested)
            return makeError(QStringLiteral("nested model '%1': %2").arg(layer.name, nested.errorString()));
        layer.nestedModel = std::make_shared<ModelSpec>(std::move(nested).value());
    } else if (!isSupportedLayerClass(layer.className) || isModelClass(layer.className)) {
        layer.supported = false;
        layer.issues << QStringLiteral("Layer class %1 is not supported by Graft.").arg(layer.className);
    }
    return layer;
}

Expected<ModelSpec> parseModel(const QJsonObject &json, int depth)
{
    if (depth > limits::maxNestedModelDepth)
        return makeError(QStringLiteral("models are nested more than %1 deep").arg(limits::maxNestedModelDepth));
    ModelSpec model;
    model.sourceConfig = json;
    model.className = json.value(QStringLiteral("class_name")).toString();
    if (model.className.isEmpty())
        return makeError(QStringLiteral("the config has no class_name"));
    const QJsonValue configValue = json.value(QStringLiteral("config"));
    QJsonArray layerEntries;
    QJsonObject config;
    if (configValue.isArray()) { // Keras 2.0/2.1 Sequential: the config is the layer list
        layerEntries = configValue.toArray();
    } else {
        config = configValue.toObject();
        layerEntries = config.value(QStringLiteral("layers")).toArray();
        model.name = config.value(QStringLiteral("name")).toString();
    }
    if (layerEntries.size() > limits::maxLayers)
        return makeError(
            QStringLiteral("the config lists %1 layers (limit %2)").arg(layerEntries.size()).arg(limits::maxLayers));
    if (model.name.isEmpty())
        model.name = json.value(QStringLiteral("name")).toString();
    model.sequential = model.className == QLatin1String("Sequential");
    if (!model.sequential && !config.contains(QStringLiteral("layers")))
        return makeError(QStringLiteral("model class %1 has no layer list in its config (a subclassed "
                                        "model: its architecture cannot be read from the file)")
                             .arg(model.className));

    for (const QJsonValue &entryValue : layerEntries) {
        auto layer = parseLayer(entryValue.toObject(), depth);
        if (!layer)
            return layer.error();
        if (model.indexOf(layer->name) >= 0 && !layer->name.isEmpty())
            return makeError(QStringLiteral("two layers are named '%1'").arg(layer->name));
        model.layers.append(std::move(layer).value());
    }

    if (model.sequential) {
        // model.layers of a Sequential model excludes its InputLayer; the input
        // shape comes from it or from the first layer's batch_input_shape.
        ModelInput input;
        input.name = model.name.isEmpty() ? QStringLiteral("input") : model.name + QStringLiteral("_input");
        bool haveShape = false;
        if (!model.layers.isEmpty() && model.layers.front().isInput()) {
            const Layer inputLayer = model.layers.takeFirst();
            haveShape = KerasConfigParser::inputShapeFromLayerConfig(inputLayer.config, &input.shape, &input.dtype);
            input.name = inputLayer.name;
        }
        if (!haveShape && !model.layers.isEmpty())
            haveShape =
                KerasConfigParser::inputShapeFromLayerConfig(model.layers.front().config, &input.shape, &input.dtype);
        if (!haveShape) {
            const QJsonArray built = json.value(QStringLiteral("build_input_shape")).toArray();
            const QJsonArray built3 =
                json.value(QStringLiteral("build_config")).toObject().value(QStringLiteral("input_shape")).toArray();
            const QJsonArray configBuilt = config.value(QStringLiteral("build_input_shape")).toArray();
            const QJsonArray dims = !built3.isEmpty() ? built3 : (!built.isEmpty() ? built : configBuilt);
            if (!dims.isEmpty()) {
                input.shape = shapeFromJson(dims, true);
                haveShape = true;
            }
        }
        model.inputs.append(input);
        TensorRef previous{input.name, 0, 0};
        for (Layer &layer : model.layers) {
            layer.inboundNodes = {InboundNode{{previous}, {}}};
            previous = TensorRef{layer.name, 0, 0};
        }
        if (!model.layers.isEmpty())
            model.outputs.append(previous);
        return model;
    }

    for (const TensorRef &ref : parseEndpoints(config.value(QStringLiteral("input_layers")))) {
        ModelInput input;
        input.name = ref.layer;
        if (const Layer *inputLayer = model.layer(ref.layer))
            KerasConfigParser::inputShapeFromLayerConfig(inputLayer->config, &input.shape, &input.dtype);
        else
            return makeError(QStringLiteral("input layer '%1' is not among the model's layers").arg(ref.layer));
        model.inputs.append(input);
    }
    model.outputs = parseEndpoints(config.value(QStringLiteral("output_layers")));
    for (const TensorRef &ref : model.outputs)
        if (model.indexOf(ref.layer) < 0)
            return makeError(QStringLiteral("output layer '%1' is not among the model's layers").arg(ref.layer));
    for (const Layer &layer : model.layers)
        for (const InboundNode &node : layer.inboundNodes)
            for (const TensorRef &ref : node.inputs)
                if (model.indexOf(ref.layer) < 0)
                    return makeError(QStringLiteral("layer '%1' is called on '%2', which is not a layer of the model")
                                         .arg(layer.name, ref.layer));
    return model;
}

} // namespace

bool isSupportedLayerClass(const QString &className)
{
    return LayerCatalog::knows(className) || isModelClass(className);
}

bool isModelClass(const QString &className)
{
    return className == QLatin1String("Sequential") || className == QLatin1String("Functional")
           || className == QLatin1String("Model");
}

bool KerasConfigParser::inputShapeFromLayerConfig(const QJsonObject &config, Shape *shape, QString *dtype)
{
    for (const char *key : {"batch_input_shape", "batch_shape"}) {
        const QJsonValue v = config.value(QLatin1String(key));
        if (v.isArray()) {
            *shape = shapeFromJson(v.toArray(), true);
            if (dtype && config.value(QStringLiteral("dtype")).isString())
                *dtype = config.value(QStringLiteral("dtype")).toString();
            return true;
        }
    }
    const QJsonValue inputShape = config.value(QStringLiteral("input_shape"));
    if (inputShape.isArray()) {
        *shape = shapeFromJson(inputShape.toArray(), false);
        return true;
    }
    // Keras 2 Dense/Embedding saved with input_dim/input_length only.
    if (config.value(QStringLiteral("input_length")).isDouble()) {
        *shape = {jsonInteger(config.value(QStringLiteral("input_length")).toDouble())};
        return true;
    }
    return false;
}

Expected<ModelSpec> KerasConfigParser::parse(const QJsonObject &json)
{
    if (jsonDepth(json) > limits::maxJsonDepth)
        return makeError(QStringLiteral("the model config is nested deeper than %1 levels").arg(limits::maxJsonDepth));
    return parseModel(json, 0);
}

Expected<ModelSpec> KerasConfigParser::parse(const QByteArray &jsonText, const QString &sourceName)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(jsonText, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return makeError(QStringLiteral("%1 is not valid JSON: %2 at offset %3")
                             .arg(sourceName, parseError.errorString())
                             .arg(parseError.offset));
    if (!doc.isObject())
        return makeError(QStringLiteral("%1 is not a Keras model config (expected a JSON object)").arg(sourceName));
    auto model = parse(doc.object());
    if (!model)
        return makeError(QStringLiteral("%1: %2").arg(sourceName, model.errorString()));
    return model;
}

} // namespace graft
