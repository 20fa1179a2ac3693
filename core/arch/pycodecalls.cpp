// Interpreter: calls of the code's functions, Python builtins and methods.
#include "core/arch/pycodehelpers.h"
#include "core/arch/pycodeinterpreter.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>

namespace graft::pycode {

namespace {

constexpr int maxCallDepth = 64;
constexpr qint64 maxRangeLength = 100'000;

} // namespace

ValuePtr Interpreter::call(const ValuePtr &callee, std::vector<ValuePtr> args,
                           std::vector<std::pair<QString, ValuePtr>> kwargs, const QJsonObject &node)
{
    const int line = lineOf(node);
    std::vector<ValuePtr> all = args;
    for (const auto &kv : kwargs)
        all.push_back(kv.second);
    switch (callee->kind) {
    case Kind::Builtin: return callBuiltin(callee->text, args, kwargs, node);
    case Kind::Keras: return callKeras(callee, args, kwargs, node);
    case Kind::Layer: return callLayer(callee->index, args, kwargs, node);
    case Kind::Function: return callFunction(callee->index, args, kwargs, node);
    case Kind::Method:
        if (callee->index >= 0) { // a method defined in the code, bound to its object
            std::vector<ValuePtr> withSelf{callee->self};
            withSelf.insert(withSelf.end(), args.begin(), args.end());
            return callFunction(callee->index, withSelf, kwargs, node);
        }
        return callMethod(callee->self, callee->text, args, kwargs, node);
    case Kind::Model:
        return unknownValue(UnknownKind::Foreign,
                            QStringLiteral("`%1`, a model called as a layer (nested models are "
                                           "not supported when reading code)")
                                .arg(snippet(node)),
                            line);
    case Kind::Class: {
        const ClassRecord &c = classes.at(std::size_t(callee->index));
        if (c.kerasLayer || c.kerasModel)
            return unknownValue(
                UnknownKind::Foreign,
                QStringLiteral("`%1`, an object of %2, a custom Keras %3 class defined "
                               "at line %4 (Graft reads built-in Keras layers only)")
                    .arg(snippet(node), c.name, c.kerasModel ? QStringLiteral("model") : QStringLiteral("layer"))
                    .arg(c.line),
                line);
        return instantiate(callee, args, kwargs, node);
    }
    case Kind::Module: {
        const QString path = callee->text;
        if (anyTensor(all))
            return unknownValue(UnknownKind::TensorOp,
                                QStringLiteral("`%1`, a TensorFlow operation on Keras tensors (it would "
                                               "become a TFOpLambda layer, which Graft cannot represent; "
                                               "use Keras layers instead)")
                                    .arg(snippet(node)),
                                line);
        if (path.startsWith(QLatin1String("math.")) && args.size() == 1 && isNumber(args[0])) {
            const double x = numberOf(args[0]);
            if (path == QLatin1String("math.ceil"))
                return intValue(qint64(std::ceil(x)));
            if (path == QLatin1String("math.floor"))
                return intValue(qint64(std::floor(x)));
            if (path == QLatin1String("math.sqrt") && x >= 0)
                return floatValue(std::sqrt(x));
            if (path == QLatin1String("math.log2") && x > 0)
                return floatValue(std::log2(x));
        }
        const bool foreign = path.startsWith(QLatin1Char('.'));
        return unknownValue(foreign ? UnknownKind::Foreign : UnknownKind::External,
                            foreign
                                ? QStringLiteral("`%1`, from a module of your project (%2) that Graft does not read "
                                                 "(paste that function into the file)")
                                      .arg(snippet(node), path.section(QLatin1Char('.'), 0, -2))
                                : snippet(node),
                            line);
    }
    case Kind::Unknown: {
        auto v = unknownValue(callee->unknown == UnknownKind::Foreign ? UnknownKind::Foreign
                              : anyTensor(all)                        ? UnknownKind::TensorOp
                                                                      : UnknownKind::External,
                              callee->unknown == UnknownKind::Foreign ? callee->text : snippet(node), line);
        v->parameter = callee->parameter;
        return v;
    }
    default: return unknownValue(UnknownKind::External, snippet(node), line);
    }
}

ValuePtr Interpreter::instantiate(const ValuePtr &cls, const std::vector<ValuePtr> &args,
                                  const std::vector<std::pair<QString, ValuePtr>> &kwargs, const QJsonObject &node)
{
    auto instance = makeValue(Kind::Instance);
    instance->index = cls->index;
    instance->text = cls->text;
    instance->scope = std::make_shared<Scope>();
    const ClassRecord &c = classes.at(std::size_t(cls->index));
    const ValuePtr init = c.attributes ? c.attributes->vars.value(QStringLiteral("__init__")) : nullptr;
    if (init && init->kind == Kind::Function) {
        std::vector<ValuePtr> withSelf{instance};
        withSelf.insert(withSelf.end(), args.begin(), args.end());
        callFunction(init->index, withSelf, kwargs, node);
    }
    m_entryCall = false;
    return instance;
}

ValuePtr Interpreter::callFunction(int function, const std::vector<ValuePtr> &args,
                                   const std::vector<std::pair<QString, ValuePtr>> &kwargs, const QJsonObject &node)
{
    const int line = lineOf(node);
    const FunctionRecord record = m_functions.at(std::size_t(function));
    if (m_depth >= maxCallDepth) {
        errors << QStringLiteral("line %1: calls nest more than %2 deep (recursion?); Graft stopped following them")
                      .arg(line)
                      .arg(maxCallDepth);
        m_aborted = true;
        return unknownValue(UnknownKind::External, snippet(node), line);
    }
    const bool entry = m_entryCall;
    m_entryCall = false;
    const QJsonObject arguments = record.node.value(QStringLiteral("args")).toObject();
    auto scope = std::make_shared<Scope>();
    scope->parent = record.closure;
    QStringList params;
    for (const char *key : {"posonlyargs", "args"})
        for (const QJsonValue &a : arguments.value(QLatin1String(key)).toArray())
            params << a.toObject().value(QStringLiteral("arg")).toString();
    QStringList kwOnly;
    for (const QJsonValue &a : arguments.value(QStringLiteral("kwonlyargs")).toArray())
        kwOnly << a.toObject().value(QStringLiteral("arg")).toString();
    const QJsonArray defaults = arguments.value(QStringLiteral("defaults")).toArray();
    const QJsonArray kwDefaults = arguments.value(QStringLiteral("kw_defaults")).toArray();
    const QJsonValue vararg = arguments.value(QStringLiteral("vararg"));
    const QJsonValue kwarg = arguments.value(QStringLiteral("kwarg"));

    std::vector<ValuePtr> extra;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (int(i) < params.size())
            scope->vars.insert(params.at(int(i)), args[i]);
        else
            extra.push_back(args[i]);
    }
    auto extraKw = makeValue(Kind::Dict);
    for (const auto &[name, value] : kwargs) {
        if (params.contains(name) || kwOnly.contains(name)) {
            scope->vars.insert(name, value);
        } else {
            extraKw->keys << name;
            extraKw->items.push_back(value);
        }
    }
    if (vararg.isObject())
        scope->vars.insert(vararg.toObject().value(QStringLiteral("arg")).toString(),
                           sequenceValue(Kind::Tuple, extra));
    else if (!extra.empty())
        notes << QStringLiteral("line %1: %2() is called with more arguments than it takes; the extra ones are ignored")
                     .arg(line)
                     .arg(record.name);
    if (kwarg.isObject())
        scope->vars.insert(kwarg.toObject().value(QStringLiteral("arg")).toString(), extraKw);

