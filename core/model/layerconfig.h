#pragma once

#include "core/model/tensordata.h"

#include <QJsonObject>
#include <QString>

namespace graft::layerconfig {

/**
 * Readers for options of a Keras layer config that Keras 2 and Keras 3 spell
 * differently (an int or a list, null for "use the default"), shared by shape
 * inference and weight specs so both read a config the same way.
 */

/** `key` as `count` integers: an int repeated, or a list of `count` ints; `fallback` when absent or null. */
Shape intTuple(const QJsonObject &config, const QString &key, int count, const Shape &fallback, bool *ok = nullptr);
std::int64_t intValue(const QJsonObject &config, const QString &key, std::int64_t fallback);
bool boolValue(const QJsonObject &config, const QString &key, bool fallback);
QString stringValue(const QJsonObject &config, const QString &key, const QString &fallback);
/** data_format == "channels_first" (Keras's default is channels_last). */
bool channelsFirst(const QJsonObject &config);
/** Lower-cased padding mode: "valid", "same", "causal" or "full". */
QString paddingMode(const QJsonObject &config);
/** The {class_name, config} object a wrapper (Bidirectional, TimeDistributed) holds under `key`. */
QJsonObject wrappedLayer(const QJsonObject &config, const QString &key = QStringLiteral("layer"));
/** Keras's axis convention: axis counts the batch axis as 0, negatives from the end. Returns the
 *  index into a shape without batch axis, or -1 when out of range or the batch axis. */
int axisIndex(std::int64_t kerasAxis, int rankWithoutBatch);

} // namespace graft::layerconfig
