#include "core/export/modelconfigjson.h"

#include "core/formats/keras3objectpaths.h"
#include "core/model/shapeinference.h"

namespace graft::exportconfig {

namespace {

using detail::batchShapeJson;

const QString functionalModule = QStringLiteral("keras.src.models.functional");

bool isRecurrent(const QString &className)
{
    return className == QLatin1String("SimpleRNN") || className == QLatin1String("LSTM")
           || className == QLatin1String("GRU");
}

/** What a Keras 2 activation name means differently in Keras 3. */
void noteActivationChange(const QString &layerName, const QJsonObject &config, QStringList *warnings)
{
    for (const QString key : {QStringLiteral("activation"), QStringLiteral("recurrent_activation")}) {
        const QString name = config.value(key).toString();
        if (name == QLatin1String("hard_sigmoid"))
            *warnings << QStringLiteral(
                             "Layer '%1': %2 'hard_sigmoid' is clip(0.2·x + 0.5, 0, 1) in Keras 2 but "
                             "relu6(x + 3) / 6 in Keras 3; in a Keras 3 file this layer computes the Keras 3 "
                             "function and its outputs change.")
                             .arg(layerName, key);
        else if (name == QLatin1String("gelu"))
            *warnings << QStringLiteral("Layer '%1': %2 'gelu' is exact in Keras 2 but the tanh approximation in "
                                        "Keras 3; outputs change slightly.")
                             .arg(layerName, key);
    }
}

struct ConvertedLayer
{
    QString className;
    QJsonObject config;
};

Expected<ConvertedLayer> convertLayer(const QString &layerName, const QString &className, QJsonObject config,
                                      bool keras3Source, QStringList *warnings);

Expected<QJsonObject> convertWrapped(const QString &layerName, const QJsonObject &inner, bool keras3Source,
                                     QStringList *warnings)
{
    auto converted = convertLayer(layerName, inner.value(QStringLiteral("class_name")).toString(),
                                  inner.value(QStringLiteral("config")).toObject(), keras3Source, warnings);
    if (!converted)
        return converted.error();
    QJsonObject out = inner;
    out.insert(QStringLiteral("module"),
               inner.value(QStringLiteral("module")).toString(QStringLiteral("keras.layers")));
    out.insert(QStringLiteral("class_name"), converted->className);
    out.insert(QStringLiteral("config"), converted->config);
    if (!out.contains(QStringLiteral("registered_name")))
        out.insert(QStringLiteral("registered_name"), QJsonValue());
    return out;
}

Expected<ConvertedLayer> convertLayer(const QString &layerName, const QString &className, QJsonObject config,
                                      bool keras3Source, QStringList *warnings)
{
    if (className == QLatin1String("CuDNNLSTM") || className == QLatin1String("CuDNNGRU"))
        return makeError(QStringLiteral("layer '%1' is a %2, which Keras 3 does not have (its weights are laid out "
                                        "for cuDNN); export this model as Keras 2 HDF5 or TorchScript instead.")
                             .arg(layerName, className));
    // tf.keras mixed-precision policies ({"class_name": "Policy", …}) become the plain dtype name.
    const QJsonObject dtype = config.value(QStringLiteral("dtype")).toObject();
    if (dtype.value(QStringLiteral("class_name")).toString() == QLatin1String("Policy"))
        config.insert(QStringLiteral("dtype"),
                      dtype.value(QStringLiteral("config")).toObject().value(QStringLiteral("name")));
    if (!keras3Source)
        noteActivationChange(layerName, config, warnings);

    QString outClass = className;
    if (className == QLatin1String("InputLayer")) {
        if (config.contains(QStringLiteral("batch_input_shape")))
            config.insert(QStringLiteral("batch_shape"), config.take(QStringLiteral("batch_input_shape")));
        config.remove(QStringLiteral("ragged"));
        return ConvertedLayer{outClass, config};
    }
    // The input shape lives in the InputLayer; Keras 3 layers take no shape arguments of their own.
    config.remove(QStringLiteral("batch_input_shape"));
    config.remove(QStringLiteral("input_shape"));
    if (isRecurrent(className)) {
        if (config.value(QStringLiteral("time_major")).toBool())
            *warnings << QStringLiteral("Layer '%1': time_major=True has no Keras 3 equivalent; the option is dropped.")
                             .arg(layerName);
        config.remove(QStringLiteral("time_major"));
    } else if (className == QLatin1String("BatchNormalization")) {
        for (const char *key :
             {"fused", "renorm", "renorm_clipping", "renorm_momentum", "virtual_batch_size", "adjustment"})
            config.remove(QLatin1String(key));
    } else if (className == QLatin1String("LeakyReLU")) {
        if (config.contains(QStringLiteral("alpha")))
            config.insert(QStringLiteral("negative_slope"), config.take(QStringLiteral("alpha")));
    } else if (className == QLatin1String("ThresholdedReLU")) {
        // Keras 3 dropped ThresholdedReLU; ReLU(threshold=θ) is x for x ≥ θ and 0 below.
        outClass = QStringLiteral("ReLU");
        QJsonObject relu;
        for (const char *key : {"name", "trainable", "dtype"})
            if (config.contains(QLatin1String(key)))
                relu.insert(QLatin1String(key), config.value(QLatin1String(key)));
        relu.insert(QStringLiteral("max_value"), QJsonValue());
        relu.insert(QStringLiteral("negative_slope"), 0.0);
        relu.insert(QStringLiteral("threshold"), config.value(QStringLiteral("theta")).toDouble(1.0));
        config = relu;
    } else if (className == QLatin1String("Embedding")) {
        config.remove(QStringLiteral("input_length"));
    } else if (className == QLatin1String("Bidirectional") || className == QLatin1String("TimeDistributed")) {
        for (const QString key : {QStringLiteral("layer"), QStringLiteral("backward_layer")}) {
            if (!config.value(key).isObject())
                continue;
            auto inner = convertWrapped(layerName, config.value(key).toObject(), keras3Source, warnings);
            if (!inner)
                return inner.error();
            config.insert(key, *inner);
        }
    }
    return ConvertedLayer{outClass, config};
}

/** A Keras 2 config numbers a nested model's calls from 1 (its own construction node); Keras 3 args from 0. */
int argsNodeIndex(const ModelSpec &model, const TensorRef &ref, bool keras3Source)
{
    const Layer *producer = model.layer(ref.layer);
    if (keras3Source || !producer || !producer->nestedModel)
        return ref.nodeIndex;
    return std::max(0, ref.nodeIndex - configNodeIndexBase(model, *producer));
}

/** Keras 3 output_layers count a nested Functional's own node again (Sequential has none). */
int outputNodeIndex(const ModelSpec &model, const TensorRef &ref, bool keras3Source)
{
    const Layer *producer = model.layer(ref.layer);
    if (keras3Source || !producer || !producer->nestedModel)
        return ref.nodeIndex;
    const int zeroBased = std::max(0, ref.nodeIndex - configNodeIndexBase(model, *producer));
    return zeroBased + (producer->nestedModel->sequential ? 0 : 1);
}

QJsonValue inputShapeJson(const ModelSpec &model, const Layer &layer)
{
    if (layer.inboundNodes.isEmpty())
        return QJsonValue();
    QJsonArray shapes;
    for (const TensorRef &ref : layer.inboundNodes.front().inputs) {
        Shape shape;
        QString dtype;
        if (!detail::tensorShape(model, ref, &shape, &dtype))
            return QJsonValue();
        shapes.append(batchShapeJson(shape));
    }
    if (shapes.size() == 1)
        return shapes.at(0);
    return shapes;
}

Expected<QJsonObject> modelObject(const ModelSpec &model, bool keras3Source, bool trainable, QStringList *warnings);

Expected<QJsonObject> layerEntry(const ModelSpec &model, const Layer &layer, bool keras3Source, bool functional,
                                 QStringList *warnings)
{
    QJsonObject entry;
    if (layer.nestedModel) {
        auto nested = modelObject(*layer.nestedModel, keras3Source, layer.trainable, warnings);
        if (!nested)
            return makeError(QStringLiteral("nested model '%1': %2").arg(layer.name, nested.errorString()));
        entry = *nested;
        QJsonObject config = entry.value(QStringLiteral("config")).toObject();
        config.insert(QStringLiteral("name"), layer.name);
        entry.insert(QStringLiteral("config"), config);
    } else {
        auto converted = convertLayer(layer.name, layer.className, layer.config, keras3Source, warnings);
        if (!converted)
            return converted.error();
        QJsonObject config = converted->config;
        config.insert(QStringLiteral("name"), layer.name);
        if (!layer.isInput()) // Keras 3's InputLayer takes no `trainable`
            config.insert(QStringLiteral("trainable"), layer.trainable);
        const QJsonValue module = layer.sourceEntry.value(QStringLiteral("module"));
        entry.insert(QStringLiteral("module"), module.isString() && converted->className == layer.className
                                                   ? module
                                                   : QJsonValue(QStringLiteral("keras.layers")));
        entry.insert(QStringLiteral("class_name"), converted->className);
        entry.insert(QStringLiteral("config"), config);
        const QJsonValue registered = layer.sourceEntry.value(QStringLiteral("registered_name"));
        entry.insert(QStringLiteral("registered_name"), registered.isUndefined() ? QJsonValue() : registered);
        if (!layer.supported && !module.isString())
            *warnings << QStringLiteral("Layer '%1': %2 is not a built-in Keras layer; Keras 3 needs its class "
                                        "registered to load the file.")
                             .arg(layer.name, layer.className);
        const QJsonValue inputShape = inputShapeJson(model, layer);
        if (!layer.isInput() && !inputShape.isNull())
            entry.insert(QStringLiteral("build_config"), QJsonObject{{QStringLiteral("input_shape"), inputShape}});
    }
    if (functional) {
        entry.insert(QStringLiteral("name"), layer.name);
        QJsonArray nodes;
        for (const InboundNode &node : layer.inboundNodes) {
            QJsonArray tensors;
            for (const TensorRef &ref : node.inputs)
                tensors.append(detail::kerasTensorJson(model, ref, argsNodeIndex(model, ref, keras3Source)));
            QJsonObject kwargs;
            // Keras 2 kwargs are plain call options (training, mask flags); tensor-valued ones are Keras 3 objects.
            for (auto it = node.kwargs.begin(); it != node.kwargs.end(); ++it)
                if (keras3Source || !it.value().isArray())
                    kwargs.insert(it.key(), it.value());
            nodes.append(QJsonObject{{QStringLiteral("args"), tensors.size() == 1 ? tensors : QJsonArray{tensors}},
                                     {QStringLiteral("kwargs"), kwargs}});
        }
        entry.insert(QStringLiteral("inbound_nodes"), nodes);
    }
    return entry;
}

QJsonObject inputLayerEntry(const ModelSpec &model)
{
    const ModelInput input = model.inputs.value(0);
    // Keep the source's batch dimension (Keras 3 models may fix it, e.g. batch_shape [1, 50]).
    QJsonValue batch;
    const QJsonValue sourceConfig = model.sourceConfig.value(QStringLiteral("config"));
    const QJsonArray sourceLayers = sourceConfig.isArray()
                                        ? sourceConfig.toArray()
                                        : sourceConfig.toObject().value(QStringLiteral("layers")).toArray();
    for (const QJsonValue &first : {sourceLayers.at(0)}) {
        const QJsonObject c = first.toObject().value(QStringLiteral("config")).toObject();
        for (const char *key : {"batch_shape", "batch_input_shape"})
            if (c.value(QLatin1String(key)).isArray())
                batch = c.value(QLatin1String(key)).toArray().at(0);
    }
    QJsonArray shape = batchShapeJson(input.shape);
    shape[0] = batch;
    const QJsonObject config{{QStringLiteral("batch_shape"), shape},
                             {QStringLiteral("dtype"), input.dtype},
                             {QStringLiteral("sparse"), false},
                             {QStringLiteral("name"), input.name}};
    return QJsonObject{{QStringLiteral("module"), QStringLiteral("keras.layers")},
                       {QStringLiteral("class_name"), QStringLiteral("InputLayer")},
                       {QStringLiteral("config"), config},
                       {QStringLiteral("registered_name"), QJsonValue()}};
}

QJsonValue endpoints(const QJsonArray &refs)
{
    // Keras 3 writes a single input or output flat, as the model was built on one tensor.
    return refs.size() == 1 ? refs.at(0) : QJsonValue(refs);
}

Expected<QJsonObject> modelObject(const ModelSpec &model, bool keras3Source, bool trainable, QStringList *warnings)
{
    if (model.inputs.isEmpty())
        return makeError(QStringLiteral("model '%1' has no inputs").arg(model.name));
    QJsonArray layers;
    QJsonObject config{{QStringLiteral("name"), model.name}, {QStringLiteral("trainable"), trainable}};
    if (model.sequential) {
        const QJsonObject input = inputLayerEntry(model);
        layers.append(input);
        for (const Layer &layer : model.layers) {
            auto entry = layerEntry(model, layer, keras3Source, false, warnings);
            if (!entry)
                return entry.error();
            layers.append(*entry);
        }
        const QJsonValue buildShape =
            input.value(QStringLiteral("config")).toObject().value(QStringLiteral("batch_shape"));
        config.insert(QStringLiteral("dtype"), QStringLiteral("float32"));
        config.insert(QStringLiteral("layers"), layers);
        config.insert(QStringLiteral("build_input_shape"), buildShape);
        return QJsonObject{{QStringLiteral("module"), QStringLiteral("keras")},
                           {QStringLiteral("class_name"), QStringLiteral("Sequential")},
                           {QStringLiteral("config"), config},
                           {QStringLiteral("registered_name"), QJsonValue()},
                           {QStringLiteral("build_config"), QJsonObject{{QStringLiteral("input_shape"), buildShape}}}};
    }
    for (const Layer &layer : model.layers) {
        auto entry = layerEntry(model, layer, keras3Source, true, warnings);
        if (!entry)
            return entry.error();
        layers.append(*entry);
    }
    QJsonArray inputs, outputs;
    for (const ModelInput &input : model.inputs)
        inputs.append(QJsonArray{input.name, 0, 0});
    for (const TensorRef &ref : model.outputs)
        outputs.append(QJsonArray{ref.layer, outputNodeIndex(model, ref, keras3Source), ref.tensorIndex});
    config.insert(QStringLiteral("layers"), layers);
    config.insert(QStringLiteral("input_layers"), endpoints(inputs));
    config.insert(QStringLiteral("output_layers"), endpoints(outputs));
    return QJsonObject{{QStringLiteral("module"), functionalModule},
                       {QStringLiteral("class_name"), keras3paths::keras3ClassName(QStringLiteral("Model"))},
                       {QStringLiteral("config"), config},
                       {QStringLiteral("registered_name"), QStringLiteral("Functional")},
                       {QStringLiteral("build_config"), QJsonObject{{QStringLiteral("input_shape"), QJsonValue()}}}};
}

} // namespace

Expected<QJsonObject> keras3Config(const ModelSpec &model, bool keras3Source, QStringList *warnings)
{
    return modelObject(model, keras3Source, true, warnings);
}

} // namespace graft::exportconfig
