// Private: one dedicated thread that hands queued entries to a user callback, in order
// ("ThreadPoolDone", "ThreadPoolFailed"). Started on the first entry, stopped (after
// draining) by the pool's shutdown, started again by a later entry.
#pragma once

#include <fastthreadpool/semaphore.h>

#include "core/lanequeue.h"
#include "delivery/joinablethread.h"

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qthread.h>

#include <atomic>
#include <functional>
#include <mutex>

namespace FastThreadPool::detail {

template <class T>
class CallbackThread final : public JoinableThread
{
public:
    //! `handle` must not throw: it wraps the user's callback and reports its exceptions.
    CallbackThread(const QString &name, std::function<void(T &&)> handle)
        : m_handle(std::move(handle))
    {
        setObjectName(name);
    }
    ~CallbackThread() override { stop(QDeadlineTimer(QDeadlineTimer::Forever)); }

    //! Producers push on their lane of lanes(), then call published().
    LaneQueue<T> &lanes() noexcept { return m_queue; }
    void published()
    {
        m_items.release(1);
        // acquire: pairs with the release store in ensureStarted().
        if (!m_started.load(std::memory_order_acquire))
            ensureStarted();
    }

    //! Lets the thread hand out what is queued, then end. False at the deadline.
    bool stop(QDeadlineTimer deadline)
    {
        std::lock_guard lock(m_lifecycle);
        // relaxed: m_lifecycle orders it with ensureStarted().
        if (!m_started.load(std::memory_order_relaxed))
            return true;
        m_stopping.store(true, std::memory_order_release); // release: read by body()
        m_items.release(1);
        if (!join(deadline))
            return false;
        m_started.store(false, std::memory_order_relaxed); // relaxed: under m_lifecycle
        return true;
    }

protected:
    void body() override
    {
        T entry;
        for (;;) {
            m_items.acquire();
            if (m_queue.tryPop(entry)) {
                m_handle(std::move(entry));
                continue;
            }
            // A permit without an entry is the stop signal. acquire: pairs with stop().
            if (m_stopping.load(std::memory_order_acquire)) {
                while (m_queue.tryPop(entry))
                    m_handle(std::move(entry));
                return;
            }
        }
    }

private:
    void ensureStarted()
    {
        std::lock_guard lock(m_lifecycle);
        if (m_started.load(std::memory_order_relaxed)) // relaxed: under m_lifecycle
            return;
        m_stopping.store(false, std::memory_order_relaxed); // relaxed: start() publishes
        start();
        m_started.store(true, std::memory_order_release); // release: see push()
    }

    std::function<void(T &&)> m_handle;
    LaneQueue<T> m_queue;
    Semaphore m_items{0};
    std::atomic<bool> m_started{false};
    std::atomic<bool> m_stopping{false};
    std::mutex m_lifecycle;
};

} // namespace FastThreadPool::detail
