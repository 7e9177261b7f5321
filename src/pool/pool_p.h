// Private: the state behind a Pool and the operations its threads share.
#pragma once

#include <fastthreadpool/pool.h>

#include "core/eventcount.h"
#include "core/jobqueue.h"
#include "core/jobstore.h"
#include "core/suspendgate.h"
#include "delivery/delivery.h"
#include "pool/poolthread.h"
#include "pool/poolsignals.h"
#include "pool/workerset.h"
#include "scheduler/scheduler.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace FastThreadPool::detail {

/*
    Locks of a pool, and their order. No lock is ever held while waiting for another thread
    (a join, a wait for jobs, a condition another lock holder must signal); every wait below
    happens with none of these held. Where two are nested, the outer one is listed first.

    Registry::m_mutex          shutdownAll()'s list of pools; held to pick and pin one, or
                               to add/remove one. Nests nothing.
    Scheduler::m_lifecycle     starting/stopping the timer thread; nests Scheduler::m_mutex.
      Scheduler::m_mutex       the timer heap and slots; held briefly, never calls out.
    PoolPrivate::m_threadsMutex the thread list and the spawn/stop decisions; nests nothing
                               but QThread::start() of a new thread.
    JobStore::m_mutex          block lookup and creation, cancel's record access, jobs();
                               nests nothing (cancelled tasks are destroyed after it).
    JobQueue::m_lateMutex      the late list; nests nothing.
    LaneQueue::m_mutex         a queue's lanes (consumers); nests nothing.
    CallbackThread::m_lifecycle starting/stopping a callback runner; nests nothing but
                               QThread::start().
    Delivery::m_elsewhereMutex failures reported from threads without lanes; nests a
                               LaneQueue::m_mutex only through a lane's first acquisition.
    MapWork::mutex             a map's shared iterator over an input range; held while the
                               range's own code runs (user code), which must not call back
                               into the pool's map.
*/

//! Why a pool stopped taking jobs: named in PoolStopped's message.
enum class StopCause : int { None, Shutdown, ShutdownChildren, ShutdownAll, ApplicationQuit };

class PoolPrivate
{
public:
    PoolPrivate(Pool &pool, PoolOptions opts);
    ~PoolPrivate();

    // Submitting.
    JobId submit(Task &&task, Placement where, const char *caller);
    //! Queues every task or none (throws as submit()).
    void submitBatch(std::vector<Task> &tasks, const char *caller);
    void requireRunning(const char *caller) const
    {
        // An early, cheap refusal; submit() looks again in the ordered handshake.
        if (m_workers.isStopped()) [[unlikely]]
            throwStopped(caller);
    }
    [[noreturn]] void throwStopped(const char *caller) const;
    void startMapThreads(int count, const MapBody &body);

    //! The calling thread is one of this pool's children or map threads.
    bool onJobThread() const noexcept
    {
        const ThreadRole role = JoinableThread::currentRole();
        return role.owner == this && role.runsJobs;
    }
    //! The calling thread is any thread of this pool (jobs, callbacks, timers).
    bool onOwnThread() const noexcept { return JoinableThread::currentRole().owner == this; }

    // Timers.
    TimerId startTimer(TimerSpec &&spec);
    bool fireTimer(const std::shared_ptr<TimerState> &state); // on the scheduler thread
    bool cancelTimer(TimerId id);
    void cancelTimers();

    // Cancelling and stopping.
    bool cancel(JobId id);
    //! `running`: also asks the running jobs to stop (ThisJob).
    bool cancelAll(bool running = false);
    //! True if this suspended the pool (false: already suspended, or stopped).
    bool suspend();
    //! True if this resumed the pool. Wakes every sleeping child: jobs may have queued up.
    bool resume()
    {
        if (!m_suspension.resume())
            return false;
        wakeAllSleepers();
        return true;
    }
    //! Stops taking jobs without waiting for anything: children stop after their current
    //! job (Now) or once the queue is empty (Drain); timers are cancelled.
    WorkerSet::Stop requestStop(StopMode mode, StopCause cause);
    //! requestStop(), then waits until the threads asked to stop ended (threads a
    //! concurrent clear() and submit start are not waited for).
    bool shutdown(QDeadlineTimer deadline, bool soon, StopCause cause = StopCause::Shutdown);
    void shutdownChildren(StopCause cause = StopCause::ShutdownChildren)
    {
        requestStop(StopMode::Now, cause);
    }
    void clear();

    // Waiting.
    bool waitIdle(QDeadlineTimer deadline);
    std::optional<Completion> nextCompletion(bool wait, QDeadlineTimer deadline);
    //! Polls `ready` for kIdleSpin at most; true as soon as it holds.
    static bool spinUntil(const std::function<bool()> &ready);
    bool entriesQueued() noexcept
    {
        return !m_delivery.done().isEmpty() || !m_delivery.failed().isEmpty();
    }
    // An idle worker, or a thread waiting for results, polls this long before it sleeps:
    // what arrives back to back is then caught without a futex wake-up each time (a
    // sleep/wake round trip costs ~6 us on 2 vCPUs).
    static constexpr std::chrono::microseconds kIdleSpin{20};

