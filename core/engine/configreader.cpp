#include "core/engine/configreader.h"
#include "core/common/jsonnumbers.h"

#include <QJsonArray>

#include <cmath>

namespace graft::engine {

namespace {

bool isWholeNumber(const QJsonValue &v)
{
    if (!v.isDouble())
        return false;
    const double d = v.toDouble();
    return std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e15;
}

QString jsonText(const QJsonValue &v)
{
    if (v.isString())
        return QStringLiteral("'%1'").arg(v.toString());
    if (v.isDouble())
        return QString::number(v.toDouble());
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.isNull())
        return QStringLiteral("null");
    if (v.isArray())
        return QStringLiteral("a list");
    return QStringLiteral("an object");
}

} // namespace

QString layerSubject(const QString &layerName, const QString &className)
{
    return QStringLiteral("layer '%1' (%2)").arg(layerName, className);
}

ConfigReader::ConfigReader(const Layer &layer) : ConfigReader(layer.name, layer.className, layer.config)
{ }

ConfigReader::ConfigReader(const QString &layerName, const QString &className, const QJsonObject &config)
    : m_layerName(layerName), m_className(className), m_config(config)
{ }

QString ConfigReader::subject() const
{
    return layerSubject(m_layerName, m_className);
}

bool ConfigReader::has(const QString &key) const
{
    return m_config.contains(key);
}

bool ConfigReader::isSet(const QString &key) const
{
    const QJsonValue v = m_config.value(key);
    return !v.isUndefined() && !v.isNull();
}

void ConfigReader::fail(const QString &key, const QString &problem)
{
    if (!m_error)
        m_error = Error{QStringLiteral("%1: option '%2' %3").arg(subject(), key, problem)};
}

void ConfigReader::failGeneral(const QString &problem)
{
    if (!m_error)
        m_error = Error{QStringLiteral("%1: %2").arg(subject(), problem)};
}

std::int64_t ConfigReader::integer(const QString &key, std::int64_t fallback)
{
    const QJsonValue v = m_config.value(key);
    if (v.isUndefined() || v.isNull())
        return fallback;
    if (v.isArray() && v.toArray().size() == 1 && isWholeNumber(v.toArray().at(0)))
        return jsonInteger(v.toArray().at(0).toDouble());
    if (!isWholeNumber(v)) {
        fail(key, QStringLiteral("is %1, expected an integer").arg(jsonText(v)));
        return fallback;
    }
    return jsonInteger(v.toDouble());
}

std::vector<std::int64_t> ConfigReader::integers(const QString &key, int count, std::vector<std::int64_t> fallback)
{
    const QJsonValue v = m_config.value(key);
    if (v.isUndefined() || v.isNull())
        return fallback;
    if (isWholeNumber(v))
        return std::vector<std::int64_t>(std::size_t(count), jsonInteger(v.toDouble()));
    if (v.isArray()) {
        const QJsonArray a = v.toArray();
        if (a.size() == 1 && count > 1 && isWholeNumber(a.at(0)))
            return std::vector<std::int64_t>(std::size_t(count), jsonInteger(a.at(0).toDouble()));
        if (a.size() == count) {
            std::vector<std::int64_t> out;
            for (const QJsonValue &e : a) {
                if (!isWholeNumber(e)) {
                    fail(key, QStringLiteral("holds %1, expected integers").arg(jsonText(e)));
                    return fallback;
                }
                out.push_back(jsonInteger(e.toDouble()));
            }
            return out;
        }
    }
    fail(key, QStringLiteral("is %1, expected an integer or a list of %2 integers").arg(jsonText(v)).arg(count));
    return fallback;
}

std::vector<std::int64_t> ConfigReader::intList(const QString &key)
{
    const QJsonValue v = m_config.value(key);
    std::vector<std::int64_t> out;
    if (!v.isArray()) {
        fail(key, QStringLiteral("is %1, expected a list of integers").arg(jsonText(v)));
        return out;
    }
    for (const QJsonValue &e : v.toArray()) {
        if (e.isNull()) {
            out.push_back(-1);
        } else if (isWholeNumber(e)) {
            out.push_back(jsonInteger(e.toDouble()));
        } else {
            fail(key, QStringLiteral("holds %1, expected integers").arg(jsonText(e)));
            return {};
        }
    }
    return out;
}

std::vector<std::int64_t> ConfigReader::intOrList(const QString &key, std::vector<std::int64_t> fallback)
{
    const QJsonValue v = m_config.value(key);
    if (v.isUndefined() || v.isNull())
        return fallback;
    if (isWholeNumber(v))
        return {jsonInteger(v.toDouble())};
    return intList(key);
}

