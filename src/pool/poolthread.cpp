#include "pool/poolthread.h"

#include "core/cpurelax.h"
#include "core/currentjob.h"
#include "pool/pool_p.h"

#include <chrono>
#include <thread>

namespace FastThreadPool::detail {

namespace {
//! Runs a job the queue handed out, unless it was cancelled meanwhile; ends its share.
inline void runJob(PoolPrivate &d, JobRecord *record, RetireBatch &retire, JobProgress &progress,
                   ThreadLanes &lanes, CurrentJob &current)
{
    // acquire: the submitter's task is visible.
    std::uint64_t word = record->word.load(std::memory_order_acquire);
    // acquire: as above; a cancelled record is only retired.
    if (JobWord::state(word) == JobState::Pending
        && record->word.compare_exchange_strong(word, JobWord::with(word, JobState::Running),
                                                std::memory_order_acquire,
                                                std::memory_order_relaxed)) {
        progress.inJob.store(true, std::memory_order_relaxed); // relaxed: see JobProgress
        DeliveryContext context = d.delivery().context(lanes, JobWord::id(word), &record->word);
        {
            const CurrentJobScope scope(current, context, d.suspension()); // for ThisJob
            try {
                record->task.run(context);
            } catch (...) {
                // The closures report their own exceptions; this catches what escapes them
                // (an argument that throws while copied for excArgs, say): never the top.
                context.fail(std::current_exception(), context.id(), {}, {});
            }
        }
        // A job that handed nothing over (a void job, a pool that discards) is settled now.
        context.settle(context.cancelRequested() ? JobOutcome::Cancelled : JobOutcome::Completed);
        // relaxed: only cancel() and jobs() read it, and they only act on Pending.
        record->word.store(JobWord::with(word, JobState::Finished), std::memory_order_relaxed);
        progress.inJob.store(false, std::memory_order_release); // release: see JobProgress
        const bool cancelled = context.outcome() == JobOutcome::Cancelled;
        if (cancelled) [[unlikely]]
            d.delivery().jobCancelled(context.id()); // before it counts: idle() follows it
        std::atomic<std::uint64_t> &count = cancelled ? progress.cancelled : progress.finished;
        // release: the job's results happen before anyone counts it finished.
        count.store(count.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    }
    retire.add(record);
}

} // namespace

PoolThread::PoolThread(PoolPrivate &pool, const QString &name, int number)
    : d(pool), m_lanes(pool.delivery()), m_number(number)
{
    setObjectName(name); // QThread names the OS thread after it: visible in debuggers
    setRole({&pool, true});
}

PoolThread::~PoolThread() = default;

void PoolThread::body()
{
    d.workers().threadEntered();
    d.delivery().signalPump().poke(Wakeup::Counters);
    if (d.options.initCallback) {
        try {
            d.options.initCallback(this);
        } catch (...) {
            d.delivery().failCallback(m_lanes, std::current_exception(), "initCallback");
        }
    }
    work();
    if (d.options.finishCallback) {
        try {
            d.options.finishCallback(this);
        } catch (...) {
            d.delivery().failCallback(m_lanes, std::current_exception(), "finishCallback");
        }
    }
    m_lanes.release(); // a later thread may take them over
    d.workers().threadLeft();
    d.delivery().signalPump().poke(Wakeup::Counters);
}

void WorkerThread::requestStop(StopMode mode) noexcept
{
    // seq_cst: Dekker pair with the sleeper registration in work().
    int current = m_stop.load(std::memory_order_seq_cst);
    while (current < int(mode)
           && !m_stop.compare_exchange_weak(current, int(mode), std::memory_order_seq_cst)) { }
}

bool WorkerThread::shouldExit(StopMode mode) const
{
    // Drain: leave once no job waits to start, or once clear() made the pool run again (its
    // new children take the jobs; clear() wakes a drainer asleep). Jobs running on other
    // threads are finished by their own thread (one may be the job that called shutdown()).
    // seq_cst: ordered with clear()'s store and its wake-up, like the sleeper handshake.
    return mode == StopMode::Now
            || (mode == StopMode::Drain
                && (!d.workers().isStoppedOrdered() || d.unstartedJobs() == 0));
}

void WorkerThread::work()
{
    RetireBatch retire(d.store());
    CurrentJob &current = currentJob(); // once: a thread_local lookup of the library
    JobQueue::Consumer queue(d.queue(), retire);
    bool busy = true; // a new child starts busy (JobProgress)
    auto setBusy = [&](bool nowBusy) {
        if (busy == nowBusy)
            return;
        busy = nowBusy;
        // relaxed: see JobProgress. A store to this thread's own line: going idle between
        // two jobs costs no shared write.
        m_progress.busy.store(nowBusy, std::memory_order_relaxed);
        if (!nowBusy)
            d.workerIdle(); // the queue ran dry: whoever waits for idleness looks again
    };

    for (;;) {
        // acquire: pairs with requestStop(); later loads see the state it was raised in.
        auto mode = StopMode(m_stop.load(std::memory_order_acquire));
        if (mode == StopMode::Now)
            break;
        if (mode == StopMode::Run && d.suspension().isSuspended()) [[unlikely]] {
            // Suspended: no queued job starts. A stop resumes the pool first.
            setBusy(false);
            d.suspension().waitWhileSuspended([this] {
                // relaxed: the stop also resumes the gate, whose mutex orders it.
                return StopMode(m_stop.load(std::memory_order_relaxed)) != StopMode::Run;
            });
            continue;
        }
        if (JobRecord *record = queue.pop()) {
            setBusy(true);
            runJob(d, record, retire, m_progress, m_lanes, current);
            continue;
        }
        if (shouldExit(mode)) {
            d.wakeAllSleepers(); // the others may be waiting for the last job: let them go
            break;
        }
        setBusy(false);

        JobRecord *record = nullptr;
        SuspendGate &suspension = d.suspension();
        PoolPrivate::spinUntil(
                [&] { return suspension.isSuspended() || (record = queue.pop()) != nullptr; });
        if (!record && suspension.isSuspended()) [[unlikely]]
            continue; // to the gate at the top
        if (!record && queue.holdsTicket()) [[unlikely]] {
            // Out of memory for a block of job records: retry soon rather than sleep until
            // a submit that may never come.
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            continue;
        }
        if (!record) {
            // Only now, before sleeping, do our retirements reach the block headers, which
            // every submit reads: a worker that keeps finding work never writes them.
            retire.flush();
            d.workers().sleepers().add(m_sleeper);
            // A submit may have missed the registration: look again (unless suspended: a
            // submit's wake-up then takes us to the gate).
            record = suspension.isSuspended() ? nullptr : queue.pop();
            mode = StopMode(m_stop.load(std::memory_order_seq_cst)); // seq_cst: see above
            bool woken = false;
            if (!record && !shouldExit(mode)) {
                Sleepers::sleep(m_sleeper);
                woken = true;
            } else {
                woken = d.workers().sleepers().remove(m_sleeper); // true: a waker took us first
            }
            if (woken) {
                setBusy(true); // before leaving the waking count: never counted as neither
                d.wokeUp();
            }
            if (!record)
                continue;
        }
        if (record) {
            setBusy(true);
            runJob(d, record, retire, m_progress, m_lanes, current);
        }
    }
    queue.surrender(); // a ticket held for want of memory is not lost with this thread
    setBusy(false);
}

void MapThread::work()
{
    DeliveryContext context = d.delivery().context(m_lanes, 0);
    try {
        m_body(context, m_stop);
    } catch (...) {
        // The map reports its items' and its range's exceptions itself; never the top.
        context.fail(std::current_exception(), 0, {}, {});
    }
    m_body = nullptr; // the map's work (and its counts) ends before the thread counts ended
    d.mapThreadEnded();
}

} // namespace FastThreadPool::detail
