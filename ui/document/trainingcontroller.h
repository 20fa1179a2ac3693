#pragma once

#include "core/training/trainingtypes.h"
#include "ui/async/latestrequest.h"
#include "ui/document/finetunesetup.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

class QThread;

namespace graft {
class TrainingJob;
}

namespace graft::ui {

class ProgressThrottle;

/** What a run will do, known once its parameters are made (TrainingController::prepared). */
struct PreparedRun
{
    QStringList classNames;
    int epochs = 0;
    int initialEpoch = 0; ///< where the run starts unless it resumes a checkpoint (then its first batch says)
    int trainSamples = 0;
    int batchSize = 1;
    bool compareScratch = false;
};

/**
 * Runs one fine-tuning from the GUI: prepares the remapped model and params on a
 * pool thread, then runs a TrainingJob on its own QThread. Its batches, epochs and notes
 * reach the GUI thread through a ProgressThrottle (a few deliveries a second, then
 * progressFlushed()); its pause and end are relayed (queued) after what came before them.
 * stop(), pause() and resume() set the job's cancel flag and pause gate directly (the
 * worker's event loop is busy); a paused run waits between batches, and time paused does
 * not count in elapsed().
 */
class TrainingController final : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, Preparing, Training, Paused, Stopping };

    explicit TrainingController(QObject *parent = nullptr);
    ~TrainingController() override;

    /** `settings`: the form's TrainingParams (no model or samples); the setup completes them. */
    bool start(const FineTuneInputs &inputs, const HeadPlan &plan, const TrainingParams &settings, bool compareScratch);
    void stop();
    /** Training only: the run stops after the current batch; paused() follows when it has. */
    void pause();
    void resume();
    State state() const { return m_state; }
    bool isRunning() const { return m_state != State::Idle; }
    /** Milliseconds since start(), without the time paused. */
    qint64 elapsed() const;
    /** Blocks until the worker thread is gone (tests, shutdown). */
    void waitForFinished();

Q_SIGNALS:
    void stateChanged(graft::ui::TrainingController::State state);
    void prepared(const graft::ui::PreparedRun &run);
    void batchFinished(int run, const graft::BatchProgress &progress);
    void epochFinished(int run, const graft::EpochRecord &record);
    void noted(int run, const QString &message);
    /** The throttle delivered what the run reported since the last delivery: live views redraw now. */
    void progressFlushed();
    /** The run is waiting after `after` (batch 0: before its first batch). */
    void paused(int run, const graft::BatchProgress &after);
    void succeeded(const graft::FineTuneOutcome &outcome);
    void failed(const QString &message);

private:
    void setState(State state);
    void launch(TrainingParams params, bool compareScratch);
    void finish();
    void endPauseClock();

    State m_state = State::Idle;
    QThread *m_thread = nullptr;
    QPointer<TrainingJob> m_job;
    bool m_stopRequested = false;
    LatestRequest<Expected<TrainingParams>> m_prepare{this};
    ProgressThrottle *m_progress;
    QElapsedTimer m_clock;
    QElapsedTimer m_pauseClock; ///< valid while paused
    qint64 m_pausedMs = 0;
};

} // namespace graft::ui

Q_DECLARE_METATYPE(graft::ui::TrainingController::State)