    auto bindMissing = [&](const QString &name, const QJsonValue &defaultNode) {
        if (scope->vars.contains(name))
            return;
        if (entry && m_options.bindings.contains(name)) {
            scope->vars.insert(name, valueFromJson(m_options.bindings.value(name)));
            notes << QStringLiteral("parameter `%1` of %2 = %3 (given)")
                         .arg(name, record.name,
                              QString::fromUtf8(QJsonDocument(QJsonArray{m_options.bindings.value(name)})
                                                    .toJson(QJsonDocument::Compact))
                                  .mid(1)
                                  .chopped(1));
            return;
        }
        if (defaultNode.isObject()) {
            const ValuePtr value = eval(defaultNode.toObject(), record.closure);
            scope->vars.insert(name, value);
            if (entry)
                notes << QStringLiteral("parameter `%1` of %2 takes its default `%3`")
                             .arg(name, record.name, snippet(defaultNode.toObject()));
            return;
        }
        auto unknown = unknownValue(
            entry ? UnknownKind::Parameter : UnknownKind::External,
            QStringLiteral("`%1` (a parameter of %2, line %3)").arg(name, record.name).arg(lineOf(record.node)),
            lineOf(record.node));
        unknown->parameter = name;
        scope->vars.insert(name, unknown);
        if (!entry)
            notes
                << QStringLiteral("line %1: %2() is called without its argument `%3`").arg(line).arg(record.name, name);
    };
    for (int i = 0; i < params.size(); ++i) {
        const int d = i - (params.size() - defaults.size());
        bindMissing(params.at(i), d >= 0 ? defaults.at(d) : QJsonValue());
    }
    for (int i = 0; i < kwOnly.size(); ++i)
        bindMissing(kwOnly.at(i), i < kwDefaults.size() ? kwDefaults.at(i) : QJsonValue());

