#include "scheduler/scheduler.h"

#include "delivery/joinablethread.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdebug.h>
#include <QtCore/qobject.h>
#include <QtCore/qthread.h>
#include <QtCore/qtimer.h>

#include <algorithm>
#include <latch>

namespace FastThreadPool {

QDebug operator<<(QDebug debug, TimerId id)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "FastThreadPool::TimerId(" << id.value << ')';
    return debug;
}

namespace detail {

namespace {
std::int64_t toNs(Scheduler::Clock::time_point t)
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}
std::int64_t nowNs()
{
    return toNs(Scheduler::Clock::now());
}
TimerId makeId(std::uint32_t slot, std::uint32_t generation)
{
    return TimerId{(quint64(generation) << 32) | quint64(slot + 1)};
}
} // namespace

//! The scheduler's thread: an event loop with one QTimer, or a loop waiting on the clock.
class SchedulerThread final : public JoinableThread
{
public:
    SchedulerThread(Scheduler &scheduler, const QString &name) : m_scheduler(scheduler)
    {
        setObjectName(name);
    }
    //! Waits until the thread can take rearm requests.
    void waitReady() { m_ready.wait(); }

protected:
    void body() override
    {
        if (!QCoreApplication::instance()) {
            m_ready.count_down();
            m_scheduler.waitLoop();
            return;
        }
        QObject context;
        QTimer timer(&context);
        timer.setTimerType(Qt::PreciseTimer);
        timer.setSingleShot(true);
        auto rearm = [this, &timer] { arm(timer, m_scheduler.processDue()); };
        QObject::connect(&timer, &QTimer::timeout, &context, rearm);
        {
            std::lock_guard lock(m_scheduler.m_mutex);
            m_scheduler.m_context = &context;
            m_scheduler.m_rearm = rearm;
        }
        m_ready.count_down();
        exec();
        std::lock_guard lock(m_scheduler.m_mutex);
        m_scheduler.m_context = nullptr;
        m_scheduler.m_rearm = nullptr;
    }

private:
    static void arm(QTimer &timer, std::int64_t next)
    {
        if (next == INT64_MAX) {
            timer.stop();
            return;
        }
        // Whole milliseconds with the QTimer, the last fraction with zero-time passes of
        // the event loop: runs are never early and rarely more than tens of us late.
        const std::int64_t remaining = std::max<std::int64_t>(0, next - nowNs());
        timer.start(std::chrono::milliseconds(remaining / 1'000'000));
    }

    Scheduler &m_scheduler;
    std::latch m_ready{1};
};

Scheduler::Scheduler(QString threadName, Fire fire)
    : m_threadName(std::move(threadName)), m_fire(std::move(fire))
{
}

Scheduler::~Scheduler()
{
    stop();
}

void Scheduler::ensureThread()
{
    // Under m_lifecycle, like every change of m_thread (so a plain pointer test suffices).
    if (m_thread)
        return;
    m_quit.store(false, std::memory_order_relaxed); // relaxed: start() publishes it
    m_thread = std::make_unique<SchedulerThread>(*this, m_threadName);
    m_thread->start();
    m_thread->waitReady();
}

void Scheduler::postRearm()
{
    // Under m_lifecycle, so the thread (and its context object) cannot end meanwhile.
    QObject *context;
    std::function<void()> rearm;
    {
        std::lock_guard lock(m_mutex);
        context = m_context;
        rearm = m_rearm;
    }
    if (context)
        QMetaObject::invokeMethod(context, rearm, Qt::QueuedConnection);
    else
        m_changed.notifyAll();
}

void Scheduler::postQuit()
{
    // The thread's event loop is asked to quit from inside, by a posted call: QThread::quit()
    // from here would write the loop's wake-up descriptor while the thread, seeing the quit
    // flag early, may already be closing it. A posted call is taken under the lock its post
    // holds, so the loop is still there for the wake-up. (Under m_lifecycle, as postRearm.)
    std::lock_guard lock(m_mutex);
    if (m_context)
        QMetaObject::invokeMethod(m_context, [] { QThread::currentThread()->quit(); },
                                  Qt::QueuedConnection);
}

