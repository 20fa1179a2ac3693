// Interpreter: expressions, attributes and Keras names.
#include "core/arch/keraslayercatalog.h"
#include "core/common/jsonnumbers.h"
#include "core/arch/pycodehelpers.h"
#include "core/arch/pycodeinterpreter.h"

#include <QJsonArray>

#include <cmath>

namespace graft::pycode {

namespace {

std::optional<bool> equals(const ValuePtr &a, const ValuePtr &b)
{
    if (a->kind == Kind::Unknown || b->kind == Kind::Unknown || a->kind == Kind::Tensor || b->kind == Kind::Tensor)
        return std::nullopt;
    if (isNumber(a) && isNumber(b))
        return numberOf(a) == numberOf(b);
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case Kind::None: return true;
    case Kind::Str:
    case Kind::Module:
    case Kind::Builtin: return a->text == b->text;
    case Kind::Tuple:
    case Kind::List: {
        if (a->items.size() != b->items.size())
            return false;
        for (std::size_t i = 0; i < a->items.size(); ++i) {
            const auto e = equals(a->items[i], b->items[i]);
            if (!e || !*e)
                return e;
        }
        return true;
    }
    case Kind::Keras: return a->symbol == b->symbol && a->text == b->text;
    default: return a.get() == b.get() || (a->index >= 0 && a->index == b->index);
    }
}

qint64 floorDiv(qint64 a, qint64 b)
{
    qint64 q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        --q;
    return q;
}

ValuePtr derivedUnknown(const ValuePtr &a, const ValuePtr &b, const QString &description, int line)
{
    const ValuePtr source = a->kind == Kind::Unknown ? a : b;
    auto v = unknownValue(UnknownKind::External, description, line);
    if (a->kind == Kind::Tensor || b->kind == Kind::Tensor) {
        v->unknown = UnknownKind::TensorOp;
        v->text = QStringLiteral("`%1`, an operation on Keras tensors (it would become a TFOpLambda layer, which Graft "
                                 "cannot represent; use Keras layers such as layers.Add or layers.Multiply)")
                      .arg(description);
        return v;
    }
    if (source->kind == Kind::Unknown && source->unknown == UnknownKind::TensorOp) {
        v->unknown = UnknownKind::TensorOp;
        v->text = source->text;
    } else if (source->kind == Kind::Unknown && source->unknown == UnknownKind::Foreign)
        v->unknown = UnknownKind::Foreign;
    if (source->kind == Kind::Unknown)
        v->parameter = source->parameter;
    return v;
}

} // namespace