    ++m_depth;
    ValuePtr result = noneValue();
    if (typeOf(record.node) == QLatin1String("Lambda")) {
        result = eval(record.node.value(QStringLiteral("body")).toObject(), scope);
    } else {
        m_returnValue = noneValue();
        if (execBlock(record.node.value(QStringLiteral("body")).toArray(), scope) == Flow::Return)
            result = m_returnValue;
    }
    --m_depth;
    return result;
}

ValuePtr Interpreter::callBuiltin(const QString &name, const std::vector<ValuePtr> &args,
                                  const std::vector<std::pair<QString, ValuePtr>> &kwargs, const QJsonObject &node)
{
    const int line = lineOf(node);
    const ValuePtr unknown =
        unknownValue(anyTensor(args) ? UnknownKind::TensorOp : UnknownKind::External, snippet(node), line);
    for (const ValuePtr &a : args)
        if (a->kind == Kind::Unknown && !unknown->parameter.size())
            unknown->parameter = a->parameter;
    const ValuePtr first = args.empty() ? nullptr : args.front();
    if (name == QLatin1String("print"))
        return noneValue();
    if (name == QLatin1String("range")) {
        if (args.empty() || args.size() > 3 || !std::all_of(args.begin(), args.end(), isIntegral))
            return unknown;
        const qint64 start = args.size() > 1 ? integerOf(args[0]) : 0;
        const qint64 stop = args.size() > 1 ? integerOf(args[1]) : integerOf(args[0]);
        const qint64 step = args.size() > 2 ? integerOf(args[2]) : 1;
        if (step == 0)
            return unknown;
        std::vector<ValuePtr> items;
        for (qint64 i = start; step > 0 ? i < stop : i > stop; i += step) {
            if (qint64(items.size()) >= maxRangeLength)
                return unknown;
            items.push_back(intValue(i));
        }
        return sequenceValue(Kind::List, std::move(items));
    }
    if (name == QLatin1String("len")) {
        if (first && (first->kind == Kind::List || first->kind == Kind::Tuple || first->kind == Kind::Dict))
            return intValue(qint64(first->items.size()));
        if (first && first->kind == Kind::Str)
            return intValue(first->text.size());
        return unknown;
    }
    if (name == QLatin1String("int")) {
        if (first && isIntegral(first))
            return intValue(integerOf(first));
        if (first && first->kind == Kind::Float && std::isfinite(first->real))
            return intValue(qint64(first->real));
        bool ok = false;
        const qint64 v = first && first->kind == Kind::Str ? first->text.trimmed().toLongLong(&ok) : 0;
        return ok ? intValue(v) : unknown;
    }
    if (name == QLatin1String("float")) {
        if (first && isNumber(first))
            return floatValue(numberOf(first));
        bool ok = false;
        const double v = first && first->kind == Kind::Str ? first->text.trimmed().toDouble(&ok) : 0.0;
        return ok ? floatValue(v) : unknown;
    }
    if (name == QLatin1String("str")) {
        const auto s = first ? pythonStr(first) : std::optional<QString>(QString());
        return s ? strValue(*s) : unknown;
    }
    if (name == QLatin1String("bool")) {
        const auto b = first ? truthOf(first) : std::optional<bool>(false);
        return b ? boolValue(*b) : unknown;
    }
    if (name == QLatin1String("list") || name == QLatin1String("tuple") || name == QLatin1String("set")) {
        if (!first)
            return sequenceValue(name == QLatin1String("tuple") ? Kind::Tuple : Kind::List, {});
        const auto items = iterate(first);
        return items ? sequenceValue(name == QLatin1String("tuple") ? Kind::Tuple : Kind::List, *items) : unknown;
    }
    if (name == QLatin1String("dict")) {
        auto dict = makeValue(Kind::Dict);
        if (first && first->kind == Kind::Dict) {
            dict->keys = first->keys;
            dict->items = first->items;
        } else if (first) {
            return unknown;
        }
        for (const auto &[k, v] : kwargs) {
            dict->keys << k;
            dict->items.push_back(v);
        }
        return dict;
    }
    if (name == QLatin1String("enumerate")) {
        const auto items = first ? iterate(first) : std::nullopt;
        if (!items)
            return unknown;
        const ValuePtr startValue = args.size() > 1 ? args[1] : argument({}, kwargs, -1, QStringLiteral("start"));
        qint64 i = startValue && isIntegral(startValue) ? integerOf(startValue) : 0;
        std::vector<ValuePtr> pairs;
        for (const ValuePtr &item : *items)
            pairs.push_back(sequenceValue(Kind::Tuple, {intValue(i++), item}));
        return sequenceValue(Kind::List, std::move(pairs));
    }
    if (name == QLatin1String("zip")) {
        std::vector<std::vector<ValuePtr>> lists;
        for (const ValuePtr &a : args) {
            const auto items = iterate(a);
            if (!items)
                return unknown;
            lists.push_back(*items);
        }
        std::size_t n = lists.empty() ? 0 : SIZE_MAX;
        for (const auto &l : lists)
            n = std::min(n, l.size());
        std::vector<ValuePtr> tuples;
        for (std::size_t i = 0; i < n; ++i) {
            std::vector<ValuePtr> t;
            for (const auto &l : lists)
                t.push_back(l[i]);
            tuples.push_back(sequenceValue(Kind::Tuple, std::move(t)));
        }
        return sequenceValue(Kind::List, std::move(tuples));
    }
    if (name == QLatin1String("min") || name == QLatin1String("max") || name == QLatin1String("sum")) {
        std::vector<ValuePtr> values = args;
        if (args.size() == 1 || name == QLatin1String("sum")) {
            const auto items = first ? iterate(first) : std::nullopt;
            if (!items)
                return unknown;
            values = *items;
        }
        if (values.empty() || !std::all_of(values.begin(), values.end(), isNumber))
            return name == QLatin1String("sum") && values.empty() ? intValue(0) : unknown;
        const bool ints = std::all_of(values.begin(), values.end(), isIntegral);
        if (name == QLatin1String("sum")) {
            double total = 0;
            for (const ValuePtr &v : values)
                total += numberOf(v);
            return ints ? intValue(qint64(total)) : floatValue(total);
        }
        ValuePtr best = values.front();
        for (const ValuePtr &v : values)
            if (name == QLatin1String("min") ? numberOf(v) < numberOf(best) : numberOf(v) > numberOf(best))
                best = v;
        return best;
    }
    if (name == QLatin1String("abs") && first && isNumber(first))
        return first->kind == Kind::Float ? floatValue(std::abs(first->real)) : intValue(std::abs(integerOf(first)));
    if (name == QLatin1String("round") && first && isNumber(first)) {
        if (args.size() == 1)
            return intValue(qint64(std::nearbyint(numberOf(first)))); // Python rounds half to even
        if (isIntegral(args[1])) {
            const double scale = std::pow(10.0, double(integerOf(args[1])));
            return floatValue(std::nearbyint(numberOf(first) * scale) / scale);
        }
    }
    if ((name == QLatin1String("reversed") || name == QLatin1String("sorted")) && first) {
        auto items = iterate(first);
        if (!items)
            return unknown;
        if (name == QLatin1String("reversed")) {
            std::reverse(items->begin(), items->end());
        } else {
            if (!std::all_of(items->begin(), items->end(), isNumber))
                return unknown;
            std::stable_sort(items->begin(), items->end(),
                             [](const ValuePtr &a, const ValuePtr &b) { return numberOf(a) < numberOf(b); });
        }
        return sequenceValue(Kind::List, std::move(*items));
    }
    if ((name == QLatin1String("any") || name == QLatin1String("all")) && first) {
        const auto items = iterate(first);
        if (!items)
            return unknown;
        const bool isAny = name == QLatin1String("any");
        for (const ValuePtr &v : *items) {
            const auto b = truthOf(v);
            if (!b)
                return unknown;
            if (*b == isAny)
                return boolValue(isAny);
        }
        return boolValue(!isAny);
    }
    if (name == QLatin1String("getattr") && args.size() >= 2 && args[1]->kind == Kind::Str)
        return attribute(args[0], args[1]->text, node);
    return unknown;
}

} // namespace graft::pycode
