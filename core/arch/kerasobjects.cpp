// KerasLayerCatalog: the small Keras objects layer configs embed (initializers,
// regularizers, constraints), serialised the way tf.keras 2.x get_config writes them.
#include "core/arch/keraslayercatalog.h"

#include <QHash>

namespace graft {

namespace {

/** A Keras object class: its serialised name and its constructor arguments with defaults, in order. */
struct ObjectClass
{
    QString className;
    QVector<std::pair<QString, QJsonValue>> arguments;
};

QJsonValue serialize(const ObjectClass &c, const QJsonObject &given, QString *unknownArgument)
{
    QJsonObject config;
    for (int i = 0; i < c.arguments.size(); ++i) {
        const auto &[name, def] = c.arguments.at(i);
        QJsonValue v = def;
        if (given.contains(name))
            v = given.value(name);
        else if (given.contains(QString::number(i)))
            v = given.value(QString::number(i));
        config.insert(name, v);
    }
    for (auto it = given.constBegin(); it != given.constEnd(); ++it) {
        bool positional = false;
        const int index = it.key().toInt(&positional);
        const bool known = positional ? index < c.arguments.size()
                                      : std::any_of(c.arguments.begin(), c.arguments.end(),
                                                    [&](const auto &a) { return a.first == it.key(); });
        if (!known && unknownArgument)
            *unknownArgument = it.key();
    }
    return QJsonObject{{QStringLiteral("class_name"), c.className}, {QStringLiteral("config"), config}};
}

const QHash<QString, ObjectClass> &initializers()
{
    static const QHash<QString, ObjectClass> table = [] {
        const QJsonValue null;
        const QVector<ObjectClass> classes = {
            {QStringLiteral("GlorotUniform"), {{QStringLiteral("seed"), null}}},
            {QStringLiteral("GlorotNormal"), {{QStringLiteral("seed"), null}}},
            {QStringLiteral("HeNormal"), {{QStringLiteral("seed"), null}}},
            {QStringLiteral("HeUniform"), {{QStringLiteral("seed"), null}}},
            {QStringLiteral("LecunNormal"), {{QStringLiteral("seed"), null}}},
            {QStringLiteral("LecunUniform"), {{QStringLiteral("seed"), null}}},
            {QStringLiteral("Zeros"), {}},
            {QStringLiteral("Ones"), {}},
            {QStringLiteral("Constant"), {{QStringLiteral("value"), 0}}},
            {QStringLiteral("RandomNormal"),
             {{QStringLiteral("mean"), 0.0}, {QStringLiteral("stddev"), 0.05}, {QStringLiteral("seed"), null}}},
            {QStringLiteral("RandomUniform"),
             {{QStringLiteral("minval"), -0.05}, {QStringLiteral("maxval"), 0.05}, {QStringLiteral("seed"), null}}},
            {QStringLiteral("TruncatedNormal"),
             {{QStringLiteral("mean"), 0.0}, {QStringLiteral("stddev"), 0.05}, {QStringLiteral("seed"), null}}},
            {QStringLiteral("Orthogonal"), {{QStringLiteral("gain"), 1.0}, {QStringLiteral("seed"), null}}},
            {QStringLiteral("Identity"), {{QStringLiteral("gain"), 1.0}}},
            {QStringLiteral("VarianceScaling"),
             {{QStringLiteral("scale"), 1.0},
              {QStringLiteral("mode"), QStringLiteral("fan_in")},
              {QStringLiteral("distribution"), QStringLiteral("truncated_normal")},
              {QStringLiteral("seed"), null}}},
        };
        QHash<QString, ObjectClass> t;
        for (const ObjectClass &c : classes)
            t.insert(c.className, c);
        const QHash<QString, QString> functions = {
            {QStringLiteral("glorot_uniform"), QStringLiteral("GlorotUniform")},
            {QStringLiteral("glorot_normal"), QStringLiteral("GlorotNormal")},
            {QStringLiteral("he_normal"), QStringLiteral("HeNormal")},
            {QStringLiteral("he_uniform"), QStringLiteral("HeUniform")},
            {QStringLiteral("lecun_normal"), QStringLiteral("LecunNormal")},
            {QStringLiteral("lecun_uniform"), QStringLiteral("LecunUniform")},
            {QStringLiteral("zeros"), QStringLiteral("Zeros")},
            {QStringLiteral("zero"), QStringLiteral("Zeros")},
            {QStringLiteral("ones"), QStringLiteral("Ones")},
            {QStringLiteral("one"), QStringLiteral("Ones")},
            {QStringLiteral("constant"), QStringLiteral("Constant")},
            {QStringLiteral("random_normal"), QStringLiteral("RandomNormal")},
            {QStringLiteral("normal"), QStringLiteral("RandomNormal")},
            {QStringLiteral("random_uniform"), QStringLiteral("RandomUniform")},
            {QStringLiteral("uniform"), QStringLiteral("RandomUniform")},
            {QStringLiteral("truncated_normal"), QStringLiteral("TruncatedNormal")},
            {QStringLiteral("orthogonal"), QStringLiteral("Orthogonal")},
            {QStringLiteral("identity"), QStringLiteral("Identity")},
            {QStringLiteral("variance_scaling"), QStringLiteral("VarianceScaling")},
        };
        for (auto it = functions.constBegin(); it != functions.constEnd(); ++it)
            t.insert(it.key(), t.value(it.value()));
        return t;
    }();
    return table;
}

const QHash<QString, ObjectClass> &constraints()
{
    static const QHash<QString, ObjectClass> table = [] {
        const QVector<ObjectClass> classes = {
            {QStringLiteral("MaxNorm"), {{QStringLiteral("max_value"), 2}, {QStringLiteral("axis"), 0}}},
            {QStringLiteral("NonNeg"), {}},
            {QStringLiteral("UnitNorm"), {{QStringLiteral("axis"), 0}}},
            {QStringLiteral("MinMaxNorm"),
             {{QStringLiteral("min_value"), 0.0},
              {QStringLiteral("max_value"), 1.0},
              {QStringLiteral("rate"), 1.0},
              {QStringLiteral("axis"), 0}}},
            {QStringLiteral("RadialConstraint"), {}},
        };
        QHash<QString, ObjectClass> t;
        for (const ObjectClass &c : classes)
            t.insert(c.className, c);
        t.insert(QStringLiteral("max_norm"), t.value(QStringLiteral("MaxNorm")));
        t.insert(QStringLiteral("non_neg"), t.value(QStringLiteral("NonNeg")));
        t.insert(QStringLiteral("unit_norm"), t.value(QStringLiteral("UnitNorm")));
        t.insert(QStringLiteral("min_max_norm"), t.value(QStringLiteral("MinMaxNorm")));
        t.insert(QStringLiteral("radial_constraint"), t.value(QStringLiteral("RadialConstraint")));
        return t;
    }();
    return table;
}

} // namespace

bool KerasLayerCatalog::isInitializerName(const QString &name)
{
    return initializers().contains(name);
}

bool KerasLayerCatalog::isConstraintName(const QString &name)
{
    return constraints().contains(name);
}

bool KerasLayerCatalog::isRegularizerName(const QString &name)
{
    static const QStringList names = {QStringLiteral("l1"),
                                      QStringLiteral("l2"),
                                      QStringLiteral("l1_l2"),
                                      QStringLiteral("L1"),
                                      QStringLiteral("L2"),
                                      QStringLiteral("L1L2"),
                                      QStringLiteral("OrthogonalRegularizer")};
    return names.contains(name);
}

Expected<QJsonValue> KerasLayerCatalog::initializer(const QString &nameOrClass, const QJsonObject &arguments)
{
    const auto it = initializers().constFind(nameOrClass);
    if (it == initializers().constEnd())
        return makeError(QStringLiteral("'%1' is not a Keras initializer Graft knows").arg(nameOrClass));
    QString unknown;
    const QJsonValue v = serialize(*it, arguments, &unknown);
    if (!unknown.isEmpty())
        return makeError(QStringLiteral("initializer %1 has no argument '%2'").arg(it->className, unknown));
    return v;
}

Expected<QJsonValue> KerasLayerCatalog::constraint(const QString &nameOrClass, const QJsonObject &arguments)
{
    const auto it = constraints().constFind(nameOrClass);
    if (it == constraints().constEnd())
        return makeError(QStringLiteral("'%1' is not a Keras constraint Graft knows").arg(nameOrClass));
    QString unknown;
    const QJsonValue v = serialize(*it, arguments, &unknown);
    if (!unknown.isEmpty())
        return makeError(QStringLiteral("constraint %1 has no argument '%2'").arg(it->className, unknown));
    return v;
}

Expected<QJsonValue> KerasLayerCatalog::regularizer(const QString &nameOrClass, const QJsonObject &arguments)
{
    // Every form is written as L1L2, the one class every Keras 2 and 3 version reads back.
    double l1 = 0.0, l2 = 0.0;
    auto arg = [&](const QString &key, int position, double fallback) {
        if (arguments.contains(key))
            return arguments.value(key).toDouble(fallback);
        if (arguments.contains(QString::number(position)))
            return arguments.value(QString::number(position)).toDouble(fallback);
        return fallback;
    };
    const QString n = nameOrClass;
    if (n == QLatin1String("l1") || n == QLatin1String("L1")) {
        l1 = arg(QStringLiteral("l1"), 0, 0.01);
    } else if (n == QLatin1String("l2") || n == QLatin1String("L2")) {
        l2 = arg(QStringLiteral("l2"), 0, 0.01);
    } else if (n == QLatin1String("l1_l2")) {
        l1 = arg(QStringLiteral("l1"), 0, 0.01);
        l2 = arg(QStringLiteral("l2"), 1, 0.01);
    } else if (n == QLatin1String("L1L2")) {
        l1 = arg(QStringLiteral("l1"), 0, 0.0);
        l2 = arg(QStringLiteral("l2"), 1, 0.0);
    } else {
        return makeError(QStringLiteral("'%1' is not a Keras regularizer Graft can write").arg(nameOrClass));
    }
    return QJsonValue(
        QJsonObject{{QStringLiteral("class_name"), QStringLiteral("L1L2")},
                    {QStringLiteral("config"), QJsonObject{{QStringLiteral("l1"), l1}, {QStringLiteral("l2"), l2}}}});
}

} // namespace graft
