// Interpreter: calls of the code's functions, Python builtins and methods.
#include "core/arch/pycodeinterpreter.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>

namespace graft::pycode {

namespace {

constexpr int maxCallDepth = 64;
constexpr qint64 maxRangeLength = 100'000;

QString typeOf(const QJsonObject &n) { return n.value(QStringLiteral("_t")).toString(); }
int lineOf(const QJsonObject &n) { return n.value(QStringLiteral("_l")).toInt(); }

std::optional<QString> pythonStr(const ValuePtr &v)
{
    switch (v->kind) {
    case Kind::Str: return v->text;
    case Kind::Int: return QString::number(v->integer);
    case Kind::Float:
        return v->real == std::floor(v->real) && std::abs(v->real) < 1e16 ? QString::number(v->real, 'f', 1)
                                                                         : QString::number(v->real, 'g', QLocale::FloatingPointShortest);
    case Kind::Bool: return v->boolean ? QStringLiteral("True") : QStringLiteral("False");
    case Kind::None: return QStringLiteral("None");
    default: return std::nullopt;
    }
}

ValuePtr kwarg(const std::vector<std::pair<QString, ValuePtr>> &kwargs, const QString &name)
{
    for (const auto &[k, v] : kwargs)
        if (k == name)
            return v;
    return nullptr;
}

bool anyTensor(const std::vector<ValuePtr> &values)
{
    for (const ValuePtr &v : values) {
        if (v->kind == Kind::Tensor || (v->kind == Kind::Unknown && v->unknown == UnknownKind::TensorOp))
            return true;
        if ((v->kind == Kind::List || v->kind == Kind::Tuple) && anyTensor(v->items))
            return true;
    }
    return false;
}

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
    case Kind::Method: return callMethod(callee->self, callee->text, args, kwargs, node);
    case Kind::Model:
        return unknownValue(UnknownKind::Foreign, QStringLiteral("`%1` calls a model as a layer (nested models are not "
                                                                 "supported when reading code)").arg(snippet(node)), line);
    case Kind::Class: {
        const ClassRecord &c = classes.at(std::size_t(callee->index));
        if (c.kerasLayer || c.kerasModel)
            return unknownValue(UnknownKind::Foreign, QStringLiteral("`%1` creates %2, a custom Keras %3 class defined at line %4; "
                                                                     "Graft reads built-in Keras layers only")
                                                          .arg(snippet(node), c.name, c.kerasModel ? QStringLiteral("model") : QStringLiteral("layer"))
                                                          .arg(c.line), line);
        return unknownValue(UnknownKind::External, snippet(node), line);
    }
    case Kind::Module: {
        const QString path = callee->text;
        if (anyTensor(all))
            return unknownValue(UnknownKind::TensorOp, QStringLiteral("`%1` is a TensorFlow operation on Keras tensors (it would "
                                                                      "become a TFOpLambda layer, which Graft cannot represent); "
                                                                      "use Keras layers instead").arg(snippet(node)), line);
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
                            foreign ? QStringLiteral("`%1` comes from a module of your project (%2), which Graft does not read; "
                                                     "paste that function into the file").arg(snippet(node), path.section(QLatin1Char('.'), 0, -2))
                                    : snippet(node),
                            line);
    }
    case Kind::Unknown: {
        auto v = unknownValue(callee->unknown == UnknownKind::Foreign ? UnknownKind::Foreign
                              : anyTensor(all)                         ? UnknownKind::TensorOp
                                                                       : UnknownKind::External,
                              callee->unknown == UnknownKind::Foreign ? callee->text : snippet(node), line);
        v->parameter = callee->parameter;
        return v;
    }
    default:
        return unknownValue(UnknownKind::External, snippet(node), line);
    }
}