ValuePtr Interpreter::eval(const QJsonObject &expr, const ScopePtr &scope)
{
    const int line = lineOf(expr);
    if (budgetExceeded(line))
        return unknownValue(UnknownKind::External, QStringLiteral("(not evaluated)"), line);
    const QString t = typeOf(expr);
    if (t == QLatin1String("Constant")) {
        const QString k = expr.value(QStringLiteral("k")).toString();
        const QJsonValue v = expr.value(QStringLiteral("v"));
        if (k == QLatin1String("int"))
            return intValue(qint64(jsonInteger(v.toDouble())));
        if (k == QLatin1String("float"))
            return floatValue(v.toDouble());
        if (k == QLatin1String("str") || k == QLatin1String("bytes"))
            return strValue(v.toString());
        if (k == QLatin1String("bool"))
            return boolValue(v.toBool());
        if (k == QLatin1String("None"))
            return noneValue();
        if (k == QLatin1String("floatstr"))
            return floatValue(v.toString().contains(QLatin1String("nan")) ? std::nan("")
                              : v.toString().startsWith(QLatin1Char('-')) ? -INFINITY
                                                                          : INFINITY);
        return unknownValue(UnknownKind::External, snippet(expr), line);
    }
    if (t == QLatin1String("Name"))
        return lookup(expr.value(QStringLiteral("id")).toString(), scope, line);
    if (t == QLatin1String("Attribute"))
        return attribute(eval(child(expr, "value"), scope), expr.value(QStringLiteral("attr")).toString(), expr);
    if (t == QLatin1String("Call")) {
        const ValuePtr callee = eval(child(expr, "func"), scope);
        std::vector<ValuePtr> args;
        std::vector<std::pair<QString, ValuePtr>> kwargs;
        for (const QJsonValue &a : children(expr, "args")) {
            const QJsonObject arg = a.toObject();
            if (typeOf(arg) == QLatin1String("Starred")) {
                const ValuePtr spread = eval(child(arg, "value"), scope);
                if (const auto items = iterate(spread))
                    args.insert(args.end(), items->begin(), items->end());
                else
                    args.push_back(unknownValue(UnknownKind::External, snippet(arg), line));
            } else {
                args.push_back(eval(arg, scope));
            }
        }
        for (const QJsonValue &k : children(expr, "keywords")) {
            const QJsonObject kw = k.toObject();
            const ValuePtr value = eval(child(kw, "value"), scope);
            if (kw.value(QStringLiteral("arg")).isString()) {
                kwargs.emplace_back(kw.value(QStringLiteral("arg")).toString(), value);
            } else if (value->kind == Kind::Dict) {
                for (std::size_t i = 0; i < value->items.size(); ++i)
                    kwargs.emplace_back(value->keys.at(int(i)), value->items[i]);
            } else {
                notes << QStringLiteral("line %1: `**%2` cannot be evaluated; its keyword arguments are ignored")
                             .arg(line)
                             .arg(snippet(child(kw, "value")));
            }
        }
        return call(callee, std::move(args), std::move(kwargs), expr);
    }
    if (t == QLatin1String("BinOp"))
        return evalBinary(typeOf(child(expr, "op")), eval(child(expr, "left"), scope),
                          eval(child(expr, "right"), scope), expr);
    if (t == QLatin1String("UnaryOp")) {
        const QString op = typeOf(child(expr, "op"));
        const ValuePtr v = eval(child(expr, "operand"), scope);
        if (op == QLatin1String("Not")) {
            const auto b = truthOf(v);
            return b ? boolValue(!*b) : derivedUnknown(v, v, snippet(expr), line);
        }
        if (isIntegral(v) && op == QLatin1String("USub"))
            return intValue(-integerOf(v));
        if (isIntegral(v) && op == QLatin1String("UAdd"))
            return intValue(integerOf(v));
        if (isIntegral(v) && op == QLatin1String("Invert"))
            return intValue(~integerOf(v));
        if (v->kind == Kind::Float && op == QLatin1String("USub"))
            return floatValue(-v->real);
        if (v->kind == Kind::Float && op == QLatin1String("UAdd"))
            return v;
        return derivedUnknown(v, v, snippet(expr), line);
    }
    if (t == QLatin1String("BoolOp")) {
        const bool isAnd = typeOf(child(expr, "op")) == QLatin1String("And");
        ValuePtr last = noneValue();
        for (const QJsonValue &operand : children(expr, "values")) {
            last = eval(operand.toObject(), scope);
            const auto b = truthOf(last);
            if (!b)
                return derivedUnknown(last, last, snippet(expr), line);
            if (*b != isAnd)
                return last;
        }
        return last;
    }
    if (t == QLatin1String("Compare"))
        return evalCompare(expr, scope);
    if (t == QLatin1String("IfExp")) {
        const ValuePtr test = eval(child(expr, "test"), scope);
        const auto b = truthOf(test);
        if (!b)
            return derivedUnknown(test, test, snippet(expr), line);
        return eval(child(expr, *b ? "body" : "orelse"), scope);
    }
    if (t == QLatin1String("Tuple") || t == QLatin1String("List") || t == QLatin1String("Set")) {
        std::vector<ValuePtr> items;
        for (const QJsonValue &e : children(expr, "elts")) {
            const QJsonObject el = e.toObject();
            if (typeOf(el) == QLatin1String("Starred")) {
                const ValuePtr spread = eval(child(el, "value"), scope);
                if (const auto inner = iterate(spread))
                    items.insert(items.end(), inner->begin(), inner->end());
                else
                    return derivedUnknown(spread, spread, snippet(expr), line);
            } else {
                items.push_back(eval(el, scope));
            }
        }
        return sequenceValue(t == QLatin1String("Tuple") ? Kind::Tuple : Kind::List, std::move(items));
    }
    if (t == QLatin1String("Dict")) {
        auto dict = makeValue(Kind::Dict);
        const QJsonArray keys = children(expr, "keys"), values = children(expr, "values");
        for (int i = 0; i < keys.size() && i < values.size(); ++i) {
            const ValuePtr value = eval(values.at(i).toObject(), scope);
            if (keys.at(i).isNull()) { // {**other}
                if (value->kind == Kind::Dict)
                    for (std::size_t j = 0; j < value->items.size(); ++j) {
                        dict->keys << value->keys.at(int(j));
                        dict->items.push_back(value->items[j]);
                    }
                continue;
            }
            const ValuePtr key = eval(keys.at(i).toObject(), scope);
            if (key->kind != Kind::Str && !isIntegral(key))
                return unknownValue(UnknownKind::External, snippet(expr), line);
            dict->keys << (key->kind == Kind::Str ? key->text : QString::number(integerOf(key)));
            dict->items.push_back(value);
        }
        return dict;
    }
    if (t == QLatin1String("Subscript"))
        return evalSubscript(eval(child(expr, "value"), scope), eval(child(expr, "slice"), scope), expr);
    if (t == QLatin1String("Slice")) {
        auto slice = makeValue(Kind::Tuple);
        slice->text = QStringLiteral("slice");
        for (const char *part : {"lower", "upper", "step"})
            slice->items.push_back(expr.value(QLatin1String(part)).isObject() ? eval(child(expr, part), scope)
                                                                              : noneValue());
        return slice;
    }
    if (t == QLatin1String("JoinedStr")) {
        QString text;
        for (const QJsonValue &part : children(expr, "values")) {
            const QJsonObject p = part.toObject();
            ValuePtr v = typeOf(p) == QLatin1String("FormattedValue") ? eval(child(p, "value"), scope) : eval(p, scope);
            if (typeOf(p) == QLatin1String("FormattedValue") && p.value(QStringLiteral("format_spec")).isObject())
                return unknownValue(UnknownKind::External, snippet(expr), line);
            if (v->kind == Kind::Str)
                text += v->text;
            else if (v->kind == Kind::Int || v->kind == Kind::Bool)
                text += v->kind == Kind::Bool ? (v->boolean ? QStringLiteral("True") : QStringLiteral("False"))
                                              : QString::number(v->integer);
            else if (v->kind == Kind::Float)
                text += QString::number(v->real, 'g', QLocale::FloatingPointShortest);
            else
                return derivedUnknown(v, v, snippet(expr), line);
        }
        return strValue(text);
    }
    if (t == QLatin1String("ListComp") || t == QLatin1String("SetComp") || t == QLatin1String("GeneratorExp")
        || t == QLatin1String("DictComp"))
        return evalComprehension(expr, scope);
    if (t == QLatin1String("Lambda")) {
        m_functions.push_back(FunctionRecord{QStringLiteral("<lambda>"), expr, scope});
        auto f = makeValue(Kind::Function);
        f->index = int(m_functions.size()) - 1;
        f->text = QStringLiteral("<lambda>");
        return f;
    }
    if (t == QLatin1String("NamedExpr")) {
        const ValuePtr v = eval(child(expr, "value"), scope);
        assign(child(expr, "target"), v, scope);
        return v;
    }
    if (t == QLatin1String("Starred"))
        return eval(child(expr, "value"), scope);
    return unknownValue(UnknownKind::External, snippet(expr), line);
}

