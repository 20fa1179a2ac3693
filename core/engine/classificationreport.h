#pragma once

#include "core/common/expected.h"
#include "core/io/npyarray.h"
#include "core/model/tensordata.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace graft {

/**
 * Accuracy, per-class accuracy and confusion matrix of a classifier's outputs
 * against true labels, decided the way Keras's accuracy metrics decide: argmax
 * of each output row (first maximum on ties), or p > 0.5 for a single sigmoid unit.
 */
struct ClassificationReport
{
    std::int64_t samples = 0;
    std::int64_t correct = 0;
    double accuracy = 0.0;
    int classCount = 0;
    QStringList classNames;                    // may be shorter than classCount
    std::vector<std::int64_t> perClassSamples; // true samples of each class
    std::vector<std::int64_t> perClassCorrect;
    std::vector<std::vector<std::int64_t>> confusion; // [true class][predicted class]
    std::vector<std::int64_t> predicted;              // per sample

    /** `outputs` (N, C) or (N, 1)/(N,) for a sigmoid; `labels` class indices. */
    static Expected<ClassificationReport> compute(const TensorData &outputs, const std::vector<std::int64_t> &labels,
                                                  const QStringList &classNames = {});
    /** Class indices from an array of indices ((N,) or (N, 1)) or of one-hot rows (N, C). */
    static Expected<std::vector<std::int64_t>> labelsFromArray(const NpyArray &y);

    /** Accuracy of class `k` among its true samples, or -1 when it has none. */
    double classAccuracy(int k) const;
    /** {"samples", "accuracy", "correct", "per_class": [accuracy or null, ...], "classes": [...], "confusion": [[...]]} */
    QJsonObject toJson() const;
    /** The report as aligned text tables. */
    QString toText() const;
};

} // namespace graft