void Scheduler::waitLoop()
{
    // acquire: pairs with stop(); the loop ends once it is set.
    while (!m_quit.load(std::memory_order_acquire)) {
        const std::int64_t next = processDue();
        const auto key = m_changed.prepareWait();
        bool changed;
        {
            std::lock_guard lock(m_mutex);
            changed = m_rearmPosted;
        }
        if (changed || m_quit.load(std::memory_order_acquire)) { // acquire: as above
            m_changed.cancelWait();
            continue;
        }
        if (next == INT64_MAX) {
            m_changed.wait(key);
        } else {
            const SteadyTime deadline{std::chrono::nanoseconds(next)};
            m_changed.wait(key, &deadline);
        }
    }
}

TimerId Scheduler::add(Clock::time_point first, List list, std::shared_ptr<TimerState> state)
{
    std::lock_guard life(m_lifecycle);
    ensureThread();
    TimerId id;
    bool post = false;
    {
        std::lock_guard lock(m_mutex);
        std::uint32_t slot;
        if (!m_freeSlots.empty()) {
            slot = m_freeSlots.back();
            m_freeSlots.pop_back();
        } else {
            slot = std::uint32_t(m_slots.size());
            m_slots.emplace_back();
        }
        Slot &s = m_slots[slot];
        id = makeId(slot, s.generation);
        state->id = id;
        s.state = std::move(state);
        s.list = list;
        s.popped = false;
        s.handedOver = false;
        const std::int64_t due = toNs(first);
        pushLocked({due, slot, s.generation});
        // Wake the thread only if this deadline comes before the one it is armed for.
        if (due < m_armedFor && !m_rearmPosted) {
            m_rearmPosted = true;
            post = true;
        }
    }
    if (post)
        postRearm();
    return id;
}