ValuePtr Interpreter::evalBinary(const QString &op, const ValuePtr &a, const ValuePtr &b, const QJsonObject &node)
{
    const int line = lineOf(node);
    if (isNumber(a) && isNumber(b)) {
        const bool ints = isIntegral(a) && isIntegral(b);
        const qint64 x = ints ? integerOf(a) : 0, y = ints ? integerOf(b) : 0;
        const double dx = numberOf(a), dy = numberOf(b);
        if (op == QLatin1String("Add"))
            return ints ? intValue(x + y) : floatValue(dx + dy);
        if (op == QLatin1String("Sub"))
            return ints ? intValue(x - y) : floatValue(dx - dy);
        if (op == QLatin1String("Mult"))
            return ints ? intValue(x * y) : floatValue(dx * dy);
        if (op == QLatin1String("Div") && dy != 0.0)
            return floatValue(dx / dy);
        if (op == QLatin1String("FloorDiv") && dy != 0.0)
            return ints ? intValue(floorDiv(x, y)) : floatValue(std::floor(dx / dy));
        if (op == QLatin1String("Mod") && dy != 0.0)
            return ints ? intValue(x - floorDiv(x, y) * y) : floatValue(dx - std::floor(dx / dy) * dy);
        if (op == QLatin1String("Pow"))
            return ints && y >= 0 && y < 63 ? intValue(qint64(std::llround(std::pow(double(x), double(y)))))
                                            : floatValue(std::pow(dx, dy));
        if (ints && op == QLatin1String("LShift") && y >= 0 && y < 62)
            return intValue(x << y);
        if (ints && op == QLatin1String("RShift") && y >= 0)
            return intValue(x >> y);
    }
    if (op == QLatin1String("Add") && a->kind == b->kind
        && (a->kind == Kind::Str || a->kind == Kind::List || a->kind == Kind::Tuple)) {
        if (a->kind == Kind::Str)
            return strValue(a->text + b->text);
        std::vector<ValuePtr> items = a->items;
        items.insert(items.end(), b->items.begin(), b->items.end());
        return sequenceValue(a->kind, std::move(items));
    }
    if (op == QLatin1String("Mult") && (isIntegral(a) || isIntegral(b))) {
        const ValuePtr seq = isIntegral(a) ? b : a;
        const qint64 n = std::max<qint64>(0, integerOf(isIntegral(a) ? a : b));
        if ((seq->kind == Kind::List || seq->kind == Kind::Tuple) && n * qint64(seq->items.size()) <= 100000) {
            std::vector<ValuePtr> items;
            for (qint64 i = 0; i < n; ++i)
                items.insert(items.end(), seq->items.begin(), seq->items.end());
            return sequenceValue(seq->kind, std::move(items));
        }
        if (seq->kind == Kind::Str && n * seq->text.size() <= 100000)
            return strValue(seq->text.repeated(int(n)));
    }
    return derivedUnknown(a, b, snippet(node), line);
}

