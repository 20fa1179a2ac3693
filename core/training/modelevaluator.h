#pragma once

#include "core/common/expected.h"
#include "core/model/modelspec.h"
#include "core/training/headremapper.h"
#include "core/training/trainingtypes.h"

#include <QString>

#include <vector>

namespace graft {

/**
 * Runs a classifier over labelled samples in inference mode: accuracy, per-class
 * accuracy and confusion (the zero-shot numbers of a remapped model), and the
 * penultimate activations that imprinting averages.
 */
class ModelEvaluator final
{
public:
    ModelEvaluator() = delete;

    /** The model's outputs (N, classes) for `samples`. */
    static Expected<std::vector<float>> predict(const ModelSpec &model, const QString &kerasVersion,
                                                const SampleSet &samples, int batchSize = 256);
    /** Classification report of the model's outputs against the labels. */
    static Expected<ClassificationReport> evaluate(const ModelSpec &model, const QString &kerasVersion,
                                                   const SampleSet &samples, int classCount, int batchSize = 256);
    /**
     * Per new class (plan row order = label order), the mean of the head's input
     * activations over the class's samples; empty for classes without samples.
     */
    static Expected<ImprintEmbeddings> classMeanEmbeddings(const ModelSpec &model, const QString &kerasVersion,
                                                           const OutputHead &head, const SampleSet &samples,
                                                           int classCount, int batchSize = 256);
};

} // namespace graft