Scheduler::Slot *Scheduler::findLocked(TimerId id)
{
    const quint64 slot = (id.value & 0xFFFF'FFFFu);
    if (slot == 0 || slot > m_slots.size())
        return nullptr;
    Slot &s = m_slots[slot - 1];
    if (!s.state || s.generation != std::uint32_t(id.value >> 32))
        return nullptr;
    return &s;
}

std::shared_ptr<TimerState> Scheduler::takeLocked(std::uint32_t slot)
{
    Slot &s = m_slots[slot];
    if (!s.popped)
        ++m_stale; // its heap entry stays until it surfaces (or a compaction)
    std::shared_ptr<TimerState> state = std::move(s.state);
    s.state.reset();
    ++s.generation;
    m_freeSlots.push_back(slot);
    return state;
}

void Scheduler::pushLocked(const Entry &entry)
{
    // Drop stale entries once they are most of the heap: cancelling stays O(1) amortised.
    if (m_stale > 1024 && m_stale * 2 > m_heap.size()) {
        std::erase_if(m_heap, [this](const Entry &e) {
            const Slot &s = m_slots[e.slot];
            return !s.state || s.generation != e.generation;
        });
        std::make_heap(m_heap.begin(), m_heap.end(), std::greater<>{});
        m_stale = 0;
    }
    m_heap.push_back(entry);
    std::push_heap(m_heap.begin(), m_heap.end(), std::greater<>{});
}

Scheduler::Cancelled Scheduler::cancel(TimerId id)
{
    std::shared_ptr<TimerState> state;
    {
        std::lock_guard lock(m_mutex);
        Slot *s = findLocked(id);
        if (!s)
            return {};
        state = takeLocked(std::uint32_t(s - m_slots.data()));
    }
    const TimerState::Phase previous = state->cancel();
    // relaxed: a hint for freeing the queued run early; the phase is the guarantee.
    return {previous != TimerState::Cancelled,
            previous == TimerState::Queued ? state->queuedJob.load(std::memory_order_relaxed)
                                           : 0};
}

QList<JobId> Scheduler::cancelAll()
{
    std::vector<std::shared_ptr<TimerState>> states;
    {
        std::lock_guard lock(m_mutex);
        for (std::uint32_t slot = 0; slot < m_slots.size(); ++slot)
            if (m_slots[slot].state)
                states.push_back(takeLocked(slot));
    }
    QList<JobId> queued;
    for (const auto &state : states)
        if (state->cancel() == TimerState::Queued)
            queued.append(state->queuedJob.load(std::memory_order_relaxed)); // relaxed: a hint
    return queued;
}

void Scheduler::forget(TimerId id)
{
    std::lock_guard lock(m_mutex);
    if (Slot *s = findLocked(id))
        takeLocked(std::uint32_t(s - m_slots.data()));
}

QList<TimerId> Scheduler::listed(List list) const
{
    QList<TimerId> ids;
    std::lock_guard lock(m_mutex);
    for (std::uint32_t slot = 0; slot < m_slots.size(); ++slot) {
        const Slot &s = m_slots[slot];
        if (s.state && s.list == list && !s.handedOver)
            ids.append(makeId(slot, s.generation));
    }
    return ids;
}

QList<TimerId> Scheduler::delayed() const
{
    return listed(List::Delayed);
}

QList<TimerId> Scheduler::scheduled() const
{
    return listed(List::Scheduled);
}

void Scheduler::stop()
{
    std::lock_guard life(m_lifecycle);
    cancelAll();
    if (m_thread) {
        m_quit.store(true, std::memory_order_release); // release: pairs with waitLoop()
        m_changed.notifyAll();
        postQuit();
        m_thread->join(QDeadlineTimer(QDeadlineTimer::Forever));
        m_thread.reset();
    }
    std::lock_guard lock(m_mutex);
    m_heap.clear();
    m_stale = 0;
    m_armedFor = INT64_MAX;
    m_rearmPosted = false;
}

std::int64_t Scheduler::processDue()
{
    std::vector<std::shared_ptr<TimerState>> due;
    std::int64_t next;
    {
        std::lock_guard lock(m_mutex);
        m_rearmPosted = false;
        const std::int64_t now = nowNs();
        while (!m_heap.empty() && m_heap.front().due <= now) {
            std::pop_heap(m_heap.begin(), m_heap.end(), std::greater<>{});
            const Entry entry = m_heap.back();
            m_heap.pop_back();
            Slot &s = m_slots[entry.slot];
            if (!s.state || s.generation != entry.generation) {
                --m_stale;
                continue;
            }
            due.push_back(s.state);
            if (const std::int64_t interval = s.state->interval; interval > 0) {
                // Fixed rate: the next run is on the grid first + N * interval; runs whose
                // time passed while we were late are skipped, not piled up.
                std::int64_t nextDue = entry.due + interval;
                if (nextDue <= now)
                    nextDue += ((now - nextDue) / interval + 1) * interval;
                pushLocked({nextDue, entry.slot, entry.generation});
            } else {
                s.popped = true;
            }
        }
        next = m_heap.empty() ? INT64_MAX : m_heap.front().due;
        m_armedFor = next;
    }
    if (due.empty())
        return next;
    std::vector<bool> accepted(due.size());
    for (std::size_t i = 0; i < due.size(); ++i)
        accepted[i] = m_fire(due[i]);
    // A one-shot stays listed by delayed() until its run is in the pool's queue (a moment
    // listed and queued at once is harmless; neither at once would hide it).
    std::lock_guard lock(m_mutex);
    for (std::size_t i = 0; i < due.size(); ++i) {
        Slot *s = findLocked(due[i]->id);
        if (!s)
            continue; // cancelled, or its run already started
        if (!accepted[i])
            takeLocked(std::uint32_t(s - m_slots.data())); // the pool refused: it is over
        else if (!due[i]->periodic)
            s->handedOver = true;
    }
    return next;
}

} // namespace detail
} // namespace FastThreadPool