ValuePtr Interpreter::evalCompare(const QJsonObject &expr, const ScopePtr &scope)
{
    ValuePtr left = eval(child(expr, "left"), scope);
    const QJsonArray ops = children(expr, "ops"), comparators = children(expr, "comparators");
    for (int i = 0; i < ops.size() && i < comparators.size(); ++i) {
        const ValuePtr right = eval(comparators.at(i).toObject(), scope);
        const QString op = typeOf(ops.at(i).toObject());
        std::optional<bool> result;
        if (op == QLatin1String("Eq") || op == QLatin1String("Is")) {
            result = equals(left, right);
        } else if (op == QLatin1String("NotEq") || op == QLatin1String("IsNot")) {
            const auto e = equals(left, right);
            if (e)
                result = !*e;
        } else if (op == QLatin1String("In") || op == QLatin1String("NotIn")) {
            if (right->kind == Kind::Str && left->kind == Kind::Str) {
                result = right->text.contains(left->text);
            } else if (right->kind == Kind::Dict && left->kind == Kind::Str) {
                result = right->keys.contains(left->text);
            } else if (const auto items = iterate(right)) {
                result = false;
                for (const ValuePtr &item : *items) {
                    const auto e = equals(left, item);
                    if (!e) {
                        result.reset();
                        break;
                    }
                    if (*e) {
                        result = true;
                        break;
                    }
                }
            }
            if (result && op == QLatin1String("NotIn"))
                result = !*result;
        } else if (isNumber(left) && isNumber(right)) {
            const double x = numberOf(left), y = numberOf(right);
            result = op == QLatin1String("Lt")    ? x < y
                     : op == QLatin1String("LtE") ? x <= y
                     : op == QLatin1String("Gt")  ? x > y
                                                  : x >= y;
        } else if (left->kind == Kind::Str && right->kind == Kind::Str) {
            const int c = left->text.compare(right->text);
            result = op == QLatin1String("Lt")    ? c < 0
                     : op == QLatin1String("LtE") ? c <= 0
                     : op == QLatin1String("Gt")  ? c > 0
                                                  : c >= 0;
        }
        if (!result)
            return derivedUnknown(left, right, snippet(expr), lineOf(expr));
        if (!*result)
            return boolValue(false);
        left = right;
    }
    return boolValue(true);
}