ValuePtr Interpreter::callFunction(int function, const std::vector<ValuePtr> &args,
                                   const std::vector<std::pair<QString, ValuePtr>> &kwargs, const QJsonObject &node)
{
    const int line = lineOf(node);
    const FunctionRecord record = m_functions.at(std::size_t(function));
    if (m_depth >= maxCallDepth) {
        errors << QStringLiteral("line %1: calls nest more than %2 deep (recursion?); Graft stopped following them")
                      .arg(line).arg(maxCallDepth);
        m_aborted = true;
        return unknownValue(UnknownKind::External, snippet(node), line);
    }
    const bool entry = m_depth == 0 && record.name == entryFunction;
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
        scope->vars.insert(vararg.toObject().value(QStringLiteral("arg")).toString(), sequenceValue(Kind::Tuple, extra));
    else if (!extra.empty())
        notes << QStringLiteral("line %1: %2() is called with more arguments than it takes; the extra ones are ignored")
                     .arg(line).arg(record.name);
    if (kwarg.isObject())
        scope->vars.insert(kwarg.toObject().value(QStringLiteral("arg")).toString(), extraKw);

    auto bindMissing = [&](const QString &name, const QJsonValue &defaultNode) {
        if (scope->vars.contains(name))
            return;
        if (entry && m_options.bindings.contains(name)) {
            scope->vars.insert(name, valueFromJson(m_options.bindings.value(name)));
            notes << QStringLiteral("parameter `%1` of %2 = %3 (given)").arg(name, record.name,
                                                                             QString::fromUtf8(QJsonDocument(QJsonArray{m_options.bindings.value(name)}).toJson(QJsonDocument::Compact)).mid(1).chopped(1));
            return;
        }
        if (defaultNode.isObject()) {
            const ValuePtr value = eval(defaultNode.toObject(), record.closure);
            scope->vars.insert(name, value);
            if (entry)
                notes << QStringLiteral("parameter `%1` of %2 takes its default `%3`").arg(name, record.name, snippet(defaultNode.toObject()));
            return;
        }
        auto unknown = unknownValue(entry ? UnknownKind::Parameter : UnknownKind::External,
                                    QStringLiteral("`%1` (a parameter of %2, line %3)").arg(name, record.name).arg(lineOf(record.node)),
                                    lineOf(record.node));
        unknown->parameter = name;
        scope->vars.insert(name, unknown);
        if (!entry)
            notes << QStringLiteral("line %1: %2() is called without its argument `%3`").arg(line).arg(record.name, name);
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
    const ValuePtr unknown = unknownValue(anyTensor(args) ? UnknownKind::TensorOp : UnknownKind::External, snippet(node), line);
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
        const ValuePtr startValue = args.size() > 1 ? args[1] : kwarg(kwargs, QStringLiteral("start"));
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
            std::stable_sort(items->begin(), items->end(), [](const ValuePtr &a, const ValuePtr &b) { return numberOf(a) < numberOf(b); });
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

ValuePtr Interpreter::callMethod(const ValuePtr &self, const QString &name, const std::vector<ValuePtr> &args,
                                 const std::vector<std::pair<QString, ValuePtr>> &kwargs, const QJsonObject &node)
{
    const int line = lineOf(node);
    const ValuePtr first = args.empty() ? nullptr : args.front();
    if (self->kind == Kind::Model) {
        ModelRecord &model = models.at(std::size_t(self->index));
        if (name == QLatin1String("add")) {
            const ValuePtr item = first ? first : kwarg(kwargs, QStringLiteral("layer"));
            if (!model.sequential)
                errors << QStringLiteral("line %1: `%2`: add() on a functional model").arg(line).arg(snippet(node));
            else if (item)
                addToSequential(self->index, item, line);
            return noneValue();
        }
        if (name == QLatin1String("pop") && model.sequential && !model.layers.empty()) {
            layers.at(std::size_t(model.layers.back())).addedTo = -1;
            model.layers.pop_back();
            return noneValue();
        }
        if (name == QLatin1String("get_layer")) {
            const ValuePtr wanted = first ? first : kwarg(kwargs, QStringLiteral("name"));
            for (std::size_t l = 0; l < layers.size(); ++l) {
                if (wanted && ((wanted->kind == Kind::Str && layers[l].name == wanted->text)
                               || (isIntegral(wanted) && model.sequential && integerOf(wanted) >= 0
                                   && integerOf(wanted) < qint64(model.layers.size()) && model.layers[std::size_t(integerOf(wanted))] == int(l)))) {
                    auto v = makeValue(Kind::Layer);
                    v->index = int(l);
                    return v;
                }
            }
        }
        if (name == QLatin1String("__call__") || name == QLatin1String("call"))
            return call(self, args, kwargs, node);
        return noneValue(); // summary, compile, fit, load_weights, save: nothing that changes the architecture
    }
    if (self->kind == Kind::Layer) {
        if (name == QLatin1String("__call__") || name == QLatin1String("call"))
            return callLayer(self->index, args, kwargs, node);
        return noneValue();
    }
    if (self->kind == Kind::List) {
        if (name == QLatin1String("append") && first) {
            self->items.push_back(first);
            return noneValue();
        }
        if (name == QLatin1String("extend") && first) {
            const auto items = iterate(first);
            if (items)
                self->items.insert(self->items.end(), items->begin(), items->end());
            return noneValue();
        }
        if (name == QLatin1String("insert") && args.size() == 2 && isIntegral(args[0])) {
            const qint64 size = qint64(self->items.size());
            qint64 i = integerOf(args[0]);
            i = std::clamp<qint64>(i < 0 ? i + size : i, 0, size);
            self->items.insert(self->items.begin() + i, args[1]);
            return noneValue();
        }
        if (name == QLatin1String("pop") && !self->items.empty()) {
            qint64 i = first && isIntegral(first) ? integerOf(first) : -1;
            if (i < 0)
                i += qint64(self->items.size());
            if (i >= 0 && i < qint64(self->items.size())) {
                const ValuePtr v = self->items[std::size_t(i)];
                self->items.erase(self->items.begin() + i);
                return v;
            }
        }
        if (name == QLatin1String("copy"))
            return sequenceValue(Kind::List, self->items);
        if (name == QLatin1String("reverse")) {
            std::reverse(self->items.begin(), self->items.end());
            return noneValue();
        }
    }
    if (self->kind == Kind::Dict) {
        auto find = [&](const ValuePtr &key) { return key && key->kind == Kind::Str ? self->keys.indexOf(key->text) : -1; };
        if (name == QLatin1String("get") && first) {
            const int k = find(first);
            return k >= 0 ? self->items[std::size_t(k)] : (args.size() > 1 ? args[1] : noneValue());
        }
        if (name == QLatin1String("keys") || name == QLatin1String("values") || name == QLatin1String("items")) {
            std::vector<ValuePtr> out;
            for (std::size_t i = 0; i < self->items.size(); ++i) {
                if (name == QLatin1String("keys"))
                    out.push_back(strValue(self->keys.at(int(i))));
                else if (name == QLatin1String("values"))
                    out.push_back(self->items[i]);
                else
                    out.push_back(sequenceValue(Kind::Tuple, {strValue(self->keys.at(int(i))), self->items[i]}));
            }
            return sequenceValue(Kind::List, std::move(out));
        }
        if (name == QLatin1String("update")) {
            auto put = [&](const QString &k, const ValuePtr &v) {
                const int i = self->keys.indexOf(k);
                if (i >= 0) {
                    self->items[std::size_t(i)] = v;
                } else {
                    self->keys << k;
                    self->items.push_back(v);
                }
            };
            if (first && first->kind == Kind::Dict)
                for (std::size_t i = 0; i < first->items.size(); ++i)
                    put(first->keys.at(int(i)), first->items[i]);
            for (const auto &[k, v] : kwargs)
                put(k, v);
            return noneValue();
        }
        if (name == QLatin1String("copy")) {
            auto copy = makeValue(Kind::Dict);
            copy->keys = self->keys;
            copy->items = self->items;
            return copy;
        }
        if ((name == QLatin1String("pop") || name == QLatin1String("setdefault")) && first) {
            const int k = find(first);
            if (k >= 0) {
                const ValuePtr v = self->items[std::size_t(k)];
                if (name == QLatin1String("pop")) {
                    self->keys.removeAt(k);
                    self->items.erase(self->items.begin() + k);
                }
                return v;
            }
            if (args.size() > 1) {
                if (name == QLatin1String("setdefault") && first->kind == Kind::Str) {
                    self->keys << first->text;
                    self->items.push_back(args[1]);
                }
                return args[1];
            }
        }
    }
    if (self->kind == Kind::Str) {
        if (name == QLatin1String("format")) {
            QString out;
            const QString &f = self->text;
            int auto_ = 0;
            for (int i = 0; i < f.size(); ++i) {
                if (f.at(i) == QLatin1Char('{') && i + 1 < f.size() && f.at(i + 1) == QLatin1Char('{')) {
                    out += QLatin1Char('{');
                    ++i;
                } else if (f.at(i) == QLatin1Char('}') && i + 1 < f.size() && f.at(i + 1) == QLatin1Char('}')) {
                    out += QLatin1Char('}');
                    ++i;
                } else if (f.at(i) == QLatin1Char('{')) {
                    const int close = f.indexOf(QLatin1Char('}'), i);
                    if (close < 0)
                        return unknownValue(UnknownKind::External, snippet(node), line);
                    const QString field = f.mid(i + 1, close - i - 1);
                    bool numeric = false;
                    const int index = field.isEmpty() ? auto_++ : field.toInt(&numeric);
                    const ValuePtr v = field.isEmpty() || numeric ? (index < int(args.size()) ? args[std::size_t(index)] : nullptr)
                                                                  : kwarg(kwargs, field);
                    const auto s = v ? pythonStr(v) : std::nullopt;
                    if (!s)
                        return unknownValue(UnknownKind::External, snippet(node), line);
                    out += *s;
                    i = close;
                } else {
                    out += f.at(i);
                }
            }
            return strValue(out);
        }
        if (name == QLatin1String("join") && first) {
            const auto items = iterate(first);
            QStringList parts;
            for (const ValuePtr &v : items ? *items : std::vector<ValuePtr>{}) {
                if (v->kind != Kind::Str)
                    return unknownValue(UnknownKind::External, snippet(node), line);
                parts << v->text;
            }
            if (items)
                return strValue(parts.join(self->text));
        }
        if (name == QLatin1String("upper"))
            return strValue(self->text.toUpper());
        if (name == QLatin1String("lower"))
            return strValue(self->text.toLower());
        if (name == QLatin1String("strip"))
            return strValue(self->text.trimmed());
        if (name == QLatin1String("replace") && args.size() == 2 && args[0]->kind == Kind::Str && args[1]->kind == Kind::Str)
            return strValue(QString(self->text).replace(args[0]->text, args[1]->text));
    }
    return unknownValue(anyTensor(args) ? UnknownKind::TensorOp : UnknownKind::External, snippet(node), line);
}

} // namespace graft::pycode
