#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <memory>
#include <optional>
#include <utility>

namespace graft::ui {

/**
 * The cancel flag of one request. The GUI sets it; the job polls it, or hands flag() to core
 * code that takes a `const std::atomic_bool *` (feature extraction, dataset scans). Copies share
 * the flag, so the job's copy sees the GUI's cancel().
 */
class CancelToken final
{
public:
    CancelToken() : m_flag(std::make_shared<std::atomic_bool>(false)) { }

    bool isCancelled() const { return m_flag->load(); }
    const std::atomic_bool *flag() const { return m_flag.get(); }
    void cancel() const { m_flag->store(true); }
    bool operator==(const CancelToken &other) const { return m_flag == other.m_flag; }
    bool operator!=(const CancelToken &other) const { return m_flag != other.m_flag; }

private:
    std::shared_ptr<std::atomic_bool> m_flag;
};

/**
 * One piece of GUI work at a time on the global thread pool, its result handed back on the GUI
 * thread: reading a model, scanning a dataset, a preview, an export. start() cancels the request
 * before it (its token is set, its result dropped, its callback never runs), so the owner only
 * hears of what it asked for last; cancel() drops the running one. A job gets copies of what it
 * needs and a CancelToken to stop early, and returns a value: nothing else crosses the threads.
 *
 * When to use it: work with one result and no state of its own, that may be abandoned at any
 * time (a cancelled job finishes in the pool, unheard). When the work reports progress as it
 * goes, can pause, holds state between steps or must end before the application does (a
 * training run), a QObject job on its own QThread fits instead: its signals are queued to the
 * GUI, and its owner can wait() for it at shutdown (TrainingController).
 */
template <typename Result> class LatestRequest final
{
public:
    /** Results are delivered on `context`'s thread, and never once `context` or this request is gone. */
    explicit LatestRequest(QObject *context) : m_context(context), m_state(std::make_shared<State>()) { }
    ~LatestRequest() { cancel(); }
    LatestRequest(const LatestRequest &) = delete;
    LatestRequest &operator=(const LatestRequest &) = delete;

    /**
     * Runs `job(const CancelToken &)` on the pool, then `done(Result)` on the context's thread
     * unless the request was cancelled or superseded meanwhile.
     */
    template <typename Job, typename Done> void start(Job job, Done done)
    {
        cancel();
        const CancelToken token;
        m_state->running = token;
        auto *watcher = new QFutureWatcher<Result>(m_context);
        QObject::connect(watcher, &QFutureWatcherBase::finished, m_context,
                         [watcher, state = std::weak_ptr<State>(m_state), token, done = std::move(done)]() mutable {
                             watcher->deleteLater();
                             const auto alive = state.lock();
                             if (!alive || alive->running != token)
                                 return; // cancelled or superseded
                             alive->running.reset();
                             done(watcher->future().takeResult());
                         });
        watcher->setFuture(QtConcurrent::run([job = std::move(job), token]() mutable { return Result(job(token)); }));
    }

    /** Drops the running request, if any (its job is told to stop); returns whether there was one. */
    bool cancel()
    {
        if (!m_state->running)
            return false;
        m_state->running->cancel();
        m_state->running.reset();
        return true;
    }

    bool isRunning() const { return m_state->running.has_value(); }

private:
    /** Shared with the watchers' callbacks, which outlive neither the context nor (through the weak pointer) this. */
    struct State
    {
        std::optional<CancelToken> running;
    };

    QObject *m_context;
    std::shared_ptr<State> m_state;
};

} // namespace graft::ui