ValuePtr Interpreter::evalSubscript(const ValuePtr &container, const ValuePtr &index, const QJsonObject &node)
{
    const int line = lineOf(node);
    if (container->kind == Kind::Tensor)
        return unknownValue(UnknownKind::TensorOp,
                            QStringLiteral("`%1`, slicing a Keras tensor (it would become a TFOpLambda "
                                           "layer, which Graft cannot represent)")
                                .arg(snippet(node)),
                            line);
    if ((container->kind == Kind::List || container->kind == Kind::Tuple || container->kind == Kind::Str)) {
        const qint64 size = container->kind == Kind::Str ? container->text.size() : qint64(container->items.size());
        if (isIntegral(index)) {
            qint64 i = integerOf(index);
            if (i < 0)
                i += size;
            if (i >= 0 && i < size)
                return container->kind == Kind::Str ? strValue(container->text.mid(int(i), 1))
                                                    : container->items[std::size_t(i)];
            errors << QStringLiteral("line %1: `%2`: index %3 is out of range (the sequence has %4 items)")
                          .arg(line)
                          .arg(snippet(node))
                          .arg(integerOf(index))
                          .arg(size);
            return unknownValue(UnknownKind::External, snippet(node), line);
        }
        if (index->kind == Kind::Tuple && index->text == QLatin1String("slice")) {
            auto bound = [&](const ValuePtr &v, qint64 fallback) -> std::optional<qint64> {
                if (v->kind == Kind::None)
                    return fallback;
                if (!isIntegral(v))
                    return std::nullopt;
                qint64 b = integerOf(v);
                if (b < 0)
                    b += size;
                return std::clamp<qint64>(b, 0, size);
            };
            const auto step = index->items[2]->kind == Kind::None ? std::optional<qint64>(1)
                              : isIntegral(index->items[2])       ? std::optional<qint64>(integerOf(index->items[2]))
                                                                  : std::nullopt;
            const auto lower = bound(index->items[0], 0), upper = bound(index->items[1], size);
            if (lower && upper && step && *step == 1) {
                if (container->kind == Kind::Str)
                    return strValue(container->text.mid(int(*lower), int(std::max<qint64>(0, *upper - *lower))));
                std::vector<ValuePtr> items;
                for (qint64 i = *lower; i < *upper; ++i)
                    items.push_back(container->items[std::size_t(i)]);
                return sequenceValue(container->kind, std::move(items));
            }
        }
    }
    if (container->kind == Kind::Dict && (index->kind == Kind::Str || isIntegral(index))) {
        const int k =
            container->keys.indexOf(index->kind == Kind::Str ? index->text : QString::number(integerOf(index)));
        if (k >= 0)
            return container->items[std::size_t(k)];
    }
    return derivedUnknown(container, index, snippet(node), line);
}

ValuePtr Interpreter::evalComprehension(const QJsonObject &expr, const ScopePtr &scope)
{
    const QJsonArray generators = children(expr, "generators");
    const bool isDict = typeOf(expr) == QLatin1String("DictComp");
    auto result = makeValue(isDict ? Kind::Dict : Kind::List);
    auto inner = std::make_shared<Scope>();
    inner->parent = scope;
    bool unknown = false;
    auto loop = [&](int g, const auto &self) -> void {
        if (unknown || m_aborted)
            return;
        if (g == generators.size()) {
            if (isDict) {
                const ValuePtr key = eval(child(expr, "key"), inner);
                if (key->kind != Kind::Str) {
                    unknown = true;
                    return;
                }
                result->keys << key->text;
                result->items.push_back(eval(child(expr, "value"), inner));
            } else {
                result->items.push_back(eval(child(expr, "elt"), inner));
            }
            return;
        }
        const QJsonObject gen = generators.at(g).toObject();
        const auto items = iterate(eval(child(gen, "iter"), inner));
        if (!items) {
            unknown = true;
            return;
        }
        for (const ValuePtr &item : *items) {
            assign(child(gen, "target"), item, inner);
            bool keep = true;
            for (const QJsonValue &cond : children(gen, "ifs")) {
                const auto b = truthOf(eval(cond.toObject(), inner));
                if (!b) {
                    unknown = true;
                    return;
                }
                keep = keep && *b;
            }
            if (keep)
                self(g + 1, self);
        }
    };
    loop(0, loop);
    if (unknown)
        return unknownValue(UnknownKind::External, snippet(expr), lineOf(expr));
    return result;
}

} // namespace graft::pycode
