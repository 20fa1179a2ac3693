#include "core/training/pausegate.h"

#include <chrono>

namespace graft {

void PauseGate::pause()
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_paused.store(true);
}

void PauseGate::resume()
{
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        m_paused.store(false);
    }
    m_changed.notify_all();
}

void PauseGate::wake()
{
    // Taking the mutex orders the wake-up after a waiter's check of the cancel flag: none is lost.
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
    }
    m_changed.notify_all();
}

std::int64_t PauseGate::waitWhilePaused(const std::atomic_bool *cancel)
{
    const auto cancelled = [cancel] { return cancel && cancel->load(); };
    if (!m_paused.load() || cancelled())
        return 0;
    const auto start = std::chrono::steady_clock::now();
    if (m_onPaused)
        m_onPaused();
    std::unique_lock<std::mutex> lock(m_mutex);
    // The timeout only matters for a caller that sets its cancel flag without wake().
    while (m_paused.load() && !cancelled())
        m_changed.wait_for(lock, std::chrono::milliseconds(250));
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
}

} // namespace graft
