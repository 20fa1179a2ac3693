#pragma once

#include "core/export/companionfiles.h"
#include "core/training/trainingtypes.h"

namespace graft {

/**
 * A run's history as the rows of `<stem>.history.csv` (Keras's CSVLogger columns). Header-only:
 * graft_training and graft_export do not link each other; the CLI and the GUI link both.
 */
inline QVector<HistoryEpoch> historyRows(const QVector<EpochRecord> &records)
{
    QVector<HistoryEpoch> rows;
    rows.reserve(records.size());
    for (const EpochRecord &r : records) {
        HistoryEpoch h;
        h.epoch = r.epoch;
        h.loss = r.loss;
        h.accuracy = r.accuracy;
        if (r.hasValidation) {
            h.valLoss = r.valLoss;
            h.valAccuracy = r.valAccuracy;
        }
        h.learningRate = r.learningRate;
        rows.append(h);
    }
    return rows;
}

} // namespace graft
