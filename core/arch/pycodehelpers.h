#pragma once

#include "core/arch/pycodevalue.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cmath>
#include <optional>

// Small helpers the interpreter's source files share: syntax-tree access and Python semantics.
namespace graft::pycode {

inline QString typeOf(const QJsonObject &n)
{
    return n.value(QStringLiteral("_t")).toString();
}
inline int lineOf(const QJsonObject &n)
{
    return n.value(QStringLiteral("_l")).toInt();
}
inline QJsonObject child(const QJsonObject &n, const char *key)
{
    return n.value(QLatin1String(key)).toObject();
}
inline QJsonArray children(const QJsonObject &n, const char *key)
{
    return n.value(QLatin1String(key)).toArray();
}

/** Python's str() of a literal value; nullopt for anything else. */
inline std::optional<QString> pythonStr(const ValuePtr &v)
{
    switch (v->kind) {
    case Kind::Str: return v->text;
    case Kind::Int: return QString::number(v->integer);
    case Kind::Float:
        return v->real == std::floor(v->real) && std::abs(v->real) < 1e16
                   ? QString::number(v->real, 'f', 1)
                   : QString::number(v->real, 'g', QLocale::FloatingPointShortest);
    case Kind::Bool: return v->boolean ? QStringLiteral("True") : QStringLiteral("False");
    case Kind::None: return QStringLiteral("None");
    default: return std::nullopt;
    }
}

/** The keyword argument `name`, else positional argument `position` (-1: keyword only), else null. */
inline ValuePtr argument(const std::vector<ValuePtr> &args, const std::vector<std::pair<QString, ValuePtr>> &kwargs,
                         int position, const QString &name)
{
    for (const auto &[k, v] : kwargs)
        if (k == name)
            return v;
    return position >= 0 && position < int(args.size()) ? args[std::size_t(position)] : nullptr;
}

/** True when a Keras tensor (or an operation on one) is among the values. */
inline bool anyTensor(const std::vector<ValuePtr> &values)
{
    for (const ValuePtr &v : values) {
        if (v->kind == Kind::Tensor || (v->kind == Kind::Unknown && v->unknown == UnknownKind::TensorOp))
            return true;
        if ((v->kind == Kind::List || v->kind == Kind::Tuple) && anyTensor(v->items))
            return true;
    }
    return false;
}

} // namespace graft::pycode
