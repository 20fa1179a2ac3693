#pragma once

#include "core/training/trainingtypes.h"

#include <QString>
#include <QStringList>

namespace graft {

/** Plain-text views of training results, as the CLI prints them. */
class TrainingReport final
{
public:
    TrainingReport() = delete;

    /** "Epoch 3/20 - 1.2 s - loss: 0.4312 - accuracy: 0.8750 - val_loss: … - lr: 0.001" (Keras's wording). */
    static QString epochLine(const EpochRecord &record, int epochs);
    /** Accuracy, per-class accuracy and (up to `maxConfusionClasses` classes) the confusion matrix. */
    static QString classification(const ClassificationReport &report, const QStringList &classNames,
                                  int maxConfusionClasses = 30);
    /** How the run ended and what the final weights score. */
    static QString summary(const TrainingResult &result, const QStringList &classNames);
    /** Fine-tuned vs from-scratch: both validation curves side by side and the final accuracies. */
    static QString comparison(const FineTuneOutcome &outcome);
};

} // namespace graft
