// Interpreter: Keras's API — layers, inputs, Sequential and functional models, naming.
#include "core/arch/keraslayercatalog.h"
#include "core/arch/pycodehelpers.h"
#include "core/arch/pycodeinterpreter.h"
#include "core/model/layernaming.h"

#include <QJsonArray>

namespace graft::pycode {

namespace {

const QHash<QString, QString> &mergeClasses()
{
    static const QHash<QString, QString> classes = {{QStringLiteral("concatenate"), QStringLiteral("Concatenate")},
                                                    {QStringLiteral("add"), QStringLiteral("Add")},
                                                    {QStringLiteral("subtract"), QStringLiteral("Subtract")},
                                                    {QStringLiteral("multiply"), QStringLiteral("Multiply")},
                                                    {QStringLiteral("average"), QStringLiteral("Average")},
                                                    {QStringLiteral("maximum"), QStringLiteral("Maximum")},
                                                    {QStringLiteral("minimum"), QStringLiteral("Minimum")},
                                                    {QStringLiteral("dot"), QStringLiteral("Dot")}};
    return classes;
}

/** A config-level call keyword Keras records in inbound nodes (training=False, …). */
bool literalJson(const ValuePtr &v, QJsonValue *out)
{
    switch (v->kind) {
    case Kind::None: *out = QJsonValue(); return true;
    case Kind::Bool: *out = v->boolean; return true;
    case Kind::Int: *out = qint64(v->integer); return true;
    case Kind::Float: *out = v->real; return true;
    case Kind::Str: *out = v->text; return true;
    default: return false;
    }
}

/** Keras 1 spellings Keras 2.0–2.3 still accepted (converting them with a warning): border_mode,
 *  subsample, init, W_regularizer, output_dim, Convolution2D(32, 3, 3), … Returns true when any was found. */
bool convertLegacyArguments(const QString &className, const QString &spelled, std::vector<ValuePtr> &args,
                            std::vector<std::pair<QString, ValuePtr>> &kwargs)
{
    static const QHash<QString, QString> renamed = {
        {QStringLiteral("init"), QStringLiteral("kernel_initializer")},
        {QStringLiteral("W_regularizer"), QStringLiteral("kernel_regularizer")},
        {QStringLiteral("b_regularizer"), QStringLiteral("bias_regularizer")},
        {QStringLiteral("W_constraint"), QStringLiteral("kernel_constraint")},
        {QStringLiteral("b_constraint"), QStringLiteral("bias_constraint")},
        {QStringLiteral("bias"), QStringLiteral("use_bias")},
        {QStringLiteral("border_mode"), QStringLiteral("padding")},
        {QStringLiteral("subsample"), QStringLiteral("strides")},
        {QStringLiteral("subsample_length"), QStringLiteral("strides")},
        {QStringLiteral("nb_filter"), QStringLiteral("filters")},
        {QStringLiteral("filter_length"), QStringLiteral("kernel_size")},
        {QStringLiteral("dim_ordering"), QStringLiteral("data_format")},
        {QStringLiteral("pool_length"), QStringLiteral("pool_size")},
        {QStringLiteral("stride"), QStringLiteral("strides")},
        {QStringLiteral("p"), QStringLiteral("rate")},
        {QStringLiteral("dropout_W"), QStringLiteral("dropout")},
        {QStringLiteral("dropout_U"), QStringLiteral("recurrent_dropout")},
        {QStringLiteral("inner_init"), QStringLiteral("recurrent_initializer")},
        {QStringLiteral("inner_activation"), QStringLiteral("recurrent_activation")},
        {QStringLiteral("U_regularizer"), QStringLiteral("recurrent_regularizer")},
    };
    bool legacy = false;
    ValuePtr rows, cols;
    std::vector<std::pair<QString, ValuePtr>> converted;
    for (auto &[key, value] : kwargs) {
        QString k = key;
        if (key == QLatin1String("output_dim") && className != QLatin1String("Embedding"))
            k = QStringLiteral("units");
        else if (key == QLatin1String("nb_row") || key == QLatin1String("nb_col")) {
            (key == QLatin1String("nb_row") ? rows : cols) = value;
            legacy = true;
            continue;
        } else if (renamed.contains(key) && !(key == QLatin1String("bias") && value->kind != Kind::Bool))
            k = renamed.value(key);
        if (k == QLatin1String("data_format") && value->kind == Kind::Str
            && (value->text == QLatin1String("th") || value->text == QLatin1String("tf")))
            value = strValue(value->text == QLatin1String("th") ? QStringLiteral("channels_first")
                                                                : QStringLiteral("channels_last"));
        legacy = legacy || k != key;
        converted.emplace_back(k, value);
    }
    kwargs = converted;
    if (rows && cols)
        kwargs.emplace_back(QStringLiteral("kernel_size"), sequenceValue(Kind::Tuple, {rows, cols}));
    // Convolution2D(32, 3, 3): filters, rows, cols.
    const bool conv2d = className == QLatin1String("Conv2D") || className == QLatin1String("SeparableConv2D");
    if (conv2d && args.size() >= 3 && isIntegral(args[1]) && isIntegral(args[2])
        && (spelled.startsWith(QLatin1String("Convolution")) || legacy)) {
        std::vector<ValuePtr> rest(args.begin() + 3, args.end());
        args = {args[0], sequenceValue(Kind::Tuple, {args[1], args[2]})};
        args.insert(args.end(), rest.begin(), rest.end());
        legacy = true;
    }
    return legacy;
}

} // namespace

QString Interpreter::nextName(const QString &className)
{
    // tf.keras's backend.unique_object_name: per-session counters by snake_case class name,
    // zero-based for layers and models ("conv2d", "conv2d_1"); InputLayer uses get_uid("input"),
    // one-based ("input_1"). Explicit names do not advance the counters.
    if (className == QLatin1String("InputLayer")) {
        const int n = ++m_nameCounters[QStringLiteral("\ninput")];
        return QStringLiteral("input_%1").arg(n);
    }
    const QString base = kerasSnakeCase(className);
    const int n = m_nameCounters[base]++;
    return n == 0 ? base : QStringLiteral("%1_%2").arg(base).arg(n);
}

ValuePtr Interpreter::tensorValue(const LayerCall::Ref &ref) const
{
    auto t = makeValue(Kind::Tensor);
    t->index = ref.layer;
    t->node = ref.node;
    t->tensor = ref.tensor;
    return t;
}

QString Interpreter::describe(const ValuePtr &value) const
{
    switch (value->kind) {
    case Kind::Unknown: return value->text;
    case Kind::Tensor:
        return QStringLiteral("a Keras tensor (output of '%1')").arg(layers.at(std::size_t(value->index)).name);
    case Kind::Layer: return QStringLiteral("the layer '%1'").arg(layers.at(std::size_t(value->index)).name);
    case Kind::Model: return QStringLiteral("the model '%1'").arg(models.at(std::size_t(value->index)).name);
    case Kind::Function: return QStringLiteral("the function %1").arg(value->text);
    default: return value->text;
    }
}

QJsonValue Interpreter::toJson(const ValuePtr &value, QString *unknownDescription, QString *parameter,
                               QString *problem) const
{
    switch (value->kind) {
    case Kind::None: return QJsonValue();
    case Kind::Bool: return value->boolean;
    case Kind::Int: return qint64(value->integer);
    case Kind::Float: return value->real;
    case Kind::Str: return value->text;
    case Kind::Json: return value->json;
    case Kind::Tuple:
    case Kind::List: {
        QJsonArray a;
        for (const ValuePtr &item : value->items) {
            const QJsonValue v = toJson(item, unknownDescription, parameter, problem);
            if (!unknownDescription->isEmpty() || !problem->isEmpty())
                return QJsonValue();
            a.append(v);
        }
        return a;
    }
    case Kind::Dict: {
        QJsonObject o;
        for (std::size_t i = 0; i < value->items.size(); ++i) {
            const QJsonValue v = toJson(value->items[i], unknownDescription, parameter, problem);
            if (!unknownDescription->isEmpty() || !problem->isEmpty())
                return QJsonValue();
            o.insert(value->keys.at(int(i)), v);
        }
        return o;
    }
    case Kind::Keras:
        if (value->symbol == KerasSymbol::Activation)
            return value->text;
        if (value->symbol == KerasSymbol::Initializer) {
            const auto init = KerasLayerCatalog::initializer(value->text, {});
            if (init)
                return *init;
            *problem = init.errorString();
            return QJsonValue();
        }
        *problem = QStringLiteral("%1 is a Keras class, not a value Graft can write into a config").arg(value->text);
        return QJsonValue();
    case Kind::Layer: {
        const LayerRecord &layer = layers.at(std::size_t(value->index));
        if (!layer.holes.isEmpty()) {
            *unknownDescription = QStringLiteral("the wrapped layer's %1 (%2)")
                                      .arg(layer.holes.keys().join(QStringLiteral(", ")),
                                           layer.holes.values().join(QStringLiteral("; ")));
            *parameter = layer.holeParameters.isEmpty() ? QString() : layer.holeParameters.values().front();
            return QJsonValue();
        }
        if (!layer.unsupported.isEmpty()) {
            *problem = layer.unsupported;
            return QJsonValue();
        }
        return QJsonObject{{QStringLiteral("class_name"), layer.className}, {QStringLiteral("config"), layer.config}};
    }
    case Kind::Unknown:
        *unknownDescription = value->text;
        *parameter = value->parameter;
        return QJsonValue();
    case Kind::Module:
        *unknownDescription = QStringLiteral("`%1` (from a module Graft does not read)").arg(value->text);
        *parameter = value->text.section(QLatin1Char('.'), -1);
        return QJsonValue();
    case Kind::Instance:
        *unknownDescription = QStringLiteral("an object of class %1").arg(value->text);
        return QJsonValue();
    case Kind::Function:
        *problem = QStringLiteral("%1 is a function defined in the code (a custom activation?), which a Keras config "
                                  "cannot name")
                       .arg(value->text);
        return QJsonValue();
    default:
        *problem = QStringLiteral("%1 cannot be written into a Keras config").arg(describe(value));
        return QJsonValue();
    }
}

void Interpreter::setConfigValue(LayerRecord &layer, const QString &key, const ValuePtr &value, int line)
{
    const KerasLayerClass *cls = KerasLayerCatalog::find(layer.className);
    const KerasParam *param = cls ? cls->param(key) : nullptr;
    if (!param)
        return;
    QString unknown, parameter, problem;
    const QJsonValue json = toJson(value, &unknown, &parameter, &problem);
    layer.givenKeys << key;
    if (value->kind == Kind::Layer)
        layers.at(std::size_t(value->index)).wrapped = true;
    if (!unknown.isEmpty()) {
        layer.holes.insert(key, unknown);
        if (!parameter.isEmpty())
            layer.holeParameters.insert(key, parameter);
        layer.config.insert(key, QJsonValue());
        return;
    }
    if (!problem.isEmpty()) {
        errors << QStringLiteral("line %1: %2(%3=…): %4").arg(line).arg(layer.className, key, problem);
        return;
    }
    const auto normalized = KerasLayerCatalog::normalize(layer.className, *param, json);
    if (!normalized) {
        errors << QStringLiteral("line %1: %2").arg(line).arg(normalized.errorString());
        return;
    }
    layer.config.insert(key, *normalized);
}

ValuePtr Interpreter::createLayer(const QString &className, std::vector<ValuePtr> args,
                                  std::vector<std::pair<QString, ValuePtr>> kwargs, int line, const QString &spelled)
{
    if (convertLegacyArguments(className, spelled, args, kwargs))
        notes << QStringLiteral("line %1: %2(…) uses Keras 1 arguments; read as Keras 2 converts them")
                     .arg(line)
                     .arg(spelled);
    LayerRecord layer;
    layer.className = className;
    layer.line = line;
    layer.inputShape = QJsonValue(QJsonValue::Undefined);
    const KerasLayerClass *cls = KerasLayerCatalog::find(className);
    QString explicitName;
    if (const ValuePtr name = argument({}, kwargs, -1, QStringLiteral("name")); name && name->kind == Kind::Str)
        explicitName = name->text;
    if (!cls) {
        layer.unsupported = QStringLiteral("line %1: %2 is a Keras layer Graft cannot write a config for (yet)")
                                .arg(line)
                                .arg(className);
    } else {
        layer.config = KerasLayerCatalog::defaultConfig(className, QString());
        for (std::size_t i = 0; i < args.size(); ++i) {
            if (int(i) >= cls->params.size()) {
                errors << QStringLiteral("line %1: %2 takes at most %3 positional arguments, %4 given")
                              .arg(line)
                              .arg(className)
                              .arg(cls->params.size())
                              .arg(args.size());
                break;
            }
            setConfigValue(layer, cls->params.at(int(i)).name, args[i], line);
        }
        for (const auto &[key, value] : kwargs) {
            QString unknown, parameter, problem;
            if (cls->param(key)) {
                setConfigValue(layer, key, value, line);
            } else if (key == QLatin1String("input_shape") || key == QLatin1String("batch_input_shape")
                       || key == QLatin1String("batch_shape") || key == QLatin1String("input_dim")
                       || (key == QLatin1String("input_length") && !cls->param(key))) {
                const QJsonValue json = toJson(value, &unknown, &parameter, &problem);
                if (!unknown.isEmpty()) {
                    layer.inputShapeHole = QStringLiteral("%1 (%2)").arg(key, unknown);
                } else if (key == QLatin1String("input_shape") && json.isArray()) {
                    QJsonArray dims{QJsonValue()};
                    for (const QJsonValue &d : json.toArray())
                        dims.append(d);
                    layer.inputShape = dims;
                } else if (key == QLatin1String("input_shape") && json.isDouble()) {
                    layer.inputShape = QJsonArray{QJsonValue(), json};
                } else if (key == QLatin1String("input_dim") && json.isDouble()) {
                    layer.inputShape = QJsonArray{QJsonValue(), json};
                } else if (json.isArray()) {
                    layer.inputShape = json;
                } else {
                    errors << QStringLiteral("line %1: %2(%3=…) is not a shape").arg(line).arg(className, key);
                }
            } else if (key == QLatin1String("trainable") || key == QLatin1String("dtype")) {
                const QJsonValue json = toJson(value, &unknown, &parameter, &problem);
                if (unknown.isEmpty() && problem.isEmpty() && (json.isBool() || json.isString())) {
                    layer.config.insert(key, json);
                    layer.givenKeys << key;
                }
            } else if (key != QLatin1String("name")) {
                notes << QStringLiteral("line %1: %2 has no argument '%3' in Keras 2; it was ignored")
                             .arg(line)
                             .arg(className, key);
            }
        }
        if (className == QLatin1String("Embedding") && layer.inputShape.isUndefined()
            && layer.config.value(QStringLiteral("input_length")).isDouble())
            layer.inputShape = QJsonArray{QJsonValue(), layer.config.value(QStringLiteral("input_length"))};
        for (const KerasParam &p : cls->params)
            if (p.required() && !layer.givenKeys.contains(p.name))
                errors << QStringLiteral("line %1: %2 is created without its required argument '%3'")
                              .arg(line)
                              .arg(className, p.name);
        KerasLayerCatalog::completeConfig(className, layer.config);
    }
    layer.name = explicitName.isEmpty() ? nextName(className) : explicitName;
    layer.config.insert(QStringLiteral("name"), layer.name);
    layers.push_back(layer);
    auto v = makeValue(Kind::Layer);
    v->index = int(layers.size()) - 1;
    return v;
}

ValuePtr Interpreter::createInput(const std::vector<ValuePtr> &args,
                                  const std::vector<std::pair<QString, ValuePtr>> &kwargs, int line, bool layerForm)
{
    const QStringList order =
        layerForm ? QStringList{QStringLiteral("input_shape"),  QStringLiteral("batch_size"), QStringLiteral("dtype"),
                                QStringLiteral("input_tensor"), QStringLiteral("sparse"),     QStringLiteral("name"),
                                QStringLiteral("ragged")}
                  : QStringList{QStringLiteral("shape"), QStringLiteral("batch_size"), QStringLiteral("name"),
                                QStringLiteral("dtype"), QStringLiteral("sparse"),     QStringLiteral("tensor"),
                                QStringLiteral("ragged")};
    auto arg = [&](const QString &name) { return argument(args, kwargs, int(order.indexOf(name)), name); };
    LayerRecord layer;
    layer.className = QStringLiteral("InputLayer");
    layer.line = line;
    layer.config = KerasLayerCatalog::defaultConfig(layer.className, QString());
    const ValuePtr name = arg(QStringLiteral("name"));
    const ValuePtr shape = arg(layerForm ? QStringLiteral("input_shape") : QStringLiteral("shape"));
    ValuePtr batchShape = argument({}, kwargs, -1, QStringLiteral("batch_shape"));
    if (!batchShape)
        batchShape = argument({}, kwargs, -1, QStringLiteral("batch_input_shape"));
    const ValuePtr batchSize = arg(QStringLiteral("batch_size"));
    QString unknown, parameter, problem;
    if (batchShape || shape) {
        const QJsonValue json = toJson(batchShape ? batchShape : shape, &unknown, &parameter, &problem);
        if (!unknown.isEmpty()) {
            layer.holes.insert(
                QStringLiteral("batch_input_shape"),
                QStringLiteral("the input shape depends on %1, which cannot be evaluated; give it with --input-shape")
                    .arg(unknown));
            if (!parameter.isEmpty())
                layer.holeParameters.insert(QStringLiteral("batch_input_shape"), parameter);
        } else if (json.isArray() || json.isDouble()) {
            QJsonArray dims;
            if (!batchShape)
                dims.append(batchSize && isIntegral(batchSize) ? QJsonValue(qint64(integerOf(batchSize)))
                                                               : QJsonValue());
            for (const QJsonValue &d : json.isArray() ? json.toArray() : QJsonArray{json})
                dims.append(d);
            layer.config.insert(QStringLiteral("batch_input_shape"), dims);
            layer.givenKeys << QStringLiteral("batch_input_shape");
        } else {
            errors << QStringLiteral("line %1: the input shape given to %2 is not a tuple of integers")
                          .arg(line)
                          .arg(layerForm ? QStringLiteral("InputLayer") : QStringLiteral("Input"));
        }
    } else {
        layer.holes.insert(QStringLiteral("batch_input_shape"),
                           QStringLiteral("the Input has no shape in the code; give it with --input-shape"));
    }
    if (const ValuePtr dtype = arg(QStringLiteral("dtype")); dtype && dtype->kind == Kind::Str)
        layer.config.insert(QStringLiteral("dtype"), dtype->text);
    for (const QString &flag : {QStringLiteral("sparse"), QStringLiteral("ragged")})
        if (const ValuePtr v = arg(flag); v && v->kind == Kind::Bool)
            layer.config.insert(flag, v->boolean);
    layer.name = name && name->kind == Kind::Str ? name->text : nextName(layer.className);
    layer.config.insert(QStringLiteral("name"), layer.name);
    layers.push_back(layer);
    const int index = int(layers.size()) - 1;
    if (layerForm) {
        auto v = makeValue(Kind::Layer);
        v->index = index;
        return v;
    }
    return tensorValue({index, 0, 0});
}

int Interpreter::implicitInput(const ValuePtr &unknown, int line)
{
    const QString key = unknown->parameter.isEmpty() ? unknown->text : unknown->parameter;
    if (const auto it = m_implicitInputs.constFind(key); it != m_implicitInputs.constEnd())
        return *it;
    LayerRecord layer;
    layer.className = QStringLiteral("InputLayer");
    layer.line = line;
    layer.config = KerasLayerCatalog::defaultConfig(layer.className, QString());
    layer.name = nextName(layer.className);
    layer.config.insert(QStringLiteral("name"), layer.name);
    layer.holes.insert(
        QStringLiteral("batch_input_shape"),
        QStringLiteral("%1 is used as the model's input tensor; give its shape with --input-shape").arg(unknown->text));
    if (!unknown->parameter.isEmpty())
        layer.holeParameters.insert(QStringLiteral("batch_input_shape"), unknown->parameter);
    layers.push_back(layer);
    const int index = int(layers.size()) - 1;
    m_implicitInputs.insert(key, index);
    notes << QStringLiteral("line %1: %2 is used as the model's input tensor: it becomes the input layer '%3'")
                 .arg(line)
                 .arg(unknown->text, layer.name);
    return index;
}

bool Interpreter::tensorsOf(const ValuePtr &value, std::vector<LayerCall::Ref> *refs, int line, const QString &what)
{
    switch (value->kind) {
    case Kind::Tensor: refs->push_back({value->index, value->node, value->tensor}); return true;
    case Kind::Tuple:
    case Kind::List:
        for (const ValuePtr &item : value->items)
            if (!tensorsOf(item, refs, line, what))
                return false;
        return true;
    case Kind::Unknown:
        if (value->reported)
            return false; // its cause is reported once, where it happened
        if (value->unknown == UnknownKind::TensorOp || value->unknown == UnknownKind::Foreign) {
            errors << QStringLiteral("line %1: `%2` is applied to %3").arg(line).arg(what, value->text);
            return false;
        }
        refs->push_back({implicitInput(value, line), 0, 0});
        return true;
    case Kind::Layer:
        errors << QStringLiteral("line %1: `%2` gets %3 where a tensor is expected (a layer that was never called?)")
                      .arg(line)
                      .arg(what, describe(value));
        return false;
    default:
        errors << QStringLiteral("line %1: `%2` gets %3, which is not a Keras tensor")
                      .arg(line)
                      .arg(what, describe(value));
        return false;
    }
}

ValuePtr Interpreter::callLayer(int index, const std::vector<ValuePtr> &args,
                                const std::vector<std::pair<QString, ValuePtr>> &kwargs, const QJsonObject &node)
{
    const int line = lineOf(node);
    if (layers.at(std::size_t(index)).className == QLatin1String("InputLayer")) {
        errors << QStringLiteral("line %1: `%2` calls an InputLayer").arg(line).arg(snippet(node));
        return unknownValue(UnknownKind::Foreign, snippet(node), line);
    }
    const ValuePtr inputs = argument(args, kwargs, 0, QStringLiteral("inputs"));
    if (!inputs) {
        errors << QStringLiteral("line %1: `%2` calls a layer without inputs").arg(line).arg(snippet(node));
        return unknownValue(UnknownKind::Foreign, snippet(node), line);
    }
    LayerCall call;
    call.line = line;
    if (!tensorsOf(inputs, &call.inputs, line, snippet(node))) {
        auto failed =
            unknownValue(UnknownKind::Foreign, QStringLiteral("`%1` (see the error above)").arg(snippet(node)), line);
        failed->reported = true;
        return failed;
    }
    for (const auto &[key, value] : kwargs) {
        QJsonValue json;
        if (key != QLatin1String("inputs") && literalJson(value, &json))
            call.kwargs.insert(key, json);
    }
    LayerRecord &layer = layers.at(std::size_t(index));
    layer.calls.push_back(call);
    const int nodeIndex = int(layer.calls.size()) - 1;
    const int count = KerasLayerCatalog::outputCount(layer.className, layer.config);
    if (count == 1)
        return tensorValue({index, nodeIndex, 0});
    std::vector<ValuePtr> outputs;
    for (int t = 0; t < count; ++t)
        outputs.push_back(tensorValue({index, nodeIndex, t}));
    return sequenceValue(Kind::List, std::move(outputs));
}

ValuePtr Interpreter::callKeras(const ValuePtr &symbol, const std::vector<ValuePtr> &args,
                                const std::vector<std::pair<QString, ValuePtr>> &kwargs, const QJsonObject &node)
{
    const int line = lineOf(node);
    switch (symbol->symbol) {
    case KerasSymbol::LayerClass:
        if (symbol->text == QLatin1String("InputLayer"))
            return createInput(args, kwargs, line, true);
        return createLayer(symbol->text, args, kwargs, line, symbol->spelled);
    case KerasSymbol::Input: return createInput(args, kwargs, line, false);
    case KerasSymbol::Sequential: return createSequential(args, kwargs, line);
    case KerasSymbol::Model: return createFunctional(args, kwargs, line);
    case KerasSymbol::MergeFunction: {
        std::vector<std::pair<QString, ValuePtr>> layerKwargs;
        for (const auto &kv : kwargs)
            if (kv.first != QLatin1String("inputs"))
                layerKwargs.push_back(kv);
        const ValuePtr layer = createLayer(mergeClasses().value(symbol->text), {}, layerKwargs, line);
        const ValuePtr inputs = argument(args, kwargs, 0, QStringLiteral("inputs"));
        return callLayer(layer->index, inputs ? std::vector<ValuePtr>{inputs} : std::vector<ValuePtr>{}, {}, node);
    }
    case KerasSymbol::Initializer:
    case KerasSymbol::Regularizer:
    case KerasSymbol::Constraint: {
        QJsonObject arguments;
        QString unknown, parameter, problem;
        for (std::size_t i = 0; i < args.size(); ++i)
            arguments.insert(QString::number(i), toJson(args[i], &unknown, &parameter, &problem));
        for (const auto &[k, v] : kwargs)
            arguments.insert(k, toJson(v, &unknown, &parameter, &problem));
        if (!unknown.isEmpty() || !problem.isEmpty()) {
            notes << QStringLiteral("line %1: `%2` cannot be evaluated; Keras's default is used instead")
                         .arg(line)
                         .arg(snippet(node));
            return noneValue();
        }
        const auto json =
            symbol->symbol == KerasSymbol::Initializer   ? KerasLayerCatalog::initializer(symbol->text, arguments)
            : symbol->symbol == KerasSymbol::Regularizer ? KerasLayerCatalog::regularizer(symbol->text, arguments)
                                                         : KerasLayerCatalog::constraint(symbol->text, arguments);
        if (!json) {
            notes << QStringLiteral("line %1: `%2`: %3; ignored").arg(line).arg(snippet(node), json.errorString());
            return noneValue();
        }
        auto v = makeValue(Kind::Json);
        v->json = *json;
        return v;
    }
    case KerasSymbol::Activation:
        return unknownValue(UnknownKind::TensorOp,
                            QStringLiteral("`%1`, an activation applied as a TensorFlow function (use "
                                           "layers.Activation)")
                                .arg(snippet(node)),
                            line);
    case KerasSymbol::ClearSession:
        m_nameCounters.clear(); // a fresh session restarts Keras's automatic names
        return noneValue();
    case KerasSymbol::Application:
        return unknownValue(UnknownKind::Foreign,
                            QStringLiteral("`%1`, a pre-built keras.applications model that Graft "
                                           "cannot rebuild from code (save the model with model.save() or "
                                           "its architecture with model.to_json())")
                                .arg(snippet(node)),
                            line);
    case KerasSymbol::BaseLayer:
    case KerasSymbol::BaseModel: return unknownValue(UnknownKind::Foreign, snippet(node), line);
    }
    return unknownValue(UnknownKind::External, snippet(node), line);
}

} // namespace graft::pycode
