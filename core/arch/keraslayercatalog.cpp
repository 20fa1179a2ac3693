#include "core/arch/keraslayercatalog.h"
#include "core/common/jsonnumbers.h"

#include <QHash>
#include <QJsonArray>

namespace graft {

namespace {

const QJsonValue required = QJsonValue(QJsonValue::Undefined);
const QStringList paddings = {QStringLiteral("valid"), QStringLiteral("same")};
const QStringList convPaddings = {QStringLiteral("valid"), QStringLiteral("same"), QStringLiteral("causal")};
const QStringList dataFormats = {QStringLiteral("channels_last"), QStringLiteral("channels_first")};

KerasParam p(const char *name, FieldKind kind, QJsonValue def, bool computational = false, int rank = 0,
             QStringList choices = {})
{
    KerasParam param;
    param.name = QLatin1String(name);
    param.kind = kind;
    param.defaultValue = def;
    param.computational = computational;
    param.tupleRank = rank;
    param.choices = std::move(choices);
    return param;
}

QJsonValue init(const char *className, QJsonObject config = {})
{
    return QJsonObject{{QStringLiteral("class_name"), QLatin1String(className)}, {QStringLiteral("config"), config}};
}

QJsonObject seedOnly()
{
    return QJsonObject{{QStringLiteral("seed"), QJsonValue()}};
}

QJsonArray repeated(qint64 value, int n)
{
    QJsonArray a;
    for (int i = 0; i < n; ++i)
        a.append(value);
    return a;
}

// Weights, bias and activity options shared by the kernel layers.
QVector<KerasParam> kernelOptions(const char *kernel = "kernel")
{
    const QString k = QLatin1String(kernel);
    return {
        p("use_bias", FieldKind::Bool, true, true),
        p(qPrintable(k + QStringLiteral("_initializer")), FieldKind::Initializer, init("GlorotUniform", seedOnly())),
        p("bias_initializer", FieldKind::Initializer, init("Zeros")),
        p(qPrintable(k + QStringLiteral("_regularizer")), FieldKind::Regularizer, QJsonValue()),
        p("bias_regularizer", FieldKind::Regularizer, QJsonValue()),
        p("activity_regularizer", FieldKind::Regularizer, QJsonValue()),
        p(qPrintable(k + QStringLiteral("_constraint")), FieldKind::Constraint, QJsonValue()),
        p("bias_constraint", FieldKind::Constraint, QJsonValue()),
    };
}

KerasLayerClass convClass(const char *name, int rank, bool withFilters)
{
    const QString cls = QLatin1String(name);
    const bool depthwise = cls.startsWith(QLatin1String("Depthwise"));
    const bool separable = cls.startsWith(QLatin1String("Separable"));
    KerasLayerClass c{cls, {}, true};
    if (withFilters)
        c.params << p("filters", FieldKind::Int, required, true);
    c.params << p("kernel_size", FieldKind::IntTuple, required, true, rank)
             << p("strides", FieldKind::IntTuple, repeated(1, rank), true, rank)
             << p("padding", FieldKind::Choice, QStringLiteral("valid"), true, 0, rank == 1 ? convPaddings : paddings);
    if (depthwise)
        c.params << p("depth_multiplier", FieldKind::Int, 1, true);
    c.params << p("data_format", FieldKind::Choice, QStringLiteral("channels_last"), true, 0, dataFormats)
             << p("dilation_rate", FieldKind::IntTuple, repeated(1, rank), true, rank);
    if (separable)
        c.params << p("depth_multiplier", FieldKind::Int, 1, true);
    if (!depthwise && !separable)
        c.params << p("groups", FieldKind::Int, 1, true);
    c.params << p("activation", FieldKind::Activation, QStringLiteral("linear"), true);
    if (depthwise) {
        c.params << p("use_bias", FieldKind::Bool, true, true)
                 << p("depthwise_initializer", FieldKind::Initializer, init("GlorotUniform", seedOnly()))
                 << p("bias_initializer", FieldKind::Initializer, init("Zeros"))
                 << p("depthwise_regularizer", FieldKind::Regularizer, QJsonValue())
                 << p("bias_regularizer", FieldKind::Regularizer, QJsonValue())
                 << p("activity_regularizer", FieldKind::Regularizer, QJsonValue())
                 << p("depthwise_constraint", FieldKind::Constraint, QJsonValue())
                 << p("bias_constraint", FieldKind::Constraint, QJsonValue());
    } else if (separable) {
        c.params << p("use_bias", FieldKind::Bool, true, true);
        for (const char *k : {"depthwise", "pointwise"})
            c.params << p(qPrintable(QLatin1String(k) + QStringLiteral("_initializer")), FieldKind::Initializer,
                          init("GlorotUniform", seedOnly()));
        c.params << p("bias_initializer", FieldKind::Initializer, init("Zeros"));
        for (const char *k : {"depthwise", "pointwise", "bias", "activity"})
            c.params << p(qPrintable(QLatin1String(k) + QStringLiteral("_regularizer")), FieldKind::Regularizer,
                          QJsonValue());
        for (const char *k : {"depthwise", "pointwise", "bias"})
            c.params << p(qPrintable(QLatin1String(k) + QStringLiteral("_constraint")), FieldKind::Constraint,
                          QJsonValue());
    } else {
        c.params << kernelOptions();
    }
    return c;
}

KerasLayerClass poolClass(const char *name, int rank)
{
    return {QLatin1String(name),
            {p("pool_size", FieldKind::IntTuple, repeated(2, rank), true, rank),
             p("strides", FieldKind::IntTuple, QJsonValue(), true, rank),
             p("padding", FieldKind::Choice, QStringLiteral("valid"), true, 0, paddings),
             p("data_format", FieldKind::Choice, QStringLiteral("channels_last"), true, 0, dataFormats)},
            false};
}

KerasLayerClass recurrentClass(const char *name)
{
    const QString cls = QLatin1String(name);
    const bool lstm = cls == QLatin1String("LSTM");
    const bool gru = cls == QLatin1String("GRU");
    KerasLayerClass c{cls,
                      {p("units", FieldKind::Int, required, true),
                       p("activation", FieldKind::Activation, QStringLiteral("tanh"), true)},
                      true};
    if (lstm || gru)
        c.params << p("recurrent_activation", FieldKind::Activation, QStringLiteral("sigmoid"), true);
    c.params << p("use_bias", FieldKind::Bool, true, true)
             << p("kernel_initializer", FieldKind::Initializer, init("GlorotUniform", seedOnly()))
             << p("recurrent_initializer", FieldKind::Initializer,
                  init("Orthogonal", {{QStringLiteral("gain"), 1.0}, {QStringLiteral("seed"), QJsonValue()}}))
             << p("bias_initializer", FieldKind::Initializer, init("Zeros"));
    if (lstm)
        c.params << p("unit_forget_bias", FieldKind::Bool, true);
    for (const char *k : {"kernel", "recurrent", "bias", "activity"})
        c.params << p(qPrintable(QLatin1String(k) + QStringLiteral("_regularizer")), FieldKind::Regularizer,
                      QJsonValue());
    for (const char *k : {"kernel", "recurrent", "bias"})
        c.params << p(qPrintable(QLatin1String(k) + QStringLiteral("_constraint")), FieldKind::Constraint,
                      QJsonValue());
    c.params << p("dropout", FieldKind::Float, 0.0) << p("recurrent_dropout", FieldKind::Float, 0.0);
    if (lstm || gru)
        c.params << p("implementation", FieldKind::Int, 2);
    c.params << p("return_sequences", FieldKind::Bool, false, true) << p("return_state", FieldKind::Bool, false, true)
             << p("go_backwards", FieldKind::Bool, false, true) << p("stateful", FieldKind::Bool, false)
             << p("unroll", FieldKind::Bool, false) << p("time_major", FieldKind::Bool, false, true);
    if (gru)
        c.params << p("reset_after", FieldKind::Bool, true, true);
    return c;
}

QVector<KerasLayerClass> buildClasses()
{
    const QJsonValue zeros2 = QJsonArray{QJsonArray{0, 0}, QJsonArray{0, 0}};
    const QJsonValue ones2 = QJsonArray{QJsonArray{1, 1}, QJsonArray{1, 1}};
    const QVector<KerasParam> normalizationOptions = {p("beta_initializer", FieldKind::Initializer, init("Zeros")),
                                                      p("gamma_initializer", FieldKind::Initializer, init("Ones"))};
    QVector<KerasLayerClass> classes = {
        {QStringLiteral("InputLayer"), {}, false},
        {QStringLiteral("Dense"),
         QVector<KerasParam>{p("units", FieldKind::Int, required, true),
                             p("activation", FieldKind::Activation, QStringLiteral("linear"), true)}
             + kernelOptions(),
         true},
        convClass("Conv1D", 1, true),
        convClass("Conv2D", 2, true),
        convClass("DepthwiseConv2D", 2, false),
        convClass("SeparableConv1D", 1, true),
        convClass("SeparableConv2D", 2, true),
        poolClass("MaxPooling1D", 1),
        poolClass("MaxPooling2D", 2),
        poolClass("AveragePooling1D", 1),
        poolClass("AveragePooling2D", 2),
        {QStringLiteral("Flatten"),
         {p("data_format", FieldKind::Choice, QStringLiteral("channels_last"), true, 0, dataFormats)},
         false},
        {QStringLiteral("Dropout"),
         {p("rate", FieldKind::Float, required), p("noise_shape", FieldKind::IntList, QJsonValue()),
          p("seed", FieldKind::OptionalInt, QJsonValue())},
         false},
        {QStringLiteral("SpatialDropout1D"), {p("rate", FieldKind::Float, required)}, false},
        {QStringLiteral("SpatialDropout2D"),
         {p("rate", FieldKind::Float, required),
          p("data_format", FieldKind::Choice, QStringLiteral("channels_last"), true, 0, dataFormats)},
         false},
        {QStringLiteral("AlphaDropout"),
         {p("rate", FieldKind::Float, required), p("noise_shape", FieldKind::IntList, QJsonValue()),
          p("seed", FieldKind::OptionalInt, QJsonValue())},
         false},
        {QStringLiteral("GaussianNoise"), {p("stddev", FieldKind::Float, required)}, false},
        {QStringLiteral("GaussianDropout"), {p("rate", FieldKind::Float, required)}, false},
        {QStringLiteral("ActivityRegularization"),
         {p("l1", FieldKind::Float, 0.0), p("l2", FieldKind::Float, 0.0)},
         false},
        {QStringLiteral("Activation"), {p("activation", FieldKind::Activation, required, true)}, false},
        {QStringLiteral("LeakyReLU"), {p("alpha", FieldKind::Float, 0.3, true)}, false},
        {QStringLiteral("ELU"), {p("alpha", FieldKind::Float, 1.0, true)}, false},
        {QStringLiteral("ThresholdedReLU"), {p("theta", FieldKind::Float, 1.0, true)}, false},
        {QStringLiteral("ReLU"),
         {p("max_value", FieldKind::OptionalFloat, QJsonValue(), true),
          p("negative_slope", FieldKind::Float, 0.0, true), p("threshold", FieldKind::Float, 0.0, true)},
         false},
        {QStringLiteral("Softmax"), {p("axis", FieldKind::Axis, -1, true)}, false},
        {QStringLiteral("PReLU"),
         {p("alpha_initializer", FieldKind::Initializer, init("Zeros")),
          p("alpha_regularizer", FieldKind::Regularizer, QJsonValue()),
          p("alpha_constraint", FieldKind::Constraint, QJsonValue()),
          p("shared_axes", FieldKind::IntList, QJsonValue(), true)},
         true},
        {QStringLiteral("BatchNormalization"),
         QVector<KerasParam>{p("axis", FieldKind::Axis, -1, true), p("momentum", FieldKind::Float, 0.99),
                             p("epsilon", FieldKind::Float, 0.001, true), p("center", FieldKind::Bool, true, true),
                             p("scale", FieldKind::Bool, true, true)}
             + normalizationOptions
             + QVector<KerasParam>{p("moving_mean_initializer", FieldKind::Initializer, init("Zeros")),
                                   p("moving_variance_initializer", FieldKind::Initializer, init("Ones")),
                                   p("beta_regularizer", FieldKind::Regularizer, QJsonValue()),
                                   p("gamma_regularizer", FieldKind::Regularizer, QJsonValue()),
                                   p("beta_constraint", FieldKind::Constraint, QJsonValue()),
                                   p("gamma_constraint", FieldKind::Constraint, QJsonValue())},
         true},
        {QStringLiteral("LayerNormalization"),
         QVector<KerasParam>{p("axis", FieldKind::Axis, -1, true), p("epsilon", FieldKind::Float, 0.001, true),
                             p("center", FieldKind::Bool, true, true), p("scale", FieldKind::Bool, true, true)}
             + normalizationOptions
             + QVector<KerasParam>{p("beta_regularizer", FieldKind::Regularizer, QJsonValue()),
                                   p("gamma_regularizer", FieldKind::Regularizer, QJsonValue()),
                                   p("beta_constraint", FieldKind::Constraint, QJsonValue()),
                                   p("gamma_constraint", FieldKind::Constraint, QJsonValue())},
         true},
        {QStringLiteral("Embedding"),
         {p("input_dim", FieldKind::Int, required, true), p("output_dim", FieldKind::Int, required, true),
          p("embeddings_initializer", FieldKind::Initializer,
            init("RandomUniform", {{QStringLiteral("minval"), -0.05},
                                   {QStringLiteral("maxval"), 0.05},
                                   {QStringLiteral("seed"), QJsonValue()}})),
          p("embeddings_regularizer", FieldKind::Regularizer, QJsonValue()),
          p("activity_regularizer", FieldKind::Regularizer, QJsonValue()),
          p("embeddings_constraint", FieldKind::Constraint, QJsonValue()), p("mask_zero", FieldKind::Bool, false, true),
          p("input_length", FieldKind::OptionalInt, QJsonValue(), true)},
         true},
        recurrentClass("SimpleRNN"),
        recurrentClass("LSTM"),
        recurrentClass("GRU"),
        {QStringLiteral("Bidirectional"),
         {p("layer", FieldKind::WrappedLayer, required, true),
          p("merge_mode", FieldKind::Choice, QStringLiteral("concat"), true, 0,
            {QStringLiteral("concat"), QStringLiteral("sum"), QStringLiteral("mul"), QStringLiteral("ave")}),
          p("weights", FieldKind::IntList, QJsonValue()),
          p("backward_layer", FieldKind::WrappedLayer, QJsonValue(), true)},
         true},
        {QStringLiteral("TimeDistributed"), {p("layer", FieldKind::WrappedLayer, required, true)}, true},
        {QStringLiteral("Reshape"), {p("target_shape", FieldKind::IntList, required, true)}, false},
        {QStringLiteral("Permute"), {p("dims", FieldKind::IntList, required, true)}, false},
        {QStringLiteral("RepeatVector"), {p("n", FieldKind::Int, required, true)}, false},
        {QStringLiteral("ZeroPadding1D"), {p("padding", FieldKind::Padding, QJsonArray{1, 1}, true, 1)}, false},
        {QStringLiteral("ZeroPadding2D"),
         {p("padding", FieldKind::Padding, ones2, true, 2),
          p("data_format", FieldKind::Choice, QStringLiteral("channels_last"), true, 0, dataFormats)},
         false},
        {QStringLiteral("Cropping1D"), {p("cropping", FieldKind::Padding, QJsonArray{1, 1}, true, 1)}, false},
        {QStringLiteral("Cropping2D"),
         {p("cropping", FieldKind::Padding, zeros2, true, 2),
          p("data_format", FieldKind::Choice, QStringLiteral("channels_last"), true, 0, dataFormats)},
         false},
        {QStringLiteral("UpSampling1D"), {p("size", FieldKind::Int, 2, true)}, false},
        {QStringLiteral("UpSampling2D"),
         {p("size", FieldKind::IntTuple, repeated(2, 2), true, 2),
          p("data_format", FieldKind::Choice, QStringLiteral("channels_last"), true, 0, dataFormats),
          p("interpolation", FieldKind::Choice, QStringLiteral("nearest"), true, 0,
            {QStringLiteral("nearest"), QStringLiteral("bilinear")})},
         false},
        {QStringLiteral("Concatenate"), {p("axis", FieldKind::Int, -1, true)}, false},
        {QStringLiteral("Dot"),
         {p("axes", FieldKind::Axis, required, true), p("normalize", FieldKind::Bool, false, true)},
         false},
        {QStringLiteral("Rescaling"),
         {p("scale", FieldKind::Float, required, true), p("offset", FieldKind::Float, 0.0, true)},
         false},
    };
    for (const char *name :
         {"GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D"})
        classes.append({QLatin1String(name),
                        {p("data_format", FieldKind::Choice, QStringLiteral("channels_last"), true, 0, dataFormats),
                         p("keepdims", FieldKind::Bool, false, true)},
                        false});
    for (const char *name : {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"})
        classes.append({QLatin1String(name), {}, false});
    return classes;
}

const QHash<QString, KerasLayerClass> &classTable()
{
    static const QHash<QString, KerasLayerClass> table = [] {
        QHash<QString, KerasLayerClass> t;
        for (const KerasLayerClass &c : buildClasses())
            t.insert(c.className, c);
        return t;
    }();
    return table;
}

// Optional keys Keras added late (Conv groups in 2.3/2.4, global pooling keepdims in 2.6): written
// only when not at their default, so older tf.keras versions can still read the JSON.
bool omittedWhenDefault(const QString &key)
{
    return key == QLatin1String("groups") || key == QLatin1String("keepdims") || key == QLatin1String("weights")
           || key == QLatin1String("backward_layer");
}

} // namespace

const KerasParam *KerasLayerClass::param(const QString &name) const
{
    for (const KerasParam &p : params)
        if (p.name == name)
            return &p;
    return nullptr;
}

const KerasLayerClass *KerasLayerCatalog::find(const QString &className)
{
    const auto it = classTable().constFind(className);
    return it == classTable().constEnd() ? nullptr : &*it;
}

QString KerasLayerCatalog::canonicalClassName(const QString &nameOrAlias)
{
    static const QHash<QString, QString> aliases = {
        {QStringLiteral("Convolution1D"), QStringLiteral("Conv1D")},
        {QStringLiteral("Convolution2D"), QStringLiteral("Conv2D")},
        {QStringLiteral("SeparableConvolution1D"), QStringLiteral("SeparableConv1D")},
        {QStringLiteral("SeparableConvolution2D"), QStringLiteral("SeparableConv2D")},
        {QStringLiteral("MaxPool1D"), QStringLiteral("MaxPooling1D")},
        {QStringLiteral("MaxPool2D"), QStringLiteral("MaxPooling2D")},
        {QStringLiteral("AvgPool1D"), QStringLiteral("AveragePooling1D")},
        {QStringLiteral("AvgPool2D"), QStringLiteral("AveragePooling2D")},
        {QStringLiteral("GlobalAvgPool1D"), QStringLiteral("GlobalAveragePooling1D")},
        {QStringLiteral("GlobalAvgPool2D"), QStringLiteral("GlobalAveragePooling2D")},
        {QStringLiteral("GlobalMaxPool1D"), QStringLiteral("GlobalMaxPooling1D")},
        {QStringLiteral("GlobalMaxPool2D"), QStringLiteral("GlobalMaxPooling2D")},
        {QStringLiteral("BatchNorm"), QStringLiteral("BatchNormalization")},
    };
    if (classTable().contains(nameOrAlias))
        return nameOrAlias;
    return aliases.value(nameOrAlias);
}

QStringList KerasLayerCatalog::classNames()
{
    QStringList names = classTable().keys();
    names.sort();
    return names;
}

QStringList KerasLayerCatalog::activationNames()
{
    return {QStringLiteral("linear"),       QStringLiteral("relu"),     QStringLiteral("sigmoid"),
            QStringLiteral("softmax"),      QStringLiteral("tanh"),     QStringLiteral("elu"),
            QStringLiteral("selu"),         QStringLiteral("softplus"), QStringLiteral("softsign"),
            QStringLiteral("swish"),        QStringLiteral("gelu"),     QStringLiteral("exponential"),
            QStringLiteral("hard_sigmoid"), QStringLiteral("relu6"),    QStringLiteral("leaky_relu")};
}

QJsonObject KerasLayerCatalog::defaultConfig(const QString &className, const QString &layerName)
{
    QJsonObject config{{QStringLiteral("name"), layerName},
                       {QStringLiteral("trainable"), true},
                       {QStringLiteral("dtype"), QStringLiteral("float32")}};
    if (className == QLatin1String("InputLayer")) {
        config.remove(QStringLiteral("trainable"));
        config.insert(QStringLiteral("batch_input_shape"), QJsonValue());
        config.insert(QStringLiteral("sparse"), false);
        config.insert(QStringLiteral("ragged"), false);
        return config;
    }
    if (const KerasLayerClass *c = find(className))
        for (const KerasParam &param : c->params)
            if (!omittedWhenDefault(param.name))
                config.insert(param.name, param.required() ? QJsonValue() : param.defaultValue);
    completeConfig(className, config);
    return config;
}

void KerasLayerCatalog::completeConfig(const QString &className, QJsonObject &config)
{
    // Pooling strides stay null ("the pool size", as Keras's constructor reads None) while the
    // config is edited, so a new pool size carries them along; the JSON writer spells them out.
    for (const QString &key : {QStringLiteral("groups"), QStringLiteral("keepdims")}) {
        const QJsonValue v = config.value(key);
        if ((key == QLatin1String("groups") && v.isDouble() && v.toInt() == 1)
            || (key == QLatin1String("keepdims") && v == QJsonValue(false)))
            config.remove(key);
    }
}

Expected<QJsonValue> KerasLayerCatalog::normalize(const QString &className, const KerasParam &param,
                                                  const QJsonValue &value)
{
    auto bad = [&](const QString &expected) {
        return makeError(QStringLiteral("%1(%2=…) expects %3").arg(className, param.name, expected));
    };
    auto isInt = [](const QJsonValue &v) {
        return v.isDouble() && v.toDouble() == double(qint64(jsonInteger(v.toDouble())));
    };
    if (value.isNull() && !param.defaultValue.isUndefined()
        && (param.defaultValue.isNull() || param.kind == FieldKind::Activation || param.kind == FieldKind::Choice))
        return param.kind == FieldKind::Activation ? QJsonValue(QStringLiteral("linear")) : param.defaultValue;
    switch (param.kind) {
    case FieldKind::Int:
        if (!isInt(value))
            return bad(QStringLiteral("an integer"));
        return QJsonValue(qint64(jsonInteger(value.toDouble())));
    case FieldKind::OptionalInt:
        if (value.isNull())
            return value;
        if (!isInt(value))
            return bad(QStringLiteral("an integer or None"));
        return QJsonValue(qint64(jsonInteger(value.toDouble())));
    case FieldKind::Float:
    case FieldKind::OptionalFloat:
        if (value.isNull() && param.kind == FieldKind::OptionalFloat)
            return value;
        if (!value.isDouble())
            return bad(QStringLiteral("a number"));
        return value;
    case FieldKind::Bool:
        if (isInt(value) && (value.toDouble() == 0 || value.toDouble() == 1))
            return QJsonValue(value.toDouble() == 1); // Python code passes 0/1 where Keras reads truthiness
        if (!value.isBool())
            return bad(QStringLiteral("True or False"));
        return value;
    case FieldKind::IntTuple: {
        if (isInt(value))
            return QJsonValue(repeated(qint64(jsonInteger(value.toDouble())), param.tupleRank));
        const QJsonArray a = value.toArray();
        if (!value.isArray() || a.size() != param.tupleRank)
            return bad(QStringLiteral("an integer or %1 integers").arg(param.tupleRank));
        QJsonArray out;
        for (const QJsonValue &e : a) {
            if (!isInt(e))
                return bad(QStringLiteral("integers"));
            out.append(qint64(jsonInteger(e.toDouble())));
        }
        return QJsonValue(out);
    }
    case FieldKind::Choice: {
        if (!value.isString())
            return bad(QStringLiteral("one of %1").arg(param.choices.join(QStringLiteral(", "))));
        const QString s = value.toString().toLower();
        if (!param.choices.contains(s))
            return bad(
                QStringLiteral("one of %1, not '%2'").arg(param.choices.join(QStringLiteral(", ")), value.toString()));
        return QJsonValue(s);
    }
    case FieldKind::Activation:
        if (!value.isString())
            return bad(QStringLiteral("an activation name such as 'relu'"));
        return value;
    case FieldKind::Initializer:
        if (value.isString())
            return initializer(value.toString(), {});
        if (value.isObject() || value.isNull())
            return value;
        return bad(QStringLiteral("an initializer"));
    case FieldKind::Regularizer:
        if (value.isString())
            return regularizer(value.toString(), {});
        if (value.isObject() || value.isNull())
            return value;
        return bad(QStringLiteral("a regularizer or None"));
    case FieldKind::Constraint:
        if (value.isString())
            return constraint(value.toString(), {});
        if (value.isObject() || value.isNull())
            return value;
        return bad(QStringLiteral("a constraint or None"));
    case FieldKind::IntList: {
        if (value.isNull())
            return value;
        if (isInt(value))
            return QJsonValue(QJsonArray{qint64(jsonInteger(value.toDouble()))});
        if (!value.isArray())
            return bad(QStringLiteral("a tuple of integers"));
        QJsonArray out;
        for (const QJsonValue &e : value.toArray()) {
            if (e.isNull())
                out.append(QJsonValue());
            else if (isInt(e))
                out.append(qint64(jsonInteger(e.toDouble())));
            else
                return bad(QStringLiteral("a tuple of integers"));
        }
        return QJsonValue(out);
    }
    case FieldKind::Padding: {
        if (isInt(value)) {
            const qint64 n = qint64(jsonInteger(value.toDouble()));
            return param.tupleRank == 1 ? QJsonValue(QJsonArray{n, n})
                                        : QJsonValue(QJsonArray{QJsonArray{n, n}, QJsonArray{n, n}});
        }
        const QJsonArray a = value.toArray();
        if (a.size() != 2)
            return bad(QStringLiteral("an integer or a pair"));
        if (param.tupleRank == 1) {
            if (!isInt(a.at(0)) || !isInt(a.at(1)))
                return bad(QStringLiteral("an integer or a pair of integers"));
            return QJsonValue(
                QJsonArray{qint64(jsonInteger(a.at(0).toDouble())), qint64(jsonInteger(a.at(1).toDouble()))});
        }
        QJsonArray out;
        for (const QJsonValue &e : a) {
            if (isInt(e))
                out.append(QJsonArray{qint64(jsonInteger(e.toDouble())), qint64(jsonInteger(e.toDouble()))});
            else if (e.toArray().size() == 2 && isInt(e.toArray().at(0)) && isInt(e.toArray().at(1)))
                out.append(QJsonArray{qint64(jsonInteger(e.toArray().at(0).toDouble())),
                                      qint64(jsonInteger(e.toArray().at(1).toDouble()))});
            else
                return bad(QStringLiteral("an integer, a pair, or a pair of pairs"));
        }
        return QJsonValue(out);
    }
    case FieldKind::Axis:
        if (isInt(value))
            return QJsonValue(qint64(jsonInteger(value.toDouble())));
        if (value.isArray())
            return value;
        return bad(QStringLiteral("an axis"));
    case FieldKind::WrappedLayer:
        if (value.isObject() && value.toObject().contains(QStringLiteral("class_name")))
            return value;
        return bad(QStringLiteral("a layer"));
    case FieldKind::String:
        if (!value.isString())
            return bad(QStringLiteral("a string"));
        return value;
    }
    return value;
}

int KerasLayerCatalog::outputCount(const QString &className, const QJsonObject &config)
{
    auto states = [](const QString &cls) { return cls == QLatin1String("LSTM") ? 2 : 1; };
    if (className == QLatin1String("LSTM") || className == QLatin1String("GRU")
        || className == QLatin1String("SimpleRNN"))
        return config.value(QStringLiteral("return_state")).toBool() ? 1 + states(className) : 1;
    if (className == QLatin1String("Bidirectional")) {
        const QJsonObject inner = config.value(QStringLiteral("layer")).toObject();
        const QString innerClass = inner.value(QStringLiteral("class_name")).toString();
        const bool merged = !config.value(QStringLiteral("merge_mode")).isNull();
        const int stateCount =
            inner.value(QStringLiteral("config")).toObject().value(QStringLiteral("return_state")).toBool()
                ? 2 * states(innerClass)
                : 0;
        return (merged ? 1 : 2) + stateCount;
    }
    return 1;
}

} // namespace graft
