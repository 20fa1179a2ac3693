#pragma once

#include "core/training/trainingtypes.h"

#include <QString>

namespace graft {

/**
 * What a training run reports while it runs: after every batch, after every
 * epoch, and notes (phase changes, learning-rate reductions, checkpoints). Called
 * on the training thread; implementations that touch a GUI must queue.
 */
class TrainingObserver
{
public:
    virtual ~TrainingObserver() = default;
    virtual void batchFinished(const BatchProgress &progress) { Q_UNUSED(progress) }
    virtual void epochFinished(const EpochRecord &record) { Q_UNUSED(record) }
    virtual void note(const QString &message) { Q_UNUSED(message) }
};

} // namespace graft
