#pragma once

#include "core/common/expected.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVector>

#include <limits>

namespace graft {

/** One row of a training history; NaN marks a value that was not measured (e.g. no validation set). */
struct HistoryEpoch
{
    int epoch = 0; // as Keras's CSVLogger counts: from 0
    double loss = std::numeric_limits<double>::quiet_NaN();
    double accuracy = std::numeric_limits<double>::quiet_NaN();
    double valLoss = std::numeric_limits<double>::quiet_NaN();
    double valAccuracy = std::numeric_limits<double>::quiet_NaN();
    double learningRate = std::numeric_limits<double>::quiet_NaN();
};

/**
 * The files that travel with an exported model, named from the model file's stem:
 * `<stem>.labels.txt` (class names in output order, one per line — what Graft's
 * loader picks up again) and `<stem>.history.csv` (Keras CSVLogger-style columns
 * epoch,loss,accuracy,val_loss,val_accuracy,lr). Written atomically.
 */
class CompanionFiles final
{
public:
    /** "dir/x.weights.h5" → "dir/x"; "dir/run.v2.h5" → "dir/run.v2": the model suffix stripped. */
    static QString stem(const QString &modelPath);
    static QString labelsPath(const QString &modelPath);
    static QString historyPath(const QString &modelPath);
    static QString architecturePath(const QString &modelPath);

    static QByteArray labelsText(const QStringList &classNames);
    static QByteArray historyCsv(const QVector<HistoryEpoch> &history);

    /** Writes `<stem>.labels.txt`; refuses to replace any of `protectedInputs`. */
    static Expected<QString> writeLabels(const QString &modelPath, const QStringList &classNames,
                                         const QStringList &protectedInputs = {});
    /** Writes `<stem>.history.csv`; refuses to replace any of `protectedInputs`. */
    static Expected<QString> writeHistory(const QString &modelPath, const QVector<HistoryEpoch> &history,
                                          const QStringList &protectedInputs = {});

    /** Writes `bytes` to `path` through a temporary file in the same folder (mode 0644). */
    static Expected<void> writeAtomically(const QString &path, const QByteArray &bytes);
};

} // namespace graft
