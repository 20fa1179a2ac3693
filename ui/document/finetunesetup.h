#pragma once

#include "core/common/expected.h"
#include "core/training/headremapper.h"
#include "core/training/trainingtypes.h"

#include <QStringList>

#include <memory>

namespace graft {
struct LoadedModel;
struct TrainingData;
} // namespace graft

namespace graft::ui {

/** What the Head, Training and Results pages share: the opened model and the loaded dataset (both immutable). */
struct FineTuneInputs
{
    std::shared_ptr<const LoadedModel> model;
    std::shared_ptr<const TrainingData> data;

    bool hasModel() const { return model != nullptr; }
    bool ready() const { return model && data; }
    /** The old classes' names: from the model's labels file, else "0".."N-1" for `oldUnits`. */
    QStringList oldClassNames(int oldUnits) const;
};

/**
 * The steps between "model + dataset + plan" and a TrainingJob, in the same order
 * `graft-cli finetune` takes them (plan in dataset order, imprint means, remap,
 * params). Blocking: callers run it off the GUI thread.
 */
class FineTuneSetup final
{
public:
    FineTuneSetup() = delete;

    /** The remapped model; imprint rows get their class means from the training samples. */
    static Expected<RemappedModel> remap(const FineTuneInputs &inputs, const HeadPlan &plan);
    /** Zero-shot: the remapped model on the validation samples (or the training samples when there are none). */
    static Expected<ClassificationReport> zeroShot(const FineTuneInputs &inputs, const HeadPlan &plan);
    /** `settings` (the form's optimizer, epochs, callbacks, …) completed with the model, samples and head. */
    static Expected<TrainingParams> trainingParams(const FineTuneInputs &inputs, const HeadPlan &plan,
                                                   TrainingParams settings);
    /** Euclidean norm of each output neuron's kernel column in the remapped head layer. */
    static QVector<double> headRowNorms(const RemappedModel &remapped);
};

} // namespace graft::ui
