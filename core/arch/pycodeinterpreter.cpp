#include "core/arch/pycodehelpers.h"
#include "core/arch/pycodeinterpreter.h"

namespace graft::pycode {

namespace {

// Model-building code runs a few thousand steps; a budget keeps a `while True:` from hanging Graft.
constexpr qint64 maxSteps = 2'000'000;
constexpr int maxLoopIterations = 100'000;

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
                                 "Graft stopped reading it")
                      .arg(line)
                      .arg(maxSteps);
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
        const bool assignment = t == QLatin1String("Assign") || t == QLatin1String("AnnAssign");
        if (t == QLatin1String("Import") || t == QLatin1String("ImportFrom") || t == QLatin1String("FunctionDef")
            || t == QLatin1String("AsyncFunctionDef") || t == QLatin1String("ClassDef")
            || (assignment && callsOnlyBuiltins(stmt.value(QStringLiteral("value")), callsOnlyBuiltins))) {
            exec(stmt, m_globals);
        } else if (assignment) {
            // Computed from data at module level (NUM_CLASSES = len(os.listdir(…))): unknown, but --set can give it.
            const QJsonArray targets = t == QLatin1String("Assign") ? children(stmt, "targets")
                                                                    : QJsonArray{stmt.value(QStringLiteral("target"))};
            for (const QJsonValue &target : targets) {
                const QJsonObject name = target.toObject();
                if (typeOf(name) != QLatin1String("Name"))
                    continue;
                const QString id = name.value(QStringLiteral("id")).toString();
                auto unknown = unknownValue(UnknownKind::External,
                                            QStringLiteral("`%1` (computed at line %2 by `%3`)")
                                                .arg(id)
                                                .arg(lineOf(stmt))
                                                .arg(snippet(child(stmt, "value"))),
                                            lineOf(stmt));
                unknown->parameter = id;
                assign(name, unknown, m_globals);
            }
        }
    }
    const QString owner = function.contains(QLatin1Char('.')) ? function.section(QLatin1Char('.'), 0, 0) : QString();
    const ValuePtr cls = owner.isEmpty() ? nullptr : m_globals->vars.value(owner);
    ValuePtr f = cls && cls->kind == Kind::Class && classes.at(std::size_t(cls->index)).attributes
                     ? classes.at(std::size_t(cls->index)).attributes->vars.value(function.section(QLatin1Char('.'), 1))
                     : m_globals->vars.value(function);
    if (!f || f->kind != Kind::Function) {
        errors << QStringLiteral("the code defines no function named '%1'").arg(function);
        return;
    }
    entryLine = lineOf(m_functions.at(std::size_t(f->index)).node);
    QJsonObject callNode{{QStringLiteral("_t"), QStringLiteral("Call")}, {QStringLiteral("_l"), entryLine}};
    std::vector<ValuePtr> self;
    if (cls) {
        // A method: `self` is an object made by the class's __init__, whose arguments are unknown too.
        m_entryCall = true;
        self.push_back(instantiate(cls, {}, {}, callNode));
    }
    m_entryCall = true;
    returned = callFunction(f->index, self, {}, callNode);
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
        m_returnValue =
            stmt.value(QStringLiteral("value")).isObject() ? eval(child(stmt, "value"), scope) : noneValue();
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
                assign(child(o, "optional_vars"),
                       unknownValue(UnknownKind::External, snippet(child(o, "context_expr")), line), scope);
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
        if (!c.kerasLayer && !c.kerasModel) {
            // A configuration class (class Config: NUM_CLASSES = 10): its class-level values are read.
            c.attributes = std::make_shared<Scope>();
            c.attributes->parent = scope;
            execBlock(children(stmt, "body"), c.attributes);
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
                                .arg(lineOf(stmt))
                                .arg(snippet(test));
    if (building)
        errors << message
                      + QStringLiteral(" and its branches build layers: give the values it depends on "
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
        const QString message =
            QStringLiteral("line %1: the loop over `%2` cannot be evaluated without running the code")
                .arg(lineOf(stmt))
                .arg(snippet(child(stmt, "iter")));
        if (buildsLayers(children(stmt, "body")))
            errors << message
                          + QStringLiteral(" and it builds layers: give the values it depends on (--set NAME=VALUE)");
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
            const QString message =
                QStringLiteral("line %1: the loop condition `%2` cannot be evaluated without running the code")
                    .arg(lineOf(stmt))
                    .arg(snippet(child(stmt, "test")));
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
                  .arg(lineOf(stmt))
                  .arg(maxLoopIterations);
    m_aborted = true;
    return Flow::Abort;
}

} // namespace graft::pycode
