#include "core/arch/pycodeinterpreter.h"

#include <QRegularExpression>

#include <cmath>

namespace graft::pycode {

namespace {

// Model-building code runs a few thousand steps; a budget keeps a `while True:` from hanging Graft.
constexpr qint64 maxSteps = 2'000'000;
constexpr int maxLoopIterations = 100'000;

QString typeOf(const QJsonObject &n) { return n.value(QStringLiteral("_t")).toString(); }
int lineOf(const QJsonObject &n) { return n.value(QStringLiteral("_l")).toInt(); }
QJsonObject child(const QJsonObject &n, const char *key) { return n.value(QLatin1String(key)).toObject(); }
QJsonArray children(const QJsonObject &n, const char *key) { return n.value(QLatin1String(key)).toArray(); }


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

Interpreter::Interpreter(QJsonObject module, QByteArray source, InterpreterOptions options)
    : m_module(std::move(module)), m_source(std::move(source)), m_options(std::move(options)),
      m_globals(std::make_shared<Scope>())
{
    m_lines = m_source.split('\n');
    m_globals->vars.insert(QStringLiteral("__name__"), strValue(QStringLiteral("__main__")));
}

QString Interpreter::snippet(const QJsonObject &node) const
{
    const int line = node.value(QStringLiteral("_l")).toInt(), endLine = node.value(QStringLiteral("_el")).toInt(line);
    const int col = node.value(QStringLiteral("_c")).toInt(), endCol = node.value(QStringLiteral("_ec")).toInt(-1);
    if (line < 1 || line > m_lines.size())
        return typeOf(node);
    QByteArray text;
    if (endLine == line && endCol >= col)
        text = m_lines.at(line - 1).mid(col, endCol - col);
    else
        text = m_lines.at(line - 1).mid(col) + (endLine > line ? QByteArray("…") : QByteArray());
    QString s = QString::fromUtf8(text).simplified();
    if (s.size() > 70)
        s = s.left(67) + QStringLiteral("…");
    return s;
}

bool Interpreter::budgetExceeded(int line)
{
    if (m_aborted)
        return true;
    if (++m_steps > maxSteps) {
        errors << QStringLiteral("line %1: the code takes more than %2 steps to evaluate (an unbounded loop?); "
                                 "Graft stopped reading it").arg(line).arg(maxSteps);
        m_aborted = true;
    }
    return m_aborted;
}

void Interpreter::run(const QString &function)
{
    entryFunction = function;
    const QJsonArray body = children(m_module, "body");
    if (function.isEmpty()) {
        execBlock(body, m_globals);
        return;
    }
    // Only definitions and constants of the module: its other statements (training, a model
    // built at module level) would create layers and shift Keras's automatic names.
    auto callsOnlyBuiltins = [](const QJsonValue &v, const auto &self) -> bool {
        if (v.isArray()) {
            for (const QJsonValue &e : v.toArray())
                if (!self(e, self))
                    return false;
            return true;
        }
        if (!v.isObject())
            return true;
        const QJsonObject o = v.toObject();
        if (typeOf(o) == QLatin1String("Call"))
            return false;
        for (auto it = o.constBegin(); it != o.constEnd(); ++it)
            if (!self(it.value(), self))
                return false;
        return true;
    };
    for (const QJsonValue &s : body) {
        const QJsonObject stmt = s.toObject();
        const QString t = typeOf(stmt);
        if (t == QLatin1String("Import") || t == QLatin1String("ImportFrom") || t == QLatin1String("FunctionDef")
            || t == QLatin1String("AsyncFunctionDef") || t == QLatin1String("ClassDef")
            || ((t == QLatin1String("Assign") || t == QLatin1String("AnnAssign"))
                && callsOnlyBuiltins(stmt.value(QStringLiteral("value")), callsOnlyBuiltins)))
            exec(stmt, m_globals);
    }
    const ValuePtr f = m_globals->vars.value(function);
    if (!f || f->kind != Kind::Function) {
        errors << QStringLiteral("the code defines no top-level function named '%1'").arg(function);
        return;
    }
    entryLine = lineOf(m_functions.at(std::size_t(f->index)).node);
    QJsonObject callNode{{QStringLiteral("_t"), QStringLiteral("Call")}, {QStringLiteral("_l"), entryLine}};
    returned = callFunction(f->index, {}, {}, callNode);
}

Interpreter::Flow Interpreter::execBlock(const QJsonArray &body, const ScopePtr &scope)
{
    for (const QJsonValue &s : body) {
        const Flow flow = exec(s.toObject(), scope);
        if (flow != Flow::Normal)
            return flow;
    }
    return Flow::Normal;
}

Interpreter::Flow Interpreter::exec(const QJsonObject &stmt, const ScopePtr &scope)
{
    const int line = lineOf(stmt);
    if (budgetExceeded(line))
        return Flow::Abort;
    const QString t = typeOf(stmt);
    if (t == QLatin1String("Expr")) {
        eval(child(stmt, "value"), scope);
    } else if (t == QLatin1String("Assign")) {
        const ValuePtr value = eval(child(stmt, "value"), scope);
        for (const QJsonValue &target : children(stmt, "targets"))
            assign(target.toObject(), value, scope);
    } else if (t == QLatin1String("AnnAssign")) {
        if (stmt.value(QStringLiteral("value")).isObject())
            assign(child(stmt, "target"), eval(child(stmt, "value"), scope), scope);
    } else if (t == QLatin1String("AugAssign")) {
        const QJsonObject target = child(stmt, "target");
        const ValuePtr current = eval(target, scope);
        const ValuePtr operand = eval(child(stmt, "value"), scope);
        const QString op = typeOf(child(stmt, "op"));
        if ((current->kind == Kind::List) && op == QLatin1String("Add") && iterate(operand)) {
            for (const ValuePtr &v : *iterate(operand))
                current->items.push_back(v); // += extends the list in place
        } else {
            assign(target, evalBinary(op, current, operand, stmt), scope);
        }
    } else if (t == QLatin1String("Return")) {
        m_returnValue = stmt.value(QStringLiteral("value")).isObject() ? eval(child(stmt, "value"), scope) : noneValue();
        return Flow::Return;
    } else if (t == QLatin1String("If")) {
        return execIf(stmt, scope);
    } else if (t == QLatin1String("For") || t == QLatin1String("AsyncFor")) {
        return execFor(stmt, scope);
    } else if (t == QLatin1String("While")) {
        return execWhile(stmt, scope);
    } else if (t == QLatin1String("With") || t == QLatin1String("AsyncWith")) {
        for (const QJsonValue &item : children(stmt, "items")) {
            const QJsonObject o = item.toObject();
            const ValuePtr context = eval(child(o, "context_expr"), scope);
            if (o.value(QStringLiteral("optional_vars")).isObject())
                assign(child(o, "optional_vars"), unknownValue(UnknownKind::External, snippet(child(o, "context_expr")), line), scope);
        }
        return execBlock(children(stmt, "body"), scope);
    } else if (t == QLatin1String("Try") || t == QLatin1String("TryStar")) {
        // The code is read as if no exception happens: the body, its else, then finally.
        Flow flow = execBlock(children(stmt, "body"), scope);
        if (flow == Flow::Normal)
            flow = execBlock(children(stmt, "orelse"), scope);
        const Flow final = execBlock(children(stmt, "finalbody"), scope);
        return final != Flow::Normal ? final : flow;
    } else if (t == QLatin1String("FunctionDef") || t == QLatin1String("AsyncFunctionDef")) {
        m_functions.push_back(FunctionRecord{stmt.value(QStringLiteral("name")).toString(), stmt, scope});
        auto f = makeValue(Kind::Function);
        f->index = int(m_functions.size()) - 1;
        f->text = m_functions.back().name;
        scope->vars.insert(f->text, f);
    } else if (t == QLatin1String("ClassDef")) {
        ClassRecord c;
        c.name = stmt.value(QStringLiteral("name")).toString();
        c.line = line;
        for (const QJsonValue &b : children(stmt, "bases")) {
            const ValuePtr base = eval(b.toObject(), scope);
            c.bases << snippet(b.toObject());
            if (base->kind == Kind::Keras
                && (base->symbol == KerasSymbol::BaseModel || base->symbol == KerasSymbol::Model
                    || base->symbol == KerasSymbol::Sequential))
                c.kerasModel = true;
            else if (base->kind == Kind::Keras)
                c.kerasLayer = true;
            else if (base->kind == Kind::Class) {
                c.kerasModel = c.kerasModel || classes.at(std::size_t(base->index)).kerasModel;
                c.kerasLayer = c.kerasLayer || classes.at(std::size_t(base->index)).kerasLayer;
            }
        }
        classes.push_back(c);
        auto v = makeValue(Kind::Class);
        v->index = int(classes.size()) - 1;
        v->text = c.name;
        scope->vars.insert(c.name, v);
    } else if (t == QLatin1String("Import") || t == QLatin1String("ImportFrom")) {
        execImport(stmt, scope);
    } else if (t == QLatin1String("Break")) {
        return Flow::Break;
    } else if (t == QLatin1String("Continue")) {
        return Flow::Continue;
    } else if (t == QLatin1String("Delete")) {
        for (const QJsonValue &target : children(stmt, "targets"))
            if (typeOf(target.toObject()) == QLatin1String("Name"))
                scope->vars.remove(target.toObject().value(QStringLiteral("id")).toString());
    } else if (t == QLatin1String("Match")) {
        notes << QStringLiteral("line %1: a match statement is not evaluated; its cases were skipped").arg(line);
    }
    // Pass, Global, Nonlocal, Assert, Raise: nothing that builds a model.
    return m_aborted ? Flow::Abort : Flow::Normal;
}

bool Interpreter::buildsLayers(const QJsonArray &body) const
{
    // Syntactic: a call of a known Keras layer or model name, or of `.add(`, anywhere inside.
    bool found = false;
    auto visit = [&](const QJsonValue &v, const auto &self) -> void {
        if (found)
            return;
        if (v.isArray()) {
            for (const QJsonValue &e : v.toArray())
                self(e, self);
            return;
        }
        if (!v.isObject())
            return;
        const QJsonObject o = v.toObject();
        if (typeOf(o) == QLatin1String("Call")) {
            const QJsonObject f = child(o, "func");
            const QString name = typeOf(f) == QLatin1String("Name") ? f.value(QStringLiteral("id")).toString()
                                                                    : f.value(QStringLiteral("attr")).toString();
            const ValuePtr symbol = resolveSymbol(QStringLiteral("keras.layers.") + name);
            if (name == QLatin1String("add") || name == QLatin1String("Sequential") || name == QLatin1String("Model")
                || (symbol->kind == Kind::Keras && symbol->symbol == KerasSymbol::LayerClass))
                found = true;
        }
        for (auto it = o.constBegin(); it != o.constEnd(); ++it)
            self(it.value(), self);
    };
    visit(body, visit);
    return found;
}

Interpreter::Flow Interpreter::execIf(const QJsonObject &stmt, const ScopePtr &scope)
{
    const QJsonObject test = child(stmt, "test");
    const std::optional<bool> condition = truthOf(eval(test, scope));
    if (condition)
        return execBlock(children(stmt, *condition ? "body" : "orelse"), scope);
    const bool building = buildsLayers(children(stmt, "body")) || buildsLayers(children(stmt, "orelse"));
    const QString message = QStringLiteral("line %1: the condition `%2` cannot be evaluated without running the code")
                                .arg(lineOf(stmt)).arg(snippet(test));
    if (building)
        errors << message + QStringLiteral(" and its branches build layers: give the values it depends on "
                                           "(--set NAME=VALUE) or read a function that does not branch");
    else
        notes << message + QStringLiteral("; its branches build no layers and were skipped");
    return Flow::Normal;
}

Interpreter::Flow Interpreter::execFor(const QJsonObject &stmt, const ScopePtr &scope)
{
    const ValuePtr iterable = eval(child(stmt, "iter"), scope);
    const auto items = iterate(iterable);
    if (!items) {
        const QString message = QStringLiteral("line %1: the loop over `%2` cannot be evaluated without running the code")
                                    .arg(lineOf(stmt)).arg(snippet(child(stmt, "iter")));
        if (buildsLayers(children(stmt, "body")))
            errors << message + QStringLiteral(" and it builds layers: give the values it depends on (--set NAME=VALUE)");
        else
            notes << message + QStringLiteral("; it builds no layers and was skipped");
        return Flow::Normal;
    }
    for (const ValuePtr &item : *items) {
        assign(child(stmt, "target"), item, scope);
        const Flow flow = execBlock(children(stmt, "body"), scope);
        if (flow == Flow::Break)
            return Flow::Normal;
        if (flow == Flow::Return || flow == Flow::Abort)
            return flow;
    }
    return execBlock(children(stmt, "orelse"), scope);
}

Interpreter::Flow Interpreter::execWhile(const QJsonObject &stmt, const ScopePtr &scope)
{
    for (int i = 0; i < maxLoopIterations; ++i) {
        const std::optional<bool> condition = truthOf(eval(child(stmt, "test"), scope));
        if (!condition) {
            const QString message = QStringLiteral("line %1: the loop condition `%2` cannot be evaluated without running the code")
                                        .arg(lineOf(stmt)).arg(snippet(child(stmt, "test")));
            if (buildsLayers(children(stmt, "body")))
                errors << message + QStringLiteral(" and the loop builds layers");
            else
                notes << message + QStringLiteral("; the loop builds no layers and was skipped");
            return Flow::Normal;
        }
        if (!*condition)
            return execBlock(children(stmt, "orelse"), scope);
        const Flow flow = execBlock(children(stmt, "body"), scope);
        if (flow == Flow::Break)
            return Flow::Normal;
        if (flow == Flow::Return || flow == Flow::Abort)
            return flow;
    }
    errors << QStringLiteral("line %1: the while loop runs more than %2 times; Graft stopped reading it")
                  .arg(lineOf(stmt)).arg(maxLoopIterations);
    m_aborted = true;
    return Flow::Abort;
}

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
        scope->vars.insert(as.isString() ? as.toString() : name, resolveSymbol(module + QLatin1Char('.') + name));
    }
}

