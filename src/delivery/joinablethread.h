// Private: a QThread whose end is an acquire/release handshake the sanitizers can see.
// QThread::wait() synchronises through Qt's own futex-based mutex, which ThreadSanitizer
// does not know (Qt is not instrumented); join() adds the edge explicitly.
#pragma once

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qthread.h>

#include <atomic>

namespace FastThreadPool::detail {

class JoinableThread : public QThread
{
public:
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
        body();
        // release: everything body() wrote happens before a join() that returns.
        m_ended.store(true, std::memory_order_release);
    }

    std::atomic<bool> m_ended{false};
};

} // namespace FastThreadPool::detail