    // Counting.
    std::uint64_t unfinishedJobs() const; // claimed ids minus ended jobs
    std::uint64_t endedJobs() const; // run, failed, cancelled or refused, ever
    //! Pool::submitted(), completed() and cancelled(): jobs, each map item counting as one.
    //! Completed and cancelled are read before submitted where they are shown together:
    //! they never exceed it.
    std::uint64_t submittedJobs() const noexcept
    {
        // relaxed: see MapCounters::announce().
        return m_store.claimed() + m_mapCounters.submitted.load(std::memory_order_relaxed);
    }
    //! Jobs that ran to an end (done or failed).
    std::uint64_t completedJobs() const;
    //! Jobs that ended without running to an end: cancelled queued or running, dropped by a
    //! stop or clear(), refused by a submit that threw after claiming their id.
    std::uint64_t cancelledJobs() const;
    std::uint64_t unstartedJobs() const; // unfinished jobs no thread is running
    //! Map threads first: a map item may submit a job and its thread end; once the count
    //! of map threads is seen lower, that job's claim is seen too.
    bool isIdle() const { return m_workers.mapThreadsBusy() == 0 && unfinishedJobs() == 0; }
    QList<JobId> pendingIds();

    // Used by the pool's threads.
    void workerIdle() noexcept { notifyWorkEnded(); }
    void notifyWorkEnded() noexcept
    {
        m_workEnded.notifyAll();
        m_arrivals.notifyAll();
        m_delivery.signalPump().poke(Wakeup::Counters);
    }
    //! A woken child is up: it is no longer counted as waking.
    void wokeUp() noexcept { m_workers.wokeUp(); }
    void wakeAllSleepers() noexcept { m_workers.wakeAll(); }
    void mapThreadEnded()
    {
        m_workers.mapThreadEnded();
        notifyWorkEnded();
    }
    void jobsEnded(std::uint64_t count);

    Pool &q;
    const PoolOptions options;

    // The parts, for the pool's own files (pool.cpp, poolthread.cpp): the data stays private.
    WorkerSet &workers() noexcept { return m_workers; }
    const WorkerSet &workers() const noexcept { return m_workers; }
    Delivery &delivery() noexcept { return m_delivery; }
    const Delivery &delivery() const noexcept { return m_delivery; }
    Scheduler &scheduler() noexcept { return m_scheduler; }
    MapCounters &mapCounters() noexcept { return m_mapCounters; }
    JobQueue &queue() noexcept { return m_queue; }
    JobStore &store() noexcept { return m_store; }
    SuspendGate &suspension() noexcept { return m_suspension; }
    const SuspendGate &suspension() const noexcept { return m_suspension; }

private:
    // Waiting without polling: asCompleted() sleeps on m_arrivals (an entry reached a queue,
    // or work ended), waitIdle() on m_workEnded only, so that a waitIdle() caller is not
    // woken for every result.
    EventCount m_arrivals;
    EventCount m_workEnded;
    // Before the store: a timer run dropped unstarted tells the scheduler, and a dropped
    // map slice its counters, until the store destroys the last of them. The scheduler's
    // thread is stopped by shutdown(), before any of this.
    Scheduler m_scheduler;
    MapCounters m_mapCounters;
    JobStore m_store;
    JobQueue m_queue{m_store};
    PoolSignals m_signalTarget{q, *this}; // before m_delivery, whose pump emits through it
    Delivery m_delivery;
    // Last: its threads use everything above, and shutdown() has ended them by the time the
    // pool's destructor runs.
    WorkerSet m_workers;

    std::atomic<StopCause> m_stopCause{StopCause::None}; // relaxed: for the message only
    // Read by every child before each job: a line of its own, written only by suspend(),
    // resume() and stops.
    alignas(64) SuspendGate m_suspension;
    // Written on rare events; its own line.
    alignas(64) std::atomic<std::uint64_t> m_ended{0}; // jobs ended without running (cancelled)

    std::uint64_t endedJobs(std::uint64_t &running) const;
    //! claim() that counts an id it could not give a record as ended (and rethrows).
    JobStore::Claim claim()
    {
        try {
            return m_store.claim();
        } catch (...) {
            jobsEnded(1); // the id was claimed, its record could not be made: it never runs
            throw;
        }
    }
    //! Wakes a sleeping child or starts one for `claims` (just published). Throws
    //! ThreadStartFailed after withdrawing them if no thread of the pool can run them.
    void wakeOrSpawn(bool allChildrenBusy, const JobStore::Claim *claims, std::size_t count);
    void cancelJobsStoppedBySoonShutdown();
};

} // namespace FastThreadPool::detail
