#include "scheduler/scheduler.h"

#include "core/joinablethread.h"

#include <fastthreadpool/errors.h>

#include <QtCore/qdebug.h>

#include <algorithm>

namespace FastThreadPool {

QDebug operator<<(QDebug debug, TimerId id)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "FastThreadPool::TimerId(" << id.value << ')';
    return debug;
}

namespace detail {

namespace {
TimerId makeId(std::uint32_t slot, std::uint32_t generation)
{
    return TimerId{(quint64(generation) << 32) | quint64(slot + 1)};
}
} // namespace

//! The scheduler's thread: sleeps until the earliest deadline or a change, fires what is due.
class SchedulerThread final : public JoinableThread
{
public:
    SchedulerThread(Scheduler &scheduler, const QString &name) : m_scheduler(scheduler)
    {
        setObjectName(name);
    }
    //! Ends the loop soon (the caller then wakes the thread and joins it).
    void requestQuit() noexcept
    {
        m_quit.store(true, std::memory_order_release); // release: pairs with waitLoop()
    }

protected:
    void body() override { m_scheduler.waitLoop(m_quit); }

private:
    Scheduler &m_scheduler;
    // This thread's own flag: a later thread (add() after stop()) starts with its own.
    std::atomic<bool> m_quit{false};
};

Scheduler::Scheduler(QString threadName, const void *owner, Fire fire)
    : m_threadName(std::move(threadName)), m_owner(owner), m_fire(std::move(fire))
{ }

Scheduler::~Scheduler()
{
    stop();
    if (m_selfStopped)
        m_selfStopped->join(QDeadlineTimer(QDeadlineTimer::Forever));
}

std::int64_t Scheduler::nowNs() noexcept
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
            .count();
}

void Scheduler::ensureThread()
{
    // Under m_lifecycle, like every change of m_thread.
    if (m_thread)
        return;
    auto thread = std::make_unique<SchedulerThread>(*this, m_threadName);
    thread->setRole({m_owner, false});
    if (!thread->tryStart())
        throw ThreadStartFailed(
                "Pool: the timer thread could not be started (QThread::start() failed); "
                "the timer was not added");
    m_thread = std::move(thread);
}

void Scheduler::waitLoop(const std::atomic<bool> &quit)
{
    // acquire: pairs with SchedulerThread::requestQuit(); the loop ends once it is set.
    while (!quit.load(std::memory_order_acquire)) {
        std::int64_t next;
        try {
            next = processDue(quit);
        } catch (const std::bad_alloc &) {
            // No memory for this pass's bookkeeping: nothing was lost, look again soon.
            next = saturatingAdd(nowNs(), 1'000'000);
        }
        const auto key = m_changed.prepareWait();
        bool changed;
        {
            std::lock_guard lock(m_mutex);
            changed = m_changedSinceLook;
        }
        if (changed || quit.load(std::memory_order_acquire)) { // acquire: as above
            m_changed.cancelWait();
            continue;
        }
        if (next == kNever) {
            m_changed.wait(key);
        } else {
            const SteadyTime deadline{std::chrono::nanoseconds(next)};
            m_changed.wait(key, &deadline);
        }
    }
}

TimerId Scheduler::add(std::int64_t firstNs, List list, std::shared_ptr<TimerState> state)
{
    std::lock_guard life(m_lifecycle);
    ensureThread();
    TimerId id;
    bool wake = false;
    {
        std::lock_guard lock(m_mutex);
        std::uint32_t slot;
        if (!m_freeSlots.empty()) {
            slot = m_freeSlots.back();
            m_freeSlots.pop_back();
        } else {
            slot = std::uint32_t(m_slots.size());
            m_slots.emplace_back();
            // So that freeing a slot (in a run's noexcept end) never allocates; as the slots
            // grow, geometrically.
            if (m_freeSlots.capacity() < m_slots.size())
                m_freeSlots.reserve(m_slots.capacity());
        }
        Slot &s = m_slots[slot];
        id = makeId(slot, s.generation);
        state->id = id;
        s.state = std::move(state);
        s.list = list;
        s.popped = false;
        s.handedOver = false;
        pushLocked({firstNs, slot, s.generation});
        // Wake the thread only if this deadline comes before the one it sleeps until.
        if (firstNs < m_armedFor && !m_changedSinceLook) {
            m_changedSinceLook = true;
            wake = true;
        }
    }
    if (wake)
        m_changed.notifyAll();
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
            previous == TimerState::Queued ? state->queuedJob.load(std::memory_order_relaxed) : 0};
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

QList<TimerId> Scheduler::delayed() const { return listed(List::Delayed); }

QList<TimerId> Scheduler::scheduled() const { return listed(List::Scheduled); }

void Scheduler::stop()
{
    // Outside m_lifecycle: the timers' closures, destroyed with their states, are user code.
    cancelAll();
    std::unique_ptr<SchedulerThread> thread;
    std::unique_ptr<SchedulerThread> earlierSelfStopped;
    {
        std::lock_guard life(m_lifecycle);
        cancelAll(); // timers an add() slipped in meanwhile (their states go with `thread`)
        thread = std::move(m_thread);
        std::lock_guard lock(m_mutex);
        m_heap.clear();
        m_stale = 0;
        m_armedFor = kNever;
        m_changedSinceLook = false;
    }
    if (!thread)
        return;
    thread->requestQuit();
    m_changed.notifyAll();
    if (thread->isCurrent()) {
        // Stopped from its own loop (a timer's closure destroyed there stopped the pool):
        // it ends when the loop looks again; the destructor (or the next such stop) joins
        // it. One stopped this way earlier is joined here, with no lock held.
        {
            std::lock_guard life(m_lifecycle);
            earlierSelfStopped = std::exchange(m_selfStopped, std::move(thread));
        }
        if (earlierSelfStopped)
            earlierSelfStopped->join(QDeadlineTimer(QDeadlineTimer::Forever));
        return;
    }
    // No lock held: an add() meanwhile starts a thread of its own.
    thread->join(QDeadlineTimer(QDeadlineTimer::Forever));
}

std::int64_t Scheduler::processDue(const std::atomic<bool> &quit)
{
    std::vector<std::shared_ptr<TimerState>> due;
    std::int64_t next;
    {
        std::lock_guard lock(m_mutex);
        // A thread told to quit leaves the heap to the thread an add() may have started:
        // it must not take its timers or reset what that thread was woken for. acquire: as
        // in waitLoop().
        if (quit.load(std::memory_order_acquire))
            return kNever;
        m_changedSinceLook = false;
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
                // time passed while we were late are skipped, not piled up. Saturating: a
                // run beyond the clock's range is kNever.
                std::int64_t nextDue = saturatingAdd(entry.due, interval);
                if (nextDue <= now)
                    nextDue = saturatingAdd(
                            nextDue, saturatingMul((now - nextDue) / interval + 1, interval));
                pushLocked({nextDue, entry.slot, entry.generation});
            } else {
                s.popped = true;
            }
        }
        next = m_heap.empty() ? kNever : m_heap.front().due;
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
