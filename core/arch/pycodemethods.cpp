// Interpreter: methods of models, layers, lists, dicts and strings.
#include "core/arch/pycodehelpers.h"
#include "core/arch/pycodeinterpreter.h"

#include <algorithm>

namespace graft::pycode {

ValuePtr Interpreter::callMethod(const ValuePtr &self, const QString &name, const std::vector<ValuePtr> &args,
                                 const std::vector<std::pair<QString, ValuePtr>> &kwargs, const QJsonObject &node)
{
    const int line = lineOf(node);
    const ValuePtr first = args.empty() ? nullptr : args.front();
    if (self->kind == Kind::Model) {
        ModelRecord &model = models.at(std::size_t(self->index));
        if (name == QLatin1String("add")) {
            const ValuePtr item = first ? first : argument({}, kwargs, -1, QStringLiteral("layer"));
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
            const ValuePtr wanted = first ? first : argument({}, kwargs, -1, QStringLiteral("name"));
            for (std::size_t l = 0; l < layers.size(); ++l) {
                if (wanted
                    && ((wanted->kind == Kind::Str && layers[l].name == wanted->text)
                        || (isIntegral(wanted) && model.sequential && integerOf(wanted) >= 0
                            && integerOf(wanted) < qint64(model.layers.size())
                            && model.layers[std::size_t(integerOf(wanted))] == int(l)))) {
                    auto v = makeValue(Kind::Layer);
                    v->index = int(l);
                    return v;
                }
            }
        }
        if (name == QLatin1String("__call__") || name == QLatin1String("call"))
            return call(self, args, kwargs, node);
        if (name == QLatin1String("build") && model.sequential) {
            const ValuePtr shape = first ? first : argument({}, kwargs, -1, QStringLiteral("input_shape"));
            QString unknown, parameter, problem;
            const QJsonValue json = shape ? toJson(shape, &unknown, &parameter, &problem) : QJsonValue();
            if (json.isArray())
                model.buildShape = json;
            else
                notes << QStringLiteral("line %1: the shape given to `%2` cannot be evaluated")
                             .arg(line)
                             .arg(snippet(node));
            return noneValue();
        }
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
        auto find = [&](const ValuePtr &key) {
            return key && key->kind == Kind::Str ? self->keys.indexOf(key->text) : -1;
        };
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
                    const ValuePtr v = field.isEmpty() || numeric
                                           ? (index < int(args.size()) ? args[std::size_t(index)] : nullptr)
                                           : argument({}, kwargs, -1, field);
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
        if (name == QLatin1String("replace") && args.size() == 2 && args[0]->kind == Kind::Str
            && args[1]->kind == Kind::Str)
            return strValue(QString(self->text).replace(args[0]->text, args[1]->text));
    }
    return unknownValue(anyTensor(args) ? UnknownKind::TensorOp : UnknownKind::External, snippet(node), line);
}

} // namespace graft::pycode
