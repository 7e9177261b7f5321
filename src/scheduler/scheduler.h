// Private: the timers of one pool. One thread of the pool's own fires them, so they fire
// whether or not (and however busy) the application's event loop is; a deadline heap
// holds every pending timer: adding is O(log n), cancelling O(1) (the heap entry is
// dropped when it surfaces), firing O(log n). The thread starts with the first timer and
// ends with stop().
//
// The thread sleeps on the clock itself (a futex wait with the earliest deadline), not in a
// Qt event loop: Qt delivers no timer events once the QCoreApplication is gone, so a pool
// that outlives the application object (a global or static pool) would lose its timers
// and could never end the loop. Deadlines saturate: one beyond the clock's range is kNever.
#pragma once

#include <fastthreadpool/timerid.h>

#include "core/eventcount.h"
#include "core/saturating.h"
#include "scheduler/timerstate.h"

#include <QtCore/qlist.h>
#include <QtCore/qstring.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace FastThreadPool::detail {

class SchedulerThread;

class Scheduler
{
public:
    using Clock = std::chrono::steady_clock;
    //! Submits one run of a timer to the pool (called on the scheduler thread). Returns
    //! false if the pool refused it; the scheduler then forgets the timer.
    using Fire = std::function<bool(const std::shared_ptr<TimerState> &)>;

    //! `owner` tags the thread (JoinableThread::currentRole()).
    Scheduler(QString threadName, const void *owner, Fire fire);
    ~Scheduler();
    Scheduler(const Scheduler &) = delete;
    Scheduler &operator=(const Scheduler &) = delete;

    enum class List : std::uint8_t { Delayed, Scheduled };
    //! Now on the steady clock, in ns (the scheduler's time base).
    static std::int64_t nowNs() noexcept;
    //! A new timer whose first run is due at `firstNs` (steady clock, ns; kNever: never),
    //! repeating every state->interval (0: once), listed by delayed() or scheduled(). Sets
    //! state->id. Throws ThreadStartFailed if the scheduler thread cannot be started.
    TimerId add(std::int64_t firstNs, List list, std::shared_ptr<TimerState> state);

    struct Cancelled
    {
        bool wasLive = false;
        JobId queuedRun = 0; // a run of it waiting in the pool (never starts now)
    };
    //! After this returns no run of the timer starts.
    Cancelled cancel(TimerId id);
    //! Cancels every timer; returns the runs waiting in the pool.
    QList<JobId> cancelAll();
    //! A one-shot timer whose run started is no longer cancellable: forget it.
    void forget(TimerId id);
    //! Live one-shot timers not fired yet, and live periodic timers.
    QList<TimerId> delayed() const;
    QList<TimerId> scheduled() const;
    //! Cancels every timer and ends the thread (a later add() starts it again). Waits for
    //! the thread, holding no lock meanwhile; must not be called on the scheduler thread.
    void stop();

private:
    friend class SchedulerThread;
    struct Entry
    {
        std::int64_t due; // steady clock, ns
        std::uint32_t slot;
        std::uint32_t generation;
        bool operator>(const Entry &other) const noexcept { return due > other.due; }
    };
    struct Slot // 24 bytes: a pending timer costs this, a heap entry and its state
    {
        std::shared_ptr<TimerState> state; // null: free
        std::uint32_t generation = 0;
        List list = List::Delayed;
        bool popped = false; // a one-shot's heap entry is gone (it fired)
        bool handedOver = false; // its run is in the pool: no longer listed
    };

    // On the scheduler thread: fires what is due; returns the next deadline (kNever: none,
    // or `quit` is raised).
    std::int64_t processDue(const std::atomic<bool> &quit);
    //! The thread's loop, until `quit` is raised.
    void waitLoop(const std::atomic<bool> &quit);
    QList<TimerId> listed(List list) const;
    std::shared_ptr<TimerState> takeLocked(std::uint32_t slot); // frees the slot
    Slot *findLocked(TimerId id);
    void pushLocked(const Entry &entry);
    //! Starts the thread if none runs; throws ThreadStartFailed if it cannot be started.
    void ensureThread();

    const QString m_threadName;
    const void *const m_owner;
    const Fire m_fire;
    mutable std::mutex m_mutex;
    std::vector<Entry> m_heap; // min-heap on `due`, holding stale entries of freed slots
    std::size_t m_stale = 0; // heap entries whose slot was freed
    std::vector<Slot> m_slots;
    std::vector<std::uint32_t> m_freeSlots;
    std::int64_t m_armedFor = kNever; // the deadline the thread sleeps until
    bool m_changedSinceLook = false; // add() came before the thread's next look
    // The thread sleeps on this; add() and stop() wake it.
    EventCount m_changed;
    // Starting and stopping the thread, never held while waiting for it: stop() joins the
    // thread it took out after letting go of this lock.
    std::mutex m_lifecycle;
    std::unique_ptr<SchedulerThread> m_thread; // under m_lifecycle
    std::unique_ptr<SchedulerThread> m_selfStopped; // stop() ran on it; joined at the end
};

} // namespace FastThreadPool::detail
