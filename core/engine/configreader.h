#pragma once

#include "core/common/expected.h"
#include "core/model/layer.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>
#include <vector>

namespace graft::engine {

/**
 * Reads one layer's Keras config (Keras 2 or Keras 3 spelling) for the engine.
 * The first bad option is remembered as an Error naming the layer, its class and
 * the option, so a layer builder reads everything and checks failed() once.
 */
class ConfigReader final
{
public:
    explicit ConfigReader(const Layer &layer);
    ConfigReader(const QString &layerName, const QString &className, const QJsonObject &config);

    const QJsonObject &config() const { return m_config; }
    const QString &layerName() const { return m_layerName; }
    const QString &className() const { return m_className; }

    bool has(const QString &key) const;
    /** A present, non-null value. */
    bool isSet(const QString &key) const;

    std::int64_t integer(const QString &key, std::int64_t fallback);
    /** An int repeated `count` times or a list of `count` ints (Keras writes both). */
    std::vector<std::int64_t> integers(const QString &key, int count, std::vector<std::int64_t> fallback);
    /** A list of ints of any length (Reshape target_shape, Permute dims); null entries read as -1. */
    std::vector<std::int64_t> intList(const QString &key);
    /** An int or a list of ints (axis options). */
    std::vector<std::int64_t> intOrList(const QString &key, std::vector<std::int64_t> fallback);
    double number(const QString &key, double fallback);
    std::optional<double> optionalNumber(const QString &key);
    bool boolean(const QString &key, bool fallback);
    /** Lower-cased string option that must be one of `allowed` (when not empty). */
    QString choice(const QString &key, const QString &fallback, const QStringList &allowed);
    /** ((a, b), (c, d)) / (a, b) / a forms of ZeroPadding/Cropping: `dims` pairs. */
    std::vector<std::pair<std::int64_t, std::int64_t>> pairs(const QString &key, int dims, std::int64_t fallback);
    bool channelsFirst();

    /** Records an error about `key` (only the first error is kept). */
    void fail(const QString &key, const QString &problem);
    /** Records an error that is not about one option. */
    void failGeneral(const QString &problem);
    bool failed() const { return m_error.has_value(); }
    Error error() const { return m_error.value_or(Error{}); }

    /** "layer 'conv2d_1' (Conv2D)" */
    QString subject() const;

private:
    QString m_layerName;
    QString m_className;
    QJsonObject m_config;
    std::optional<Error> m_error;
};

/** "layer 'conv2d_1' (Conv2D)" */
QString layerSubject(const QString &layerName, const QString &className);

/** The {class_name, config} object a wrapper holds (TimeDistributed, Bidirectional). */
struct WrappedLayerConfig
{
    QString className;
    QJsonObject config;
};
std::optional<WrappedLayerConfig> wrappedLayerConfig(const QJsonObject &config, const QString &key);

/** True when the version string denotes Keras 3 or later ("3.3.3"). */
bool isKeras3Version(const QString &kerasVersion);

} // namespace graft::engine
