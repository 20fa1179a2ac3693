#include "core/training/trainingreport.h"

#include <cmath>

namespace graft {

namespace {

QString fixed(double v, int decimals = 4)
{
    return std::isnan(v) ? QStringLiteral("-") : QString::number(v, 'f', decimals);
}

QString percent(double v)
{
    return std::isnan(v) ? QStringLiteral("-") : QStringLiteral("%1 %").arg(v * 100.0, 0, 'f', 1);
}

} // namespace

QString TrainingReport::epochLine(const EpochRecord &r, int epochs)
{
    QString line = QStringLiteral("Epoch %1/%2 - %3 s - loss: %4 - accuracy: %5")
                       .arg(r.epoch + 1)
                       .arg(epochs)
                       .arg(r.seconds, 0, 'f', 1)
                       .arg(fixed(r.loss), fixed(r.accuracy));
    if (r.hasValidation)
        line += QStringLiteral(" - val_loss: %1 - val_accuracy: %2").arg(fixed(r.valLoss), fixed(r.valAccuracy));
    line += QStringLiteral(" - lr: %1").arg(QString::number(r.learningRate, 'g', 6));
    return line;
}

QString TrainingReport::classification(const ClassificationReport &report, const QStringList &classNames,
                                       int maxConfusionClasses)
{
    QString out = QStringLiteral("Accuracy: %1 (%2 samples)\n").arg(percent(report.accuracy)).arg(report.samples);
    if (report.keptOldClassAccuracy)
        out += QStringLiteral("Accuracy on the old classes kept: %1\n").arg(percent(*report.keptOldClassAccuracy));
    int width = 5;
    for (const QString &name : classNames)
        width = std::max(width, int(name.size()));
    width = std::min(width, 32);
    out += QStringLiteral("Per class:\n");
    for (int c = 0; c < report.perClassAccuracy.size(); ++c) {
        int total = 0;
        for (int v : report.confusion.value(c))
            total += v;
        out += QStringLiteral("  %1  %2  (%3 samples)\n")
                   .arg(classNames.value(c, QString::number(c)).left(32), -width)
                   .arg(percent(report.perClassAccuracy[c]), 7)
                   .arg(total);
    }
    const int k = report.confusion.size();
    if (k > 0 && k <= maxConfusionClasses) {
        out += QStringLiteral("Confusion matrix (rows: true class, columns: predicted, in class order):\n");
        for (int t = 0; t < k; ++t) {
            QStringList cells;
            for (int p = 0; p < k; ++p)
                cells << QStringLiteral("%1").arg(report.confusion[t][p], 3);
            out += QStringLiteral("  %1 %2\n")
                       .arg(classNames.value(t, QString::number(t)).left(32), -width)
                       .arg(cells.join(QLatin1Char(' ')));
        }
    }
    return out;
}

QString TrainingReport::summary(const TrainingResult &result, const QStringList &classNames)
{
    QString out = QStringLiteral("Training %1 after %2 epoch(s) in %3 s")
                      .arg(stopReasonText(result.stopReason))
                      .arg(result.history.size())
                      .arg(result.seconds, 0, 'f', 1);
    if (!result.stopMessage.isEmpty())
        out += QStringLiteral(": ") + result.stopMessage;
    out += QLatin1Char('\n');
    if (result.restoredBestWeights)
        out += QStringLiteral("Weights restored from the best epoch (%1)\n").arg(result.bestEpoch + 1);
    for (const QString &w : result.warnings)
        out += QStringLiteral("Warning: %1\n").arg(w);
    if (result.finalValidation.samples > 0)
        out +=
            QStringLiteral("Validation with the final weights:\n") + classification(result.finalValidation, classNames);
    return out;
}

QString TrainingReport::comparison(const FineTuneOutcome &outcome)
{
    if (!outcome.scratch)
        return QString();
    const TrainingResult &a = outcome.fineTuned;
    const TrainingResult &b = *outcome.scratch;
    QString out = QStringLiteral("Does the transfer help? Validation accuracy per epoch:\n");
    out += QStringLiteral("  epoch   fine-tuned   from scratch\n");
    const int rows = std::max(a.history.size(), b.history.size());
    for (int i = 0; i < rows; ++i) {
        const EpochRecord *ra = i < a.history.size() ? &a.history[i] : nullptr;
        const EpochRecord *rb = i < b.history.size() ? &b.history[i] : nullptr;
        const int epoch = ra ? ra->epoch : rb->epoch;
        out += QStringLiteral("  %1   %2   %3\n")
                   .arg(epoch + 1, 5)
                   .arg(ra && ra->hasValidation ? percent(ra->valAccuracy) : QStringLiteral("-"), 10)
                   .arg(rb && rb->hasValidation ? percent(rb->valAccuracy) : QStringLiteral("-"), 12);
    }
    out += QStringLiteral("Final validation accuracy: fine-tuned %1, from scratch %2 (%3)\n")
               .arg(percent(a.finalValidation.accuracy), percent(b.finalValidation.accuracy),
                    a.finalValidation.accuracy > b.finalValidation.accuracy ? QStringLiteral("the transfer helps")
                    : a.finalValidation.accuracy < b.finalValidation.accuracy
                        ? QStringLiteral("training from scratch did better")
                        : QStringLiteral("a tie"));
    return out;
}

} // namespace graft
