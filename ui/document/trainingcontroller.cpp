#include "ui/document/trainingcontroller.h"

#include "core/training/trainingjob.h"
#include "ui/async/progressthrottle.h"

#include <QCoreApplication>
#include <QThread>

namespace graft::ui {

TrainingController::TrainingController(QObject *parent) : QObject(parent), m_progress(new ProgressThrottle(this))
{
    qRegisterMetaType<BatchProgress>();
    qRegisterMetaType<EpochRecord>();
    qRegisterMetaType<FineTuneOutcome>();
    connect(m_progress, &ProgressThrottle::batchFinished, this, &TrainingController::batchFinished);
    connect(m_progress, &ProgressThrottle::epochFinished, this, &TrainingController::epochFinished);
    connect(m_progress, &ProgressThrottle::noted, this, &TrainingController::noted);
    connect(m_progress, &ProgressThrottle::flushed, this, &TrainingController::progressFlushed);
}

TrainingController::~TrainingController()
{
    stop();
    waitForFinished();
}

void TrainingController::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

bool TrainingController::start(const FineTuneInputs &inputs, const HeadPlan &plan, const TrainingParams &settings,
                               bool compareScratch)
{
    if (isRunning())
        return false;
    m_stopRequested = false;
    m_progress->clear();
    m_clock.start();
    m_pauseClock.invalidate();
    m_pausedMs = 0;
    setState(State::Preparing);
    // Imprinting and remapping read the whole training set: not on the GUI thread.
    m_prepare.start(
        [inputs, plan, settings](const CancelToken &) { return FineTuneSetup::trainingParams(inputs, plan, settings); },
        [this, compareScratch](Expected<TrainingParams> params) {
            if (m_stopRequested) {
                setState(State::Idle);
                Q_EMIT failed(tr("Stopped before training started."));
                return;
            }
            if (!params) {
                setState(State::Idle);
                Q_EMIT failed(params.errorString());
                return;
            }
            launch(std::move(params).value(), compareScratch);
        });
    return true;
}

void TrainingController::launch(TrainingParams params, bool compareScratch)
{
    Q_EMIT prepared(PreparedRun{params.classNames, params.epochs, params.initialEpoch, int(params.train.count()),
                                params.batchSize, compareScratch});
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("graft-training"));
    auto *job = new TrainingJob(std::move(params), compareScratch);
    job->moveToThread(m_thread);
    m_job = job;
    connect(m_thread, &QThread::started, job, &TrainingJob::run);
    // Reports are buffered on the training thread itself (direct connections); the throttle hands
    // them to the GUI. A pause or the end is reported only after everything pushed before it.
    ProgressThrottle *progress = m_progress;
    connect(
        job, qOverload<int, const BatchProgress &>(&TrainingJob::batchFinished), this,
        [progress](int run, const BatchProgress &p) { progress->pushBatch(run, p); }, Qt::DirectConnection);
    connect(
        job, qOverload<int, const EpochRecord &>(&TrainingJob::epochFinished), this,
        [progress](int run, const EpochRecord &record) { progress->pushEpoch(run, record); }, Qt::DirectConnection);
    connect(
        job, &TrainingJob::noted, this,
        [progress](int run, const QString &message) { progress->pushNote(run, message); }, Qt::DirectConnection);
    connect(job, &TrainingJob::paused, this, [this](int run, const BatchProgress &after) {
        m_progress->flush();
        Q_EMIT paused(run, after);
    });
    connect(job, &TrainingJob::succeeded, this, [this](const FineTuneOutcome &outcome) {
        m_progress->flush();
        finish();
        Q_EMIT succeeded(outcome);
    });
    connect(job, &TrainingJob::failed, this, [this](const QString &message) {
        m_progress->flush();
        finish();
        Q_EMIT failed(message);
    });
    connect(m_thread, &QThread::finished, job, &QObject::deleteLater);
    setState(m_stopRequested ? State::Stopping : State::Training);
    m_thread->start();
    if (m_stopRequested)
        job->cancel();
}

void TrainingController::finish()
{
    // run() has returned (the signal was emitted at its end): the thread's event loop can quit.
    endPauseClock();
    if (m_thread) {
        m_thread->quit();
        m_thread->wait();
        m_thread->deleteLater();
        m_thread = nullptr;
    }
    setState(State::Idle);
}

void TrainingController::stop()
{
    if (!isRunning())
        return;
    m_stopRequested = true;
    // The worker's event loop is busy in run(): cancel through the job's atomic, not a queued call.
    if (m_job)
        m_job->cancel(); // also wakes a paused run
    endPauseClock();
    if (m_state == State::Training || m_state == State::Paused)
        setState(State::Stopping);
}

void TrainingController::pause()
{
    if (m_state != State::Training || !m_job)
        return;
    m_job->pause();
    m_pauseClock.start();
    setState(State::Paused);
}

void TrainingController::resume()
{
    if (m_state != State::Paused || !m_job)
        return;
    m_job->resume();
    endPauseClock();
    setState(State::Training);
}

qint64 TrainingController::elapsed() const
{
    if (!m_clock.isValid())
        return 0;
    return m_clock.elapsed() - m_pausedMs - (m_pauseClock.isValid() ? m_pauseClock.elapsed() : 0);
}

void TrainingController::endPauseClock()
{
    if (m_pauseClock.isValid())
        m_pausedMs += m_pauseClock.elapsed();
    m_pauseClock.invalidate();
}

void TrainingController::waitForFinished()
{
    while (m_state == State::Preparing) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::msleep(5);
    }
    if (m_thread) {
        m_thread->quit();
        m_thread->wait();
        // The job's final (queued) signals are dropped: the caller is shutting down.
        delete m_thread;
        m_thread = nullptr;
        setState(State::Idle);
    }
}

} // namespace graft::ui
