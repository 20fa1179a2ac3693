// Interpreter: imports, assignments and name lookup.
#include "core/arch/pycodehelpers.h"
#include "core/arch/pycodeinterpreter.h"

namespace graft::pycode {

namespace {

ValuePtr unknownFrom(const ValuePtr &source, const QString &description, int line)
{
    auto v = unknownValue(source->kind == Kind::Unknown ? source->unknown : UnknownKind::External, description, line);
    if (source->kind == Kind::Unknown) {
        v->parameter = source->parameter;
        if (source->unknown == UnknownKind::Parameter)
            v->unknown = UnknownKind::External;
    }
    return v;
}

} // namespace

void Interpreter::execImport(const QJsonObject &stmt, const ScopePtr &scope)
{
    if (typeOf(stmt) == QLatin1String("Import")) {
        for (const QJsonValue &a : children(stmt, "names")) {
            const QString name = a.toObject().value(QStringLiteral("name")).toString();
            const QJsonValue as = a.toObject().value(QStringLiteral("asname"));
            if (as.isString()) {
                scope->vars.insert(as.toString(), resolveSymbol(name));
            } else {
                auto module = makeValue(Kind::Module);
                module->text = name.section(QLatin1Char('.'), 0, 0);
                scope->vars.insert(module->text, module);
            }
        }
        return;
    }
    QString module = stmt.value(QStringLiteral("module")).toString();
    const int level = stmt.value(QStringLiteral("level")).toInt();
    if (level > 0)
        module = QString(level, QLatin1Char('.')) + module; // a module of the user's project: Foreign
    for (const QJsonValue &a : children(stmt, "names")) {
        const QString name = a.toObject().value(QStringLiteral("name")).toString();
        if (name == QLatin1String("*")) {
            m_starImports << module;
            continue;
        }
        const QJsonValue as = a.toObject().value(QStringLiteral("asname"));
        const QString bound = as.isString() ? as.toString() : name;
        ValuePtr value = resolveSymbol(module + QLatin1Char('.') + name);
        if (value->kind == Kind::Module && m_options.bindings.contains(bound))
            value = valueFromJson(m_options.bindings.value(bound)); // from the user's own config module
        scope->vars.insert(bound, value);
    }
}

void Interpreter::assign(const QJsonObject &target, const ValuePtr &value, const ScopePtr &scope)
{
    const QString t = typeOf(target);
    const int line = lineOf(target);
    if (t == QLatin1String("Name")) {
        const QString name = target.value(QStringLiteral("id")).toString();
        // --set NAME=VALUE gives a module-level variable, or any variable the code computes from data.
        if (m_options.bindings.contains(name) && (scope == m_globals || value->kind == Kind::Unknown)) {
            scope->vars.insert(name, valueFromJson(m_options.bindings.value(name)));
            return;
        }
        if (value->kind == Kind::Unknown && value->unknown == UnknownKind::External && value->parameter.isEmpty()) {
            // Name what the code could not give, so a question can say which variable to --set.
            auto named =
                unknownValue(UnknownKind::External,
                             QStringLiteral("`%1` (= `%2`, line %3)").arg(name, value->text.left(60)).arg(line), line);
            named->parameter = name;
            scope->vars.insert(name, named);
            return;
        }
        scope->vars.insert(name, value);
    } else if (t == QLatin1String("Tuple") || t == QLatin1String("List")) {
        const QJsonArray elts = children(target, "elts");
        const auto items = iterate(value);
        int starred = -1;
        for (int i = 0; i < elts.size(); ++i)
            if (typeOf(elts.at(i).toObject()) == QLatin1String("Starred"))
                starred = i;
        if (!items || (starred < 0 && int(items->size()) != elts.size())
            || (starred >= 0 && int(items->size()) < elts.size() - 1)) {
            for (const QJsonValue &e : elts) {
                QJsonObject el = e.toObject();
                if (typeOf(el) == QLatin1String("Starred"))
                    el = child(el, "value");
                assign(el, unknownFrom(value, snippet(el), line), scope);
            }
            return;
        }
        const int n = int(items->size());
        const int after = elts.size() - starred - 1;
        for (int i = 0; i < elts.size(); ++i) {
            if (i == starred) {
                std::vector<ValuePtr> rest(items->begin() + i, items->begin() + (n - after));
                assign(child(elts.at(i).toObject(), "value"), sequenceValue(Kind::List, rest), scope);
            } else {
                const int index = starred >= 0 && i > starred ? n - (elts.size() - i) : i;
                assign(elts.at(i).toObject(), items->at(std::size_t(index)), scope);
            }
        }
    } else if (t == QLatin1String("Attribute")) {
        const ValuePtr object = eval(child(target, "value"), scope);
        const QString attr = target.value(QStringLiteral("attr")).toString();
        if (object->kind == Kind::Instance) {
            object->scope->vars.insert(attr, value);
            return;
        }
        if (attr == QLatin1String("trainable") && (object->kind == Kind::Layer || object->kind == Kind::Model)) {
            const std::optional<bool> flag = truthOf(value);
            if (!flag) {
                notes << QStringLiteral("line %1: `%2` cannot be evaluated; trainable left unchanged")
                             .arg(line)
                             .arg(snippet(target));
                return;
            }
            std::vector<int> targets;
            if (object->kind == Kind::Layer)
                targets.push_back(object->index);
            else
                targets = models.at(std::size_t(object->index)).layers;
            for (int l : targets) {
                layers.at(std::size_t(l)).config.insert(QStringLiteral("trainable"), *flag);
                layers.at(std::size_t(l)).givenKeys << QStringLiteral("trainable");
            }
            if (object->kind == Kind::Model && !models.at(std::size_t(object->index)).sequential)
                notes << QStringLiteral("line %1: trainable set on a functional model is not recorded per layer")
                             .arg(line);
        }
    } else if (t == QLatin1String("Subscript")) {
        const ValuePtr container = eval(child(target, "value"), scope);
        const ValuePtr index = eval(child(target, "slice"), scope);
        if (container->kind == Kind::List && isIntegral(index)) {
            qint64 i = integerOf(index);
            if (i < 0)
                i += qint64(container->items.size());
            if (i >= 0 && i < qint64(container->items.size()))
                container->items[std::size_t(i)] = value;
        } else if (container->kind == Kind::Dict && index->kind == Kind::Str) {
            const int k = container->keys.indexOf(index->text);
            if (k >= 0) {
                container->items[std::size_t(k)] = value;
            } else {
                container->keys << index->text;
                container->items.push_back(value);
            }
        }
    } else if (t == QLatin1String("Starred")) {
        assign(child(target, "value"), value, scope);
    }
}

std::optional<std::vector<ValuePtr>> Interpreter::iterate(const ValuePtr &value) const
{
    switch (value->kind) {
    case Kind::Tuple:
    case Kind::List: return value->items;
    case Kind::Dict: {
        std::vector<ValuePtr> keys;
        for (const QString &k : value->keys)
            keys.push_back(strValue(k));
        return keys;
    }
    case Kind::Str: {
        std::vector<ValuePtr> chars;
        for (const QChar c : value->text)
            chars.push_back(strValue(QString(c)));
        return chars;
    }
    default: return std::nullopt;
    }
}

ValuePtr Interpreter::lookup(const QString &name, const ScopePtr &scope, int line)
{
    for (Scope *s = scope.get(); s; s = s->parent.get()) {
        const auto it = s->vars.constFind(name);
        if (it != s->vars.constEnd())
            return *it;
    }
    if (m_globals->vars.contains(name))
        return m_globals->vars.value(name);
    static const QStringList builtins = {
        QStringLiteral("range"), QStringLiteral("len"),   QStringLiteral("int"),       QStringLiteral("float"),
        QStringLiteral("str"),   QStringLiteral("bool"),  QStringLiteral("list"),      QStringLiteral("tuple"),
        QStringLiteral("dict"),  QStringLiteral("set"),   QStringLiteral("enumerate"), QStringLiteral("zip"),
        QStringLiteral("min"),   QStringLiteral("max"),   QStringLiteral("abs"),       QStringLiteral("round"),
        QStringLiteral("sum"),   QStringLiteral("print"), QStringLiteral("reversed"),  QStringLiteral("sorted"),
        QStringLiteral("any"),   QStringLiteral("all"),   QStringLiteral("getattr"),   QStringLiteral("isinstance"),
        QStringLiteral("super")};
    if (builtins.contains(name)) {
        auto b = makeValue(Kind::Builtin);
        b->text = name;
        return b;
    }
    if (name == QLatin1String("True") || name == QLatin1String("False"))
        return boolValue(name == QLatin1String("True"));
    if (name == QLatin1String("None"))
        return noneValue();
    for (const QString &module : m_starImports) {
        const ValuePtr v = resolveSymbol(module + QLatin1Char('.') + name);
        if (v->kind == Kind::Keras)
            return v;
    }
    // A Keras name used without an import line (the import is elsewhere, or was cut when pasting).
    const ValuePtr keras = resolveSymbol(QStringLiteral("keras.layers.") + name);
    if (keras->kind == Kind::Keras && keras->symbol != KerasSymbol::MergeFunction)
        return keras;
    if (name == QLatin1String("Sequential") || name == QLatin1String("Model") || name == QLatin1String("Input"))
        return resolveSymbol(QStringLiteral("keras.models.") + name);
    return unknownValue(UnknownKind::External, QStringLiteral("`%1` (not defined in the code)").arg(name), line);
}

} // namespace graft::pycode
