#pragma once

#include "core/common/expected.h"
#include "core/training/trainingobserver.h"
#include "core/training/trainingtypes.h"

#include <atomic>

namespace graft {

class PauseGate;

/**
 * Trains a model the way Keras's fit() does (see TrainingParams), synchronously
 * on the calling thread. Every exception becomes an Error; cancellation (checked
 * between batches) and a NaN/Inf loss end the run with a result, not an error.
 * With a `pause` gate the loop waits between batches while it is paused (the time
 * waited does not count in the epochs' seconds); a cancel while paused needs the
 * gate's wake() to end the wait at once.
 */
class Trainer final
{
public:
    Trainer() = delete;

    static Expected<TrainingResult> run(const TrainingParams &params, TrainingObserver *observer = nullptr,
                                        const std::atomic_bool *cancel = nullptr, PauseGate *pause = nullptr);

    /**
     * The same run from freshly initialized weights (Keras's initializers, seeded),
     * every layer trainable, no checkpoints: the --compare-scratch baseline.
     */
    static Expected<TrainingParams> scratchParams(const TrainingParams &params);

    /**
     * Per top-level layer of `params.model`: does it train? `headOnlyPhase`: the first
     * phase of a two-phase schedule (only the head); otherwise `params.trainable` decides.
     */
    static Expected<QVector<bool>> trainableLayers(const TrainingParams &params, bool headOnlyPhase);
};

} // namespace graft
