// Interpreter: what a module defines, found without running it (which functions build a model).
#include "core/arch/pycodehelpers.h"
#include "core/arch/pycodeinterpreter.h"

namespace graft::pycode {

namespace {

/** Names of every function called anywhere under `value` (`f(…)` → "f", `a.b.f(…)` → "f"). */
void calledNames(const QJsonValue &value, QStringList *names, bool skipDefinitions)
{
    if (value.isArray()) {
        for (const QJsonValue &e : value.toArray())
            calledNames(e, names, skipDefinitions);
        return;
    }
    if (!value.isObject())
        return;
    const QJsonObject o = value.toObject();
    const QString t = typeOf(o);
    if (skipDefinitions
        && (t == QLatin1String("FunctionDef") || t == QLatin1String("AsyncFunctionDef")
            || t == QLatin1String("ClassDef")))
        return;
    if (t == QLatin1String("Call")) {
        const QJsonObject f = child(o, "func");
        *names << (typeOf(f) == QLatin1String("Name") ? f.value(QStringLiteral("id")).toString()
                                                      : f.value(QStringLiteral("attr")).toString());
    }
    for (auto it = o.constBegin(); it != o.constEnd(); ++it)
        calledNames(it.value(), names, skipDefinitions);
}

/** Names that construct a model: Sequential, Model, Functional and what the imports rename them to. */
QStringList modelConstructors(const QJsonObject &module)
{
    QStringList names{QStringLiteral("Sequential"), QStringLiteral("Model"), QStringLiteral("Functional")};
    for (const QJsonValue &s : children(module, "body")) {
        const QJsonObject stmt = s.toObject();
        if (typeOf(stmt) != QLatin1String("ImportFrom"))
            continue;
        for (const QJsonValue &a : children(stmt, "names")) {
            const QJsonObject alias = a.toObject();
            if (names.mid(0, 3).contains(alias.value(QStringLiteral("name")).toString())
                && alias.value(QStringLiteral("asname")).isString())
                names << alias.value(QStringLiteral("asname")).toString();
        }
    }
    return names;
}

bool constructsModel(const QStringList &called, const QStringList &constructors)
{
    for (const QString &c : constructors)
        if (called.contains(c))
            return true;
    return false;
}

/** Top-level functions and methods of top-level classes ("Class.method"), with their nodes, in file order. */
QVector<std::pair<QString, QJsonObject>> functionsOf(const QJsonObject &module)
{
    QVector<std::pair<QString, QJsonObject>> result;
    auto isFunction = [](const QJsonObject &o) {
        return typeOf(o) == QLatin1String("FunctionDef") || typeOf(o) == QLatin1String("AsyncFunctionDef");
    };
    for (const QJsonValue &s : children(module, "body")) {
        const QJsonObject stmt = s.toObject();
        if (isFunction(stmt))
            result.append({stmt.value(QStringLiteral("name")).toString(), stmt});
        if (typeOf(stmt) == QLatin1String("ClassDef"))
            for (const QJsonValue &m : children(stmt, "body"))
                if (isFunction(m.toObject())
                    && m.toObject().value(QStringLiteral("name")).toString() != QLatin1String("__init__"))
                    result.append({stmt.value(QStringLiteral("name")).toString() + QLatin1Char('.')
                                       + m.toObject().value(QStringLiteral("name")).toString(),
                                   m.toObject()});
    }
    return result;
}

} // namespace

QStringList Interpreter::modelBuildingFunctions(const QJsonObject &module)
{
    const QStringList constructors = modelConstructors(module);
    QStringList result;
    for (const auto &[name, node] : functionsOf(module)) {
        QStringList called;
        calledNames(node.value(QStringLiteral("body")), &called, false);
        if (constructsModel(called, constructors))
            result << name;
    }
    return result;
}

QStringList Interpreter::topLevelFunctions(const QJsonObject &module)
{
    QStringList result;
    for (const auto &[name, node] : functionsOf(module))
        result << name;
    return result;
}

bool Interpreter::moduleBuildsModel(const QJsonObject &module, const QStringList &builders)
{
    QStringList called;
    calledNames(module.value(QStringLiteral("body")), &called, true);
    if (constructsModel(called, modelConstructors(module)))
        return true;
    for (const QString &b : builders)
        if (called.contains(b))
            return true;
    return false;
}

int Interpreter::functionLine(const QJsonObject &module, const QString &name)
{
    for (const auto &[function, node] : functionsOf(module))
        if (function == name)
            return lineOf(node);
    return 0;
}

} // namespace graft::pycode
