// Private: the timers of one pool. One thread of the pool's own fires them, so they fire
// whether or not (and however busy) the application's event loop is; a deadline heap
// holds every pending timer: adding is O(log n), cancelling O(1) (the heap entry is
// dropped when it surfaces), firing O(log n). The thread starts with the first timer and
// ends with stop().
//
// With a QCoreApplication, the thread runs a Qt event loop with one QTimer
// (Qt::PreciseTimer) armed for the earliest deadline. Without one (a console program that
// never creates it) Qt runs no event loop at all, so the thread waits on the clock itself.
#pragma once

#include <fastthreadpool/timerid.h>

#include "core/eventcount.h"
#include "scheduler/timerstate.h"

#include <QtCore/qlist.h>
#include <QtCore/qstring.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

QT_BEGIN_NAMESPACE
class QObject;
class QTimer;
QT_END_NAMESPACE

namespace FastThreadPool::detail {

class SchedulerThread;

class Scheduler
{
public:
    using Clock = std::chrono::steady_clock;
    //! Submits one run of a timer to the pool (called on the scheduler thread). Returns
    //! false if the pool refused it; the scheduler then forgets the timer.
    using Fire = std::function<bool(const std::shared_ptr<TimerState> &)>;

    Scheduler(QString threadName, Fire fire);
    ~Scheduler();
    Scheduler(const Scheduler &) = delete;
    Scheduler &operator=(const Scheduler &) = delete;

    enum class List : std::uint8_t { Delayed, Scheduled };
    //! A new timer whose first run is due at `first`, repeating every state->interval (0:
    //! once), listed by delayed() or scheduled(). Sets state->id.
    TimerId add(Clock::time_point first, List list, std::shared_ptr<TimerState> state);

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
    //! Cancels every timer and ends the thread (a later add() starts it again).
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
        bool popped = false;               // a one-shot's heap entry is gone (it fired)
        bool handedOver = false;           // its run is in the pool: no longer listed
    };

    // On the scheduler thread: fires what is due; returns the next deadline (INT64_MAX: none).
    std::int64_t processDue();
    //! The thread's loop when Qt cannot run an event loop (no QCoreApplication).
    void waitLoop();
    QList<TimerId> listed(List list) const;
    std::shared_ptr<TimerState> takeLocked(std::uint32_t slot); // frees the slot
    Slot *findLocked(TimerId id);
    void pushLocked(const Entry &entry);
    void ensureThread();
    void postRearm();
    //! Ends the thread's Qt event loop, if it runs one.
    void postQuit();

    const QString m_threadName;
    const Fire m_fire;
    mutable std::mutex m_mutex;
    std::vector<Entry> m_heap; // min-heap on `due`, holding stale entries of freed slots
    std::size_t m_stale = 0;   // heap entries whose slot was freed
    std::vector<Slot> m_slots;
    std::vector<std::uint32_t> m_freeSlots;
    std::int64_t m_armedFor = INT64_MAX; // the deadline the QTimer is armed for
    bool m_rearmPosted = false;
    std::unique_ptr<SchedulerThread> m_thread;
    // Lives on the scheduler thread while it runs an event loop; set and cleared under
    // m_mutex. Null in the clock-waiting mode.
    QObject *m_context = nullptr;
    std::function<void()> m_rearm; // runs processDue() and re-arms the QTimer
    // The clock-waiting mode: woken by add() and stop().
    EventCount m_changed;
    std::atomic<bool> m_quit{false};
    // Serialises starting and ending the thread with posting to it.
    std::mutex m_lifecycle;
};

} // namespace FastThreadPool::detail
