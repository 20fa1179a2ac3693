#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

namespace graft {

/**
 * Holds a training loop between batches while paused. pause() and resume() may be
 * called from any thread: the GUI sets the gate directly, like the cancel flag, since
 * the worker's event loop is busy training. The loop sleeps on a condition variable
 * (no spinning) until resumed or cancelled.
 */
class PauseGate final
{
public:
    void pause();
    void resume();
    bool isPaused() const { return m_paused.load(); }
    /** Wakes a waiting loop so that it sees a cancel flag set just before: cancel while paused ends the run. */
    void wake();
    /** Called on the training thread whenever the loop starts waiting; set it before the run starts. */
    void setOnPaused(std::function<void()> onPaused) { m_onPaused = std::move(onPaused); }

    /**
     * The training thread, between batches: returns 0 at once unless paused; else blocks until
     * resume(), or until `*cancel` is set and wake() called. Returns the nanoseconds it waited.
     */
    std::int64_t waitWhilePaused(const std::atomic_bool *cancel);

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::atomic_bool m_paused{false};
    std::function<void()> m_onPaused;
};

} // namespace graft
