#include "core/model/layerconfig.h"
#include "core/common/jsonnumbers.h"

#include <QJsonArray>

namespace graft::layerconfig {

Shape intTuple(const QJsonObject &config, const QString &key, int count, const Shape &fallback, bool *ok)
{
    if (ok)
        *ok = true;
    const QJsonValue v = config.value(key);
    if (v.isDouble())
        return Shape(std::size_t(count), jsonInteger(v.toDouble()));
    if (v.isArray()) {
        const QJsonArray a = v.toArray();
        // Keras accepts a one-element list for a 1D option.
        if (a.size() == 1 && count > 1 && a.at(0).isDouble())
            return Shape(std::size_t(count), jsonInteger(a.at(0).toDouble()));
        if (a.size() == count) {
            Shape out;
            for (const QJsonValue &e : a) {
                if (!e.isDouble()) {
                    if (ok)
                        *ok = false;
                    return fallback;
                }
                out.push_back(jsonInteger(e.toDouble()));
            }
            return out;
        }
        if (ok)
            *ok = false;
        return fallback;
    }
    if (!v.isUndefined() && !v.isNull() && ok)
        *ok = false;
    return fallback;
}

std::int64_t intValue(const QJsonObject &config, const QString &key, std::int64_t fallback)
{
    const QJsonValue v = config.value(key);
    if (v.isDouble())
        return jsonInteger(v.toDouble());
    if (v.isArray() && v.toArray().size() == 1 && v.toArray().at(0).isDouble())
        return jsonInteger(v.toArray().at(0).toDouble());
    return fallback;
}

bool boolValue(const QJsonObject &config, const QString &key, bool fallback)
{
    const QJsonValue v = config.value(key);
    return v.isBool() ? v.toBool() : fallback;
}

QString stringValue(const QJsonObject &config, const QString &key, const QString &fallback)
{
    const QJsonValue v = config.value(key);
    return v.isString() ? v.toString() : fallback;
}

bool channelsFirst(const QJsonObject &config)
{
    return config.value(QStringLiteral("data_format")).toString() == QLatin1String("channels_first");
}

QString paddingMode(const QJsonObject &config)
{
    return stringValue(config, QStringLiteral("padding"), QStringLiteral("valid")).toLower();
}

QJsonObject wrappedLayer(const QJsonObject &config, const QString &key)
{
    return config.value(key).toObject();
}

int axisIndex(std::int64_t kerasAxis, int rankWithoutBatch)
{
    const std::int64_t fullRank = rankWithoutBatch + 1;
    const std::int64_t axis = kerasAxis < 0 ? kerasAxis + fullRank : kerasAxis;
    if (axis < 1 || axis >= fullRank)
        return -1;
    return int(axis - 1);
}

} // namespace graft::layerconfig
