// Private: one dedicated thread that hands queued entries to a user callback, in order
// ("ThreadPoolDone", "ThreadPoolFailed"). Started on the first entry, stopped (after
// draining) by the pool's shutdown, started again by a later entry.
//
// Each start makes a new runner thread; a runner first joins the one before it, so entries
// are handed out by one thread at a time and in order. stop() holds no lock while it
// waits, and called from the runner itself (a callback shutting the pool down) it does not
// wait for itself. If no thread can be started, entries wait in the queue: the next entry
// or stop() tries again, and the destructor hands out what is left on its own thread.
#pragma once

#include <fastthreadpool/semaphore.h>

#include "core/lanequeue.h"
#include "core/joinablethread.h"

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qloggingcategory.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>

namespace FastThreadPool::detail {

template<class T>
class CallbackThread
{
public:
    //! `handle` must not throw: it wraps the user's callback and reports its exceptions.
    //! `owner` tags the threads (JoinableThread::currentRole()).
    CallbackThread(QString name, const void *owner, std::function<void(T &&)> handle)
        : m_name(std::move(name)), m_owner(owner), m_handle(std::move(handle))
    { }
    ~CallbackThread()
    {
        stop(QDeadlineTimer(QDeadlineTimer::Forever));
        // Producers are gone. Left only if no thread could ever be started: hand them out
        // here rather than drop them (a fresh entry each time: see Runner::body()).
        for (;;) {
            T entry;
            if (!m_queue.tryPop(entry))
                break;
            m_handle(std::move(entry));
        }
    }
    CallbackThread(const CallbackThread &) = delete;
    CallbackThread &operator=(const CallbackThread &) = delete;

    //! Producers emplace() on their lane of lanes(), then call published().
    LaneQueue<T> &lanes() noexcept { return m_queue; }
    void published()
    {
        m_items.release(1);
        // seq_cst: ordered with stop()'s store, so a producer that still sees a runner
        // emplaced before that runner was told to stop, and its final drain takes the entry.
        if (!m_running.load(std::memory_order_seq_cst))
            ensureStarted();
    }

    /*!
        Lets the runner hand out what is queued, then end. True when it ended by `deadline`
        (or none ran). On the runner's own thread it returns true at once: that thread
        ends when the callback that called it returns.
    */
    bool stop(QDeadlineTimer deadline)
    {
        std::shared_ptr<Runner> ending;
        {
            std::lock_guard lock(m_lifecycle);
            if (!m_current && m_queue.hasEntries()) {
                // Entries without a runner (one could not be started, or raced a stop):
                // start one to hand them out before it ends.
                startLocked();
            }
            if (m_current) {
                m_running.store(false, std::memory_order_seq_cst); // seq_cst: see published()
                m_current->requestStop();
                m_items.release(1); // the permit without an entry that wakes it to stop
                m_ending = std::exchange(m_current, nullptr);
            }
            ending = m_ending;
        }
        // Not itself, nor a runner that is waiting for this very thread (see
        // JoinableThread::setWaitingForOthers()): it ends when its callback returns.
        if (!ending || ending->isCurrent() || ending->isWaitingForOthers())
            return true;
        if (!ending->join(deadline))
            return false;
        std::lock_guard lock(m_lifecycle);
        if (m_ending == ending)
            m_ending.reset();
        return true;
    }

private:
    class Runner final : public JoinableThread
    {
    public:
        Runner(CallbackThread &owner, std::shared_ptr<Runner> previous)
            : m_owner(owner), m_previous(std::move(previous))
        {
            setObjectName(owner.m_name);
            setRole({owner.m_owner, false});
        }
        void requestStop() noexcept
        {
            m_stopping.store(true, std::memory_order_release); // release: read by body()
        }

    protected:
        void body() override
        {
            if (m_previous) { // in order: the runner before this one has handed out its part
                m_previous->join(QDeadlineTimer(QDeadlineTimer::Forever));
                m_previous.reset();
            }
            // A fresh entry each time: the queue's lock is held while it assigns one, and an
            // entry the callback left behind must not be destroyed (user code) under it.
            auto handOutOne = [this] {
                T entry;
                if (!m_owner.m_queue.tryPop(entry))
                    return false;
                m_owner.m_handle(std::move(entry));
                return true;
            };
            for (;;) {
                m_owner.m_items.acquire();
                if (handOutOne())
                    continue;
                // A permit without an entry: the stop signal (or a permit whose entry an
                // earlier drain took). acquire: pairs with requestStop().
                if (m_stopping.load(std::memory_order_acquire)) {
                    while (handOutOne()) { }
                    return;
                }
            }
        }

    private:
        CallbackThread &m_owner;
        std::shared_ptr<Runner> m_previous;
        std::atomic<bool> m_stopping{false};
    };

    void ensureStarted()
    {
        std::lock_guard lock(m_lifecycle);
        if (!m_current)
            startLocked();
    }

    void startLocked()
    {
        auto runner = std::make_shared<Runner>(*this, m_ending);
        if (!runner->tryStart()) {
            qWarning("FastThreadPool: the %s thread could not be started; its entries wait "
                     "until it can be",
                     qPrintable(m_name));
            return;
        }
        m_ending.reset(); // the new runner joins it
        m_current = std::move(runner);
        m_running.store(true, std::memory_order_seq_cst); // seq_cst: see published()
    }

    const QString m_name;
    const void *const m_owner;
    std::function<void(T &&)> m_handle;
    LaneQueue<T> m_queue;
    Semaphore m_items{0};
    std::atomic<bool> m_running{false};
    std::mutex m_lifecycle;
    std::shared_ptr<Runner> m_current; // handing out now; under m_lifecycle
    std::shared_ptr<Runner> m_ending; // told to stop, perhaps still running; under m_lifecycle
};

} // namespace FastThreadPool::detail
