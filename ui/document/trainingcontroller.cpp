#include "ui/document/trainingcontroller.h"

#include "core/training/trainingjob.h"

#include <QCoreApplication>
#include <QFutureWatcher>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

namespace graft::ui {

TrainingController::TrainingController(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<BatchProgress>();
    qRegisterMetaType<EpochRecord>();
    qRegisterMetaType<FineTuneOutcome>();
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
    m_clock.start();
    m_pauseClock.invalidate();
    m_pausedMs = 0;
    setState(State::Preparing);
    // Imprinting and remapping read the whole training set: not on the GUI thread.
    auto *watcher = new QFutureWatcher<Expected<TrainingParams>>(this);
    connect(watcher, &QFutureWatcher<Expected<TrainingParams>>::finished, this, [this, watcher, compareScratch] {
        watcher->deleteLater();
        Expected<TrainingParams> params = watcher->result();
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
    watcher->setFuture(
        QtConcurrent::run([inputs, plan, settings] { return FineTuneSetup::trainingParams(inputs, plan, settings); }));
    return true;
}

void TrainingController::launch(TrainingParams params, bool compareScratch)
{
    Q_EMIT prepared(params.classNames, params.epochs, int(params.train.count()), params.batchSize, compareScratch);
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("graft-training"));
    auto *job = new TrainingJob(std::move(params), compareScratch);
    job->moveToThread(m_thread);
    m_job = job;
    connect(m_thread, &QThread::started, job, &TrainingJob::run);
    // A small model finishes thousands of batches a second; queueing each one would flood the GUI
    // thread. Forward at most one every 25 ms (and every epoch's last), decided on the training thread.
    auto sinceForward = std::make_shared<QElapsedTimer>();
    connect(
        job, qOverload<int, const BatchProgress &>(&TrainingJob::batchFinished), this,
        [this, sinceForward](int run, const BatchProgress &progress) {
            if (sinceForward->isValid() && sinceForward->elapsed() < 25 && progress.batch != progress.batches)
                return;
            sinceForward->start();
            Q_EMIT batchFinished(run, progress);
        },
        Qt::DirectConnection);
    connect(job, qOverload<int, const EpochRecord &>(&TrainingJob::epochFinished), this,
            &TrainingController::epochFinished);
    connect(job, &TrainingJob::noted, this, &TrainingController::noted);
    connect(job, &TrainingJob::paused, this, &TrainingController::paused);
    connect(job, &TrainingJob::succeeded, this, [this](const FineTuneOutcome &outcome) {
        finish();
        Q_EMIT succeeded(outcome);
    });
    connect(job, &TrainingJob::failed, this, [this](const QString &message) {
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