void Interpreter::assign(const QJsonObject &target, const ValuePtr &value, const ScopePtr &scope)
{
    const QString t = typeOf(target);
    const int line = lineOf(target);
    if (t == QLatin1String("Name")) {
        const QString name = target.value(QStringLiteral("id")).toString();
        // --set NAME=VALUE overrides a module-level variable the code computes from data.
        const bool bound = scope == m_globals && m_options.bindings.contains(name);
        scope->vars.insert(name, bound ? valueFromJson(m_options.bindings.value(name)) : value);
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
        if (attr == QLatin1String("trainable") && (object->kind == Kind::Layer || object->kind == Kind::Model)) {
            const std::optional<bool> flag = truthOf(value);
            if (!flag) {
                notes << QStringLiteral("line %1: `%2` cannot be evaluated; trainable left unchanged").arg(line).arg(snippet(target));
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
                notes << QStringLiteral("line %1: trainable set on a functional model is not recorded per layer").arg(line);
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
    case Kind::Tuple: case Kind::List: return value->items;
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
        QStringLiteral("range"), QStringLiteral("len"), QStringLiteral("int"), QStringLiteral("float"), QStringLiteral("str"),
        QStringLiteral("bool"), QStringLiteral("list"), QStringLiteral("tuple"), QStringLiteral("dict"), QStringLiteral("set"),
        QStringLiteral("enumerate"), QStringLiteral("zip"), QStringLiteral("min"), QStringLiteral("max"), QStringLiteral("abs"),
        QStringLiteral("round"), QStringLiteral("sum"), QStringLiteral("print"), QStringLiteral("reversed"),
        QStringLiteral("sorted"), QStringLiteral("any"), QStringLiteral("all"), QStringLiteral("getattr"),
        QStringLiteral("isinstance"), QStringLiteral("super")};
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
    if (skipDefinitions && (t == QLatin1String("FunctionDef") || t == QLatin1String("AsyncFunctionDef")
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
            if (names.mid(0, 3).contains(alias.value(QStringLiteral("name")).toString()) && alias.value(QStringLiteral("asname")).isString())
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

} // namespace

QStringList Interpreter::modelBuildingFunctions(const QJsonObject &module)
{
    const QStringList constructors = modelConstructors(module);
    QStringList result;
    for (const QJsonValue &s : children(module, "body")) {
        const QJsonObject stmt = s.toObject();
        if (typeOf(stmt) != QLatin1String("FunctionDef") && typeOf(stmt) != QLatin1String("AsyncFunctionDef"))
            continue;
        QStringList called;
        calledNames(stmt.value(QStringLiteral("body")), &called, false);
        if (constructsModel(called, constructors))
            result << stmt.value(QStringLiteral("name")).toString();
    }
    return result;
}

QStringList Interpreter::topLevelFunctions(const QJsonObject &module)
{
    QStringList result;
    for (const QJsonValue &s : children(module, "body")) {
        const QJsonObject stmt = s.toObject();
        if (typeOf(stmt) == QLatin1String("FunctionDef") || typeOf(stmt) == QLatin1String("AsyncFunctionDef"))
            result << stmt.value(QStringLiteral("name")).toString();
    }
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
    for (const QJsonValue &s : children(module, "body")) {
        const QJsonObject stmt = s.toObject();
        if ((typeOf(stmt) == QLatin1String("FunctionDef") || typeOf(stmt) == QLatin1String("AsyncFunctionDef"))
            && stmt.value(QStringLiteral("name")).toString() == name)
            return lineOf(stmt);
    }
    return 0;
}

} // namespace graft::pycode
