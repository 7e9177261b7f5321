// Private: a pool's suspension (Pool::suspend()/resume()). Idle children wait here instead
// of taking a queued job, and a running job waits in ThisJob::suspendIfRequested(). The
// flag is one relaxed load for a pool nobody suspends; the waiting is a condition
// variable, woken by resume(), by a cancel request and by a stop.
#pragma once

#include <fastthreadpool/detail/jobcontext.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace FastThreadPool::detail {

class SuspendGate
{
public:
    bool isSuspended() const noexcept
    {
        // relaxed: a hint on the hot path; the waits below look again under the mutex.
        return m_suspended.load(std::memory_order_relaxed);
    }

    //! True if this changed the state.
    bool suspend()
    {
        std::lock_guard lock(m_mutex);
        // relaxed: written under the mutex the waiters read it under.
        return !m_suspended.exchange(true, std::memory_order_relaxed);
    }
    //! True if this changed the state. Wakes every waiter.
    bool resume()
    {
        bool changed = false;
        {
            std::lock_guard lock(m_mutex);
            // relaxed: as suspend().
            changed = m_suspended.exchange(false, std::memory_order_relaxed);
        }
        m_changed.notify_all();
        return changed;
    }
    //! Something a waiter looks at changed (a cancel request, a stop): every waiter looks
    //! again. Cheap when nobody is suspended.
    void poke()
    {
        if (!isSuspended())
            return;
        {
            std::lock_guard lock(m_mutex);
        } // a waiter between its look and its wait sees it
        m_changed.notify_all();
    }

    /*!
        Waits while the gate is suspended and `leave()` is false. `leave` is looked at under
        the gate's mutex after every wake-up; whoever makes it true calls poke() after.
        `pollEvery` > 0: also looks every so often (a condition nobody pokes for, such as a
        QFuture cancelled by its owner).
    */
    template<class Leave>
    void waitWhileSuspended(Leave &&leave,
                            std::chrono::milliseconds pollEvery = std::chrono::milliseconds(0))
    {
        if (!isSuspended())
            return;
        std::unique_lock lock(m_mutex);
        // relaxed: under the mutex.
        auto done = [&] { return !m_suspended.load(std::memory_order_relaxed) || leave(); };
        if (pollEvery.count() > 0) {
            while (!m_changed.wait_for(lock, pollEvery, done)) { }
        } else {
            m_changed.wait(lock, done);
        }
    }

private:
    std::atomic<bool> m_suspended{false};
    std::mutex m_mutex;
    std::condition_variable m_changed;
};

} // namespace FastThreadPool::detail
