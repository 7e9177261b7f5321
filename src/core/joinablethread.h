// Private: a QThread whose end is an acquire/release handshake the sanitizers can see.
// QThread::wait() synchronises through Qt's own futex-based mutex, which ThreadSanitizer
// does not know (Qt is not instrumented); join() adds the edge explicitly.
#pragma once

#include "core/faultinjection.h"

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qthread.h>

#include <atomic>

namespace FastThreadPool::detail {

//! Whose thread this is: the pool it serves (an opaque tag) and whether it runs jobs
//! (children and map threads) or serves the pool otherwise (callbacks, timers).
struct ThreadRole
{
    const void *owner = nullptr;
    bool runsJobs = false;
};

class JoinableThread : public QThread
{
public:
    //! Set before the thread starts.
    void setRole(ThreadRole role) noexcept { m_role = role; }
    //! The role of the calling thread; an empty one outside the library's threads.
    static ThreadRole currentRole() noexcept { return t_role; }

    //! Starts the thread; false if the system could not (QThread::start() only warns).
    [[nodiscard]] bool tryStart()
    {
        if (fault::hit(fault::Point::ThreadStart))
            return false;
        start();
        // A failed start leaves the thread neither running nor finished.
        return isRunning() || isFinished();
    }
    //! True when called on this thread.
    bool isCurrent() const noexcept { return currentThread() == this; }
    //! The library's thread the caller runs on, or null.
    static JoinableThread *current() noexcept { return t_self; }

    /*!
        This thread is inside a call that waits for the pool's other threads (shutdown()
        from a job or a callback). Two such threads must not wait for each other: each skips
        a thread that says so. seq_cst (both): of two threads marking themselves and then
        looking at each other, at least one sees the other's mark.
    */
    void setWaitingForOthers(bool waiting) noexcept
    {
        m_waitingForOthers.store(waiting, std::memory_order_seq_cst);
    }
    bool isWaitingForOthers() const noexcept
    {
        return m_waitingForOthers.load(std::memory_order_seq_cst);
    }

    //! Waits for the thread to end; what it wrote is then visible. False at the deadline.
    bool join(QDeadlineTimer deadline)
    {
        if (!wait(deadline))
            return false;
        // acquire: pairs with the release at the end of run().
        (void)m_ended.load(std::memory_order_acquire);
        return true;
    }

protected:
    virtual void body() = 0;

private:
    void run() final
    {
        m_ended.store(false, std::memory_order_relaxed); // relaxed: start() published it
        t_role = m_role;
        t_self = this;
        body();
        // release: everything body() wrote happens before a join() that returns.
        m_ended.store(true, std::memory_order_release);
    }

    std::atomic<bool> m_ended{false};
    std::atomic<bool> m_waitingForOthers{false};
    ThreadRole m_role;
    static inline thread_local ThreadRole t_role;
    static inline thread_local JoinableThread *t_self = nullptr;
};

} // namespace FastThreadPool::detail