double ConfigReader::number(const QString &key, double fallback)
{
    return optionalNumber(key).value_or(fallback);
}

std::optional<double> ConfigReader::optionalNumber(const QString &key)
{
    const QJsonValue v = m_config.value(key);
    if (v.isUndefined() || v.isNull())
        return std::nullopt;
    if (v.isArray() && v.toArray().size() == 1 && v.toArray().at(0).isDouble())
        return v.toArray().at(0).toDouble();
    if (!v.isDouble()) {
        fail(key, QStringLiteral("is %1, expected a number").arg(jsonText(v)));
        return std::nullopt;
    }
    return v.toDouble();
}

bool ConfigReader::boolean(const QString &key, bool fallback)
{
    const QJsonValue v = m_config.value(key);
    if (v.isUndefined() || v.isNull())
        return fallback;
    if (!v.isBool()) {
        fail(key, QStringLiteral("is %1, expected true or false").arg(jsonText(v)));
        return fallback;
    }
    return v.toBool();
}

QString ConfigReader::choice(const QString &key, const QString &fallback, const QStringList &allowed)
{
    const QJsonValue v = m_config.value(key);
    if (v.isUndefined() || v.isNull())
        return fallback;
    if (!v.isString()) {
        fail(key, QStringLiteral("is %1, expected a string").arg(jsonText(v)));
        return fallback;
    }
    const QString s = v.toString().toLower();
    if (!allowed.isEmpty() && !allowed.contains(s)) {
        fail(key, QStringLiteral("is '%1', which Graft does not support (supported: %2)")
                      .arg(v.toString(), allowed.join(QStringLiteral(", "))));
        return fallback;
    }
    return s;
}

std::vector<std::pair<std::int64_t, std::int64_t>> ConfigReader::pairs(const QString &key, int dims,
                                                                       std::int64_t fallback)
{
    std::vector<std::pair<std::int64_t, std::int64_t>> out(std::size_t(dims), {fallback, fallback});
    const QJsonValue v = m_config.value(key);
    if (v.isUndefined() || v.isNull())
        return out;
    if (isWholeNumber(v)) {
        const std::int64_t n = jsonInteger(v.toDouble());
        return std::vector<std::pair<std::int64_t, std::int64_t>>(std::size_t(dims), {n, n});
    }
    const QJsonArray a = v.toArray();
    bool ok = v.isArray();
    if (ok && dims == 1 && a.size() == 2 && isWholeNumber(a.at(0)) && isWholeNumber(a.at(1))) {
        out[0] = {jsonInteger(a.at(0).toDouble()), jsonInteger(a.at(1).toDouble())};
    } else if (ok && a.size() == dims) {
        for (int i = 0; i < dims && ok; ++i) {
            const QJsonValue e = a.at(i);
            if (isWholeNumber(e)) {
                const std::int64_t n = jsonInteger(e.toDouble());
                out[std::size_t(i)] = {n, n};
            } else if (e.isArray() && e.toArray().size() == 2 && isWholeNumber(e.toArray().at(0))
                       && isWholeNumber(e.toArray().at(1))) {
                out[std::size_t(i)] = {jsonInteger(e.toArray().at(0).toDouble()),
                                       jsonInteger(e.toArray().at(1).toDouble())};
            } else {
                ok = false;
            }
        }
    } else {
        ok = false;
    }
    if (!ok)
        fail(key, QStringLiteral("is %1, expected an integer, %2 integers or %2 (before, after) pairs")
                      .arg(jsonText(v))
                      .arg(dims));
    for (const auto &p : out)
        if (p.first < 0 || p.second < 0)
            fail(key, QStringLiteral("holds a negative amount"));
    return out;
}

bool ConfigReader::channelsFirst()
{
    return choice(QStringLiteral("data_format"), QStringLiteral("channels_last"),
                  {QStringLiteral("channels_last"), QStringLiteral("channels_first")})
           == QLatin1String("channels_first");
}

std::optional<WrappedLayerConfig> wrappedLayerConfig(const QJsonObject &config, const QString &key)
{
    const QJsonObject inner = config.value(key).toObject();
    if (inner.isEmpty())
        return std::nullopt;
    WrappedLayerConfig out;
    out.className = inner.value(QStringLiteral("class_name")).toString();
    out.config = inner.value(QStringLiteral("config")).toObject();
    if (out.className.isEmpty())
        return std::nullopt;
    return out;
}

bool isKeras3Version(const QString &kerasVersion)
{
    bool ok = false;
    const int major = kerasVersion.section(QLatin1Char('.'), 0, 0).toInt(&ok);
    return ok && major >= 3;
}

} // namespace graft::engine
