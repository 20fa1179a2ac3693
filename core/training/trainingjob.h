#pragma once

#include "core/training/pausegate.h"
#include "core/training/trainingobserver.h"
#include "core/training/trainingtypes.h"

#include <QObject>
#include <QString>

#include <atomic>

namespace graft {

/**
 * A fine-tuning run as a job: Params in, FineTuneOutcome out. run() trains (and,
 * with compareScratch, trains the same way from fresh weights) on the calling
 * thread — a worker thread in the GUI — and ends with exactly one of succeeded()
 * or failed(); no exception leaves run(). cancel(), pause() and resume() may be
 * called from any thread: an atomic and a PauseGate the loop checks between batches,
 * not queued slots (the worker's event loop is busy training). Cancel while paused
 * ends the run as a cancel between batches does.
 */
class TrainingJob final : public QObject, private TrainingObserver
{
    Q_OBJECT

public:
    explicit TrainingJob(TrainingParams params, bool compareScratch = false, QObject *parent = nullptr);

    /** Also reports to `observer` (called on the training thread), e.g. the CLI's progress printer. */
    void setObserver(TrainingObserver *observer) { m_observer = observer; }
    void cancel()
    {
        m_cancel.store(true);
        m_pause.wake();
    }
    bool isCancelled() const { return m_cancel.load(); }
    /** The loop stops after the current batch until resume(); paused() follows when it does. */
    void pause() { m_pause.pause(); }
    void resume() { m_pause.resume(); }
    bool isPaused() const { return m_pause.isPaused(); }
    /** After succeeded(): the outcome (also passed by the signal). */
    const FineTuneOutcome &outcome() const { return m_outcome; }

public Q_SLOTS:
    void run();

Q_SIGNALS:
    /** `run` is 0 for the fine-tuning run, 1 for the from-scratch comparison. */
    void batchFinished(int run, const graft::BatchProgress &progress);
    void epochFinished(int run, const graft::EpochRecord &record);
    void noted(int run, const QString &message);
    /** Emitted on the training thread when the loop starts waiting; `after`: the last finished batch (batch 0: none yet). */
    void paused(int run, const graft::BatchProgress &after);
    void succeeded(const graft::FineTuneOutcome &outcome);
    void failed(const QString &message);

private:
    void batchFinished(const BatchProgress &progress) override;
    void epochFinished(const EpochRecord &record) override;
    void note(const QString &message) override;

    TrainingParams m_params;
    bool m_compareScratch;
    TrainingObserver *m_observer = nullptr;
    std::atomic_bool m_cancel{false};
    PauseGate m_pause;
    int m_run = 0;
    BatchProgress m_lastBatch; ///< training thread only
    FineTuneOutcome m_outcome;
};

} // namespace graft
