#pragma once

#include "core/io/npyarray.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <cmath>
#include <cstring>

/**
 * Compares an NpyArray with values numpy wrote as strings (repr() of each float,
 * str() of each integer, "0"/"1" for bools, C order). Floats must match
 * bit for bit (NaN matches NaN, -0.0 only -0.0). Returns "" when equal, else
 * what differs first.
 */
inline QString compareWithNumpy(const graft::NpyArray &array, const QJsonObject &expected)
{
    using graft::NpyDtype;
    if (graft::npyDtypeName(array.dtype()) != expected.value(QStringLiteral("dtype")).toString())
        return QStringLiteral("dtype %1, numpy says %2")
            .arg(graft::npyDtypeName(array.dtype()), expected.value(QStringLiteral("dtype")).toString());
    std::vector<std::int64_t> shape;
    for (const QJsonValue &dim : expected.value(QStringLiteral("shape")).toArray())
        shape.push_back(dim.toInteger());
    if (array.shape() != shape)
        return QStringLiteral("shape %1, numpy says %2")
            .arg(graft::npyShapeString(array.shape()), graft::npyShapeString(shape));
    const QJsonArray values = expected.value(QStringLiteral("values")).toArray();
    if (array.elementCount() != values.size())
        return QStringLiteral("%1 elements, numpy has %2").arg(array.elementCount()).arg(values.size());
    if (array.rawBytes().size() != array.elementCount() * graft::npyDtypeSize(array.dtype()))
        return QStringLiteral("raw byte count %1 does not match the element count").arg(array.rawBytes().size());

    const char *raw = array.rawBytes().constData();
    const int size = graft::npyDtypeSize(array.dtype());
    for (int i = 0; i < values.size(); ++i) {
        const QString want = values[i].toString();
        const char *at = raw + std::int64_t(i) * size;
        QString got;
        bool floatOk = true;
        switch (array.dtype()) {
        case NpyDtype::Float32:
        case NpyDtype::Float64: {
            double value;
            if (array.dtype() == NpyDtype::Float32) {
                float f;
                std::memcpy(&f, at, 4);
                value = f;
            } else {
                std::memcpy(&value, at, 8);
            }
            double reference;
            if (want == QLatin1String("nan"))
                reference = std::nan("");
            else if (want == QLatin1String("inf"))
                reference = INFINITY;
            else if (want == QLatin1String("-inf"))
                reference = -INFINITY;
            else
                reference = want.toDouble(&floatOk);
            if (!floatOk)
                return QStringLiteral("cannot parse numpy's value '%1'").arg(want);
            if (array.dtype() == NpyDtype::Float32)
                reference = double(float(reference));
            const bool same =
                std::isnan(reference) ? std::isnan(value) : std::memcmp(&reference, &value, sizeof value) == 0;
            if (!same)
                return QStringLiteral("element %1 is %2, numpy says %3").arg(i).arg(value, 0, 'g', 17).arg(want);
            continue;
        }
        case NpyDtype::Int8: {
            std::int8_t v;
            std::memcpy(&v, at, 1);
            got = QString::number(v);
            break;
        }
        case NpyDtype::Int16: {
            std::int16_t v;
            std::memcpy(&v, at, 2);
            got = QString::number(v);
            break;
        }
        case NpyDtype::Int32: {
            std::int32_t v;
            std::memcpy(&v, at, 4);
            got = QString::number(v);
            break;
        }
        case NpyDtype::Int64: {
            qint64 v;
            std::memcpy(&v, at, 8);
            got = QString::number(v);
            break;
        }
        case NpyDtype::UInt8: {
            std::uint8_t v;
            std::memcpy(&v, at, 1);
            got = QString::number(v);
            break;
        }
        case NpyDtype::UInt16: {
            std::uint16_t v;
            std::memcpy(&v, at, 2);
            got = QString::number(v);
            break;
        }
        case NpyDtype::UInt32: {
            std::uint32_t v;
            std::memcpy(&v, at, 4);
            got = QString::number(v);
            break;
        }
        case NpyDtype::UInt64: {
            quint64 v;
            std::memcpy(&v, at, 8);
            got = QString::number(v);
            break;
        }
        case NpyDtype::Bool: {
            std::uint8_t v;
            std::memcpy(&v, at, 1);
            got = QString::number(v);
            break;
        }
        }
        if (got != want)
            return QStringLiteral("element %1 is %2, numpy says %3").arg(i).arg(got, want);
    }
    return QString();
}
