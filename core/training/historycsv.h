#pragma once

#include "core/common/expected.h"
#include "core/training/trainingtypes.h"

#include <QJsonArray>
#include <QString>
#include <QVector>

namespace graft {

/**
 * Reads a training history CSV — Graft's `<stem>.history.csv` (written by
 * core/export's CompanionFiles) or Keras's CSVLogger output (any column order,
 * acc/val_acc, learning_rate) — so a run can continue a history; and the JSON
 * form kept inside training-state checkpoints.
 */
class HistoryCsv final
{
public:
    HistoryCsv() = delete;

    static Expected<QVector<EpochRecord>> read(const QString &path);

    static QJsonArray toJson(const QVector<EpochRecord> &history);
    static QVector<EpochRecord> fromJson(const QJsonArray &json);
};

} // namespace graft
