#include "pool/pool_p.h"

#include "pool/poolthread.h"

#include "core/barrier.h"
#include "core/cpurelax.h"

#include <QtCore/qthread.h>

#include <algorithm>
#include <string>
#include <thread>

namespace FastThreadPool::detail {

namespace {

PoolOptions validated(PoolOptions options)
{
    if (options.doneMax < 0)
        throw std::invalid_argument("PoolOptions::doneMax must not be negative (got "
                                    + std::to_string(options.doneMax) + ")");
    if (options.logLevel && *options.logLevel == QtFatalMsg)
        throw std::invalid_argument("PoolOptions::logLevel must not be QtFatalMsg: the first "
                                    "failed job would abort the process");
    return options;
}

QString threadNamePrefix(const PoolOptions &options)
{
    return options.childNamePrefix.isEmpty() ? QStringLiteral("ThreadPool")
                                             : options.childNamePrefix;
}

DeliveryOptions deliveryOptions(const PoolOptions &options)
{
    return {options.doneCallback.keepsResults(),
            options.doneCallback.callback(),
            options.failedCallback,
            options.logLevel,
            options.resultId,
            options.excStack,
            options.excArgs,
            options.doneMax};
}

const SteadyTime *deadlineOf(QDeadlineTimer deadline, SteadyTime &storage)
{
    if (deadline.isForever())
        return nullptr;
    storage = deadline.deadline<std::chrono::steady_clock>();
    return &storage;
}

} // namespace

PoolPrivate::PoolPrivate(Pool &pool, PoolOptions opts)
    : q(pool)
    , options(validated(std::move(opts)))
    , m_scheduler(threadNamePrefix(options) + QStringLiteral("Timer"), this,
                  [this](const std::shared_ptr<TimerState> &state) { return fireTimer(state); })
    , m_delivery(deliveryOptions(options), m_arrivals, m_signalTarget, this)
    , m_workers(*this, resolveMaxChildren(options.maxChildren), threadNamePrefix(options))
{ }

PoolPrivate::~PoolPrivate() = default;

// ---- submitting ------------------------------------------------------------------------

void PoolPrivate::throwStopped(const char *caller) const
{
    const char *cause = "shutdown() or shutdownChildren() was called";
    // relaxed: only for the message.
    switch (m_stopCause.load(std::memory_order_relaxed)) {
    case StopCause::Shutdown:
        cause = "shutdown() was called";
        break;
    case StopCause::ShutdownChildren:
        cause = "shutdownChildren() was called";
        break;
    case StopCause::ShutdownAll:
        cause = "shutdownAll() was called";
        break;
    case StopCause::ApplicationQuit:
        cause = "the application is quitting (QCoreApplication::aboutToQuit; see "
                "PoolOptions::keepRunningOnQuit)";
        break;
    case StopCause::None:
        break;
    }
    throw PoolStopped(std::string(caller) + ": the pool is stopped (" + cause
                      + "); call clear() to use it again");
}

JobId PoolPrivate::submit(Task &&task, Placement where, const char *caller)
{
    requireRunning(caller);
    const JobStore::Claim claim = this->claim();
    // seq_cst: the claim (a seq_cst RMW) is visible to a concurrent shutdown before it
    // reads the unfinished count, or we see its stop flag here and back out.
    if (m_workers.isStoppedOrdered()) {
        m_queue.refuse(claim);
        m_store.retire(JobBlock::of(claim.record), 1);
        jobsEnded(1);
        throwStopped(caller);
    }
    claim.record->task = std::move(task);
    // Looked at before publishing: an idle child may take the job at once and so look busy.
    const bool allChildrenBusy = m_workers.needsChild();
    m_queue.publish(claim, where);
    wakeOrSpawn(allChildrenBusy, &claim, 1);
    m_delivery.signalPump().poke(Wakeup::Counters);
    return claim.id;
}

void PoolPrivate::submitBatch(std::vector<Task> &tasks, const char *caller)
{
    requireRunning(caller);
    std::vector<JobStore::Claim> claims;
    claims.reserve(tasks.size()); // may throw: nothing claimed yet
    auto refuseAll = [&] {
        for (const JobStore::Claim &c : claims) {
            m_queue.refuse(c);
            m_store.retire(JobBlock::of(c.record), 1);
        }
        if (!claims.empty())
            jobsEnded(claims.size());
    };
    try {
        for (std::size_t i = 0; i < tasks.size(); ++i)
            claims.push_back(claim());
    } catch (...) {
        refuseAll();
        throw;
    }
    // seq_cst: as in submit(); every claim is made before the one look at the stop flag.
    if (m_workers.isStoppedOrdered()) {
        refuseAll();
        throwStopped(caller);
    }
    const bool allChildrenBusy = m_workers.needsChild();
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        claims[i].record->task = std::move(tasks[i]);
        m_queue.publish(claims[i], Placement::Tail);
    }
    wakeOrSpawn(allChildrenBusy, claims.data(), claims.size());
    m_delivery.signalPump().poke(Wakeup::Counters);
}

void PoolPrivate::wakeOrSpawn(bool allChildrenBusy, const JobStore::Claim *claims,
                              std::size_t count)
{
    // The publish above comes before the look at the sleepers (see Sleepers). A woken child
    // is counted busy (m_waking) now, not when it gets the CPU, so that the next submit does
    // not mistake it for an idle one.
    std::size_t woken = 0;
    while (woken < count && m_workers.wakeOne())
        ++woken;
    // A new child only when none was idle at the submit, and below maxChildren; for a
    // batch, as many as the jobs left over need (looked at again before each).
    if (woken == count || (count == 1 && !allChildrenBusy))
        return;
    const std::size_t wanted
            = std::min<std::size_t>(count - woken, std::size_t(m_workers.maxChildren()));
    for (std::size_t i = 0; i < wanted; ++i) {
        if (count > 1 && !m_workers.needsChild())
            return;
        const WorkerSet::Spawn spawned = m_workers.spawnChild();
        if (spawned == WorkerSet::Spawn::NotNeeded)
            return;
        if (spawned == WorkerSet::Spawn::Started)
            continue;
        if (m_workers.hasChildThatRunsJobs())
            return; // the children there run these jobs, with fewer threads
        // No thread of the pool can run them: withdraw them all and say so. (Only a child
        // started by another submit in this very moment could take one; then it runs.)
        for (std::size_t c = 0; c < count; ++c)
            cancel(claims[c].id);
        throw ThreadStartFailed("Pool: no thread could be started for the job (QThread::start() "
                                "failed); it was not queued");
    }
}

void PoolPrivate::startMapThreads(int count, const MapBody &body)
{
    m_workers.startMapThreads(count, body, [this] { throwStopped("Pool::map"); });
}

// ---- running ---------------------------------------------------------------------------

void PoolPrivate::jobsEnded(std::uint64_t count)
{
    // release: pairs with the acquire in unfinishedJobs().
    m_ended.fetch_add(count, std::memory_order_release);
    notifyWorkEnded();
    // A stopping pool's draining children may be waiting for exactly this.
    if (m_workers.isStopped())
        wakeAllSleepers();
}

// ---- counting --------------------------------------------------------------------------

std::uint64_t PoolPrivate::unfinishedJobs() const
{
    std::uint64_t running = 0;
    const std::uint64_t ended = endedJobs(running);
    return m_store.claimed() - ended;
}

std::uint64_t PoolPrivate::endedJobs() const
{
    std::uint64_t running = 0;
    return endedJobs(running);
}

std::uint64_t PoolPrivate::unstartedJobs() const
{
    std::uint64_t running = 0;
    const std::uint64_t ended = endedJobs(running);
    const std::uint64_t unfinished = m_store.claimed() - ended;
    return unfinished > running ? unfinished - running : 0;
}

std::uint64_t PoolPrivate::endedJobs(std::uint64_t &running) const
{
    // Callers read the claimed ids after this: both only grow and a job ends after its id
    // was claimed, so the difference is never negative and is 0 only when nothing is left.
    const std::uint64_t ran = m_workers.ranJobs(running).total();
    return ran + m_ended.load(std::memory_order_acquire); // acquire: see jobsEnded()
}

std::uint64_t PoolPrivate::completedJobs() const
{
    std::uint64_t running = 0;
    // acquire: see MapCounters::end().
    return m_mapCounters.ended.load(std::memory_order_acquire)
            + m_workers.ranJobs(running).completed;
}

std::uint64_t PoolPrivate::cancelledJobs() const
{
    std::uint64_t running = 0;
    // acquire (all three): see MapCounters::cancel(), jobsEnded() and JobProgress.
    return m_mapCounters.cancelled.load(std::memory_order_acquire)
            + m_ended.load(std::memory_order_acquire) + m_workers.ranJobs(running).cancelled;
}

QList<JobId> PoolPrivate::pendingIds()
{
    QList<JobId> head;
    QList<JobId> tail;
    m_store.forEachRecord([&](JobRecord &record) {
        // acquire: a pending record's word was published with release.
        const std::uint64_t word = record.word.load(std::memory_order_acquire);
        if (JobWord::state(word) == JobState::Pending)
            (JobWord::placement(word) == Placement::Head ? head : tail).append(JobWord::id(word));
    });
    std::reverse(head.begin(), head.end()); // the head is a stack: newest first
    return head + tail;
}

// ---- timers ----------------------------------------------------------------------------

namespace {

//! One run of a timer, as queued in the pool: it starts only if the timer was not
//! cancelled meanwhile (see TimerState). Small enough to live inline in its job record.
struct TimerRun
{
    std::shared_ptr<TimerState> state;
    Scheduler *scheduler;
    bool started = false;

    TimerRun(std::shared_ptr<TimerState> s, Scheduler *sched)
        : state(std::move(s)), scheduler(sched)
    { }
    TimerRun(TimerRun &&) noexcept = default;
    TimerRun &operator=(TimerRun &&) = delete;
    ~TimerRun()
    {
        if (!state || started)
            return;
        // Dropped unstarted (cancelAll(), shutdown): a periodic timer fires again at its
        // next due time; a one-shot timer is over.
        state->dropRun();
        if (!state->periodic)
            scheduler->forget(state->id);
    }

    void operator()(JobContext &context)
    {
        started = true;
        if (!state->beginRun())
            return; // cancelled while queued: it never starts
        struct End
        {
            TimerState &state;
            ~End() { state.endRun(); }
        } end{*state};
        if (!state->periodic) {
            scheduler->forget(state->id); // a one-shot timer that started is over
            state->task.run(context);
            return;
        }
        Task run = state->task.clone(); // only this run touches the timer's task now
        run.run(context);
    }
};

std::string describe(std::chrono::nanoseconds duration)
{
    return std::to_string(std::chrono::duration<double, std::milli>(duration).count()) + " ms";
}

// A time computed as "now" has passed by the time it arrives: this much is still "now".
constexpr auto kPastTolerance = std::chrono::milliseconds(10);

} // namespace

TimerId PoolPrivate::startTimer(TimerSpec &&spec)
{
    using namespace std::chrono;
    const std::string caller = spec.caller;
    requireRunning(spec.caller);
    if (spec.interval < nanoseconds(0))
        throw std::invalid_argument(caller + ": the interval must not be negative (got "
                                    + describe(spec.interval) + ")");
    const std::int64_t now = Scheduler::nowNs();
    std::int64_t first = now;
    Scheduler::List list = Scheduler::List::Scheduled;
    switch (spec.kind) {
    case TimerSpec::Kind::Later:
        if (spec.delay < nanoseconds(0))
            throw std::invalid_argument(caller + ": the delay must not be negative (got "
                                        + describe(spec.delay) + ")");
        first = saturatingDeadline(now, spec.delay);
        list = Scheduler::List::Delayed;
        break;
    case TimerSpec::Kind::Schedule:
        if (spec.interval <= nanoseconds(0))
            throw std::invalid_argument(caller + ": the interval must be positive (got "
                                        + describe(spec.interval) + ")");
        first = saturatingDeadline(now, spec.interval);
        break;
    case TimerSpec::Kind::At:
        if (spec.delay < -kPastTolerance)
            throw std::invalid_argument(
                    caller + ": the time is in the past ("
                    + describe(nanoseconds(saturatingSub(0, spec.delay.count()))) + " ago)");
        first = saturatingDeadline(now, std::max(nanoseconds(0), spec.delay));
        break;
    }
    auto state = std::make_shared<TimerState>(spec.interval.count());
    state->task = std::move(spec.task);
    return m_scheduler.add(first, list, std::move(state));
}

bool PoolPrivate::fireTimer(const std::shared_ptr<TimerState> &state)
{
    if (!state->markQueued())
        return true; // its previous run is still queued or running: this run is skipped
    try {
        const JobId id
                = submit(Task::make(TimerRun{state, &m_scheduler}), Placement::Head, "timer");
        state->queuedJob.store(id, std::memory_order_relaxed); // relaxed: a hint, see cancel
        return true;
    } catch (const PoolStopped &) {
        state->cancel();
        return false;
    } catch (...) {
        // No thread could run it, or no memory for it (the run was withdrawn): a periodic
        // timer skips this run and tries at the next; a one-shot timer's only run becomes a
        // failure, not a silent loss.
        if (state->periodic)
            return true;
        state->cancel();
        m_delivery.failElsewhere(std::current_exception(), "a timer's run");
        return false;
    }
}

bool PoolPrivate::cancelTimer(TimerId id)
{
    const Scheduler::Cancelled cancelled = m_scheduler.cancel(id);
    if (cancelled.queuedRun)
        cancel(cancelled.queuedRun); // free its queued run now (it would not start anyway)
    return cancelled.wasLive;
}

void PoolPrivate::cancelTimers()
{
    for (JobId run : m_scheduler.cancelAll())
        cancel(run);
}

// ---- cancelling and stopping -----------------------------------------------------------

namespace {
//! Takes a pending record's task (the caller destroys it outside any lock).
bool takePending(JobRecord &record, std::uint64_t id, std::vector<Task> &victims)
{
    // acquire: we take over the task the submitter wrote.
    std::uint64_t word = record.word.load(std::memory_order_acquire);
    if ((id != 0 && JobWord::id(word) != id) || JobWord::state(word) != JobState::Pending)
        return false;
    // acquire: as above.
    if (!record.word.compare_exchange_strong(word, JobWord::with(word, JobState::Cancelled),
                                             std::memory_order_acquire, std::memory_order_relaxed))
        return false;
    try {
        victims.push_back(std::move(record.task)); // destroyed by the caller, outside the lock
    } catch (const std::bad_alloc &) {
        record.task.reset(); // no memory to move it out: destroyed here, under the lock
    }
    return true;
}

//! Asks the running job of `record` (the job `id`, or any job for 0) to stop: ThisJob sees
//! it. False if the record holds no such running job.
bool requestCancel(JobRecord &record, std::uint64_t id)
{
    // relaxed: the CAS below decides; the bit publishes nothing but itself.
    std::uint64_t word = record.word.load(std::memory_order_relaxed);
    while ((id == 0 || JobWord::id(word) == id) && JobWord::state(word) == JobState::Running
           && !JobWord::cancelRequested(word)) {
        // relaxed: a flag the job polls; it orders no data.
        if (record.word.compare_exchange_weak(word, word | JobWord::kCancelRequested,
                                              std::memory_order_relaxed))
            return true;
    }
    return false;
}
} // namespace

bool PoolPrivate::cancel(JobId id)
{
    // The tasks are destroyed after the store lock is released: their destructors are user
    // code. The record stays queued; whoever meets it next sees Cancelled and retires it.
    std::vector<Task> victims;
    // A running job is asked to stop (ThisJob::isCancelled()); it was not removed: false.
    bool requested = false;
    const bool cancelled = m_store.withRecord(id, [&](JobRecord &record) {
        if (takePending(record, id, victims))
            return true;
        requested = requestCancel(record, id);
        return false;
    });
    if (cancelled)
        jobsEnded(1);
    if (requested)
        m_suspension.poke(); // a job waiting in suspendIfRequested() looks again
    return cancelled;
}

bool PoolPrivate::suspend()
{
    // A stopped pool has nothing to hold back: its stop resumed it, and stays so.
    if (m_workers.isStopped() || !m_suspension.suspend())
        return false;
    // A stop racing this one: either its resume() comes after our suspend() (and undoes
    // it), or it came before, and then the gate's mutex makes its stop flag visible here.
    if (m_workers.isStopped()) {
        m_suspension.resume();
        return false;
    }
    return true;
}

bool PoolPrivate::cancelAll(bool running)
{
    std::vector<Task> victims;
    m_store.forEachRecord([&](JobRecord &record) {
        if (!takePending(record, 0, victims) && running)
            requestCancel(record, 0);
    });
    if (running)
        m_suspension.poke();
    if (!victims.empty())
        jobsEnded(victims.size());
    // Running direct maps take no more items: what they have not taken is pending too.
    m_workers.stopMaps();
    return true;
}

void PoolPrivate::cancelJobsStoppedBySoonShutdown()
{
    std::vector<Task> victims;
    m_store.forEachRecord([&](JobRecord &record) {
        // relaxed: a first look; takePending() decides with its own CAS.
        if (JobWord::cancelledByStop(record.word.load(std::memory_order_relaxed)))
            takePending(record, 0, victims);
    });
    if (!victims.empty())
        jobsEnded(victims.size());
}

WorkerSet::Stop PoolPrivate::requestStop(StopMode mode, StopCause cause)
{
    m_stopCause.store(cause, std::memory_order_relaxed); // relaxed: see m_stopCause
    WorkerSet::Stop request = m_workers.stop(mode);
    // A stop resumes a suspended pool: its children see their stop flags, and jobs waiting
    // in suspendIfRequested() go on to their end (a soon stop also cancels them below).
    if (m_suspension.resume())
        QMetaObject::invokeMethod(
                &q, [pool = &q] { emit pool->suspendedChanged(false); }, Qt::QueuedConnection);
    // A graceful stop runs every job accepted before it; one accepted just as the stop came
    // may have found no child and been refused one (spawnChild() saw the stop): start a
    // child that drains the queue. The claims of all accepted jobs are visible here (the
    // seq_cst handshake of submit()). shutdown() checks again once the children ended.
    if (mode == StopMode::Drain && request.stoppedNow && !request.childDrains
        && unstartedJobs() > 0) {
        if (auto drainer = m_workers.spawnDrainer())
            request.threads.push_back(std::move(drainer));
    }
    wakeAllSleepers();
    // What follows is for this stop only: a clear() that came meanwhile has made the pool
    // run again, and its new jobs, timers and bound are not this stop's to end.
    if (!m_workers.inEpoch(request.epoch))
        return request;
    if (mode == StopMode::Now) {
        cancelJobsStoppedBySoonShutdown();
        // shutdown(soon), shutdownAll(now) and the application's quit also reach the jobs
        // that run (ThisJob); Python's shutdownChildren() lets them finish.
        if (cause != StopCause::ShutdownChildren)
            m_store.forEachRecord([](JobRecord &record) { requestCancel(record, 0); });
    }
    cancelTimers(); // no timer fires into a stopped pool
    // Under the set's lock: a clear() closes the bound again after it moved the epoch on.
    m_workers.inEpoch(request.epoch, [this] { m_delivery.openBounds(); });
    return request;
}

bool PoolPrivate::shutdown(QDeadlineTimer deadline, bool soon, StopCause cause)
{
    // Called on one of the pool's own threads: say so, so that another such thread waiting
    // for the others does not wait for this one.
    JoinableThread *self = onOwnThread() ? JoinableThread::current() : nullptr;
    struct Mark
    {
        JoinableThread *thread;
        ~Mark()
        {
            if (thread)
                thread->setWaitingForOthers(false);
        }
    } mark{self};
    if (self)
        self->setWaitingForOthers(true);

    const WorkerSet::Stop request = requestStop(soon ? StopMode::Now : StopMode::Drain, cause);
    if (m_workers.inEpoch(request.epoch))
        m_scheduler.stop(); // its thread ends too: no thread of the pool runs after shutdown
    if (!WorkerSet::joinAll(request.threads, deadline))
        return false;
    // The children ended; a job accepted as this stop came may still wait (it found no
    // child that drains: one refused by the stop, one stopping for an earlier
    // shutdownChildren()). A graceful stop of a running pool runs it, unless a clear() made
    // the pool run again meanwhile. (Jobs an earlier stop left listed stay listed.)
    while (!soon && request.stoppedNow && m_workers.inEpoch(request.epoch) && unstartedJobs() > 0) {
        auto drainer = m_workers.spawnDrainer();
        if (!drainer || !WorkerSet::joinAll({drainer}, deadline))
            return false;
    }
    return m_delivery.stopCallbackThreads(deadline);
}

void PoolPrivate::clear()
{
    cancelAll();
    m_delivery.clearQueues(); // the entries' destructors may be user code: no lock held
    // relaxed: see m_stopCause.
    m_stopCause.store(StopCause::None, std::memory_order_relaxed);
    // The bound is closed under the set's lock: after a stop's openBounds(), which checks
    // the epoch this moves on.
    m_workers.restart([this] { m_delivery.closeBounds(); });
    // Children still draining for an earlier graceful stop leave now (see shouldExit()); one
    // asleep waiting for a job that another child took is woken to see it.
    wakeAllSleepers();
}

// ---- waiting ---------------------------------------------------------------------------

bool PoolPrivate::waitIdle(QDeadlineTimer deadline)
{
    if (onJobThread())
        throw WouldDeadlock("Pool::waitIdle: called from a job of this pool, which is never "
                            "idle while that job waits; wait from outside the pool");
    SteadyTime storage;
    const SteadyTime *until = deadlineOf(deadline, storage);
    for (;;) {
        if (isIdle())
            return true;
        const auto key = m_workEnded.prepareWait();
        if (isIdle()) {
            m_workEnded.cancelWait();
            return true;
        }
        if (!m_workEnded.wait(key, until))
            return isIdle();
    }
}

bool PoolPrivate::spinUntil(const std::function<bool()> &ready)
{
    // A short polite spin catches what arrives at once; after it the thread yields between
    // looks, so that a thread it shares a core with (the submitter, say) is not held up.
    constexpr int kPauseSpins = 128; // ~2 us
    if (!spinningHelps())
        return ready();
    const auto until = std::chrono::steady_clock::now() + kIdleSpin;
    for (int i = 1;; ++i) {
        if (ready())
            return true;
        if (i < kPauseSpins)
            cpuRelax();
        else
            std::this_thread::yield();
        if ((i & 15) == 0 && std::chrono::steady_clock::now() >= until)
            return false;
    }
}

std::optional<Completion> PoolPrivate::nextCompletion(bool wait, QDeadlineTimer deadline)
{
    SteadyTime storage;
    const SteadyTime *until = deadlineOf(deadline, storage);
    auto take = [this]() -> std::optional<Completion> {
        if (auto result = m_delivery.done().tryTake())
            return Completion(std::move(*result));
        if (auto failure = m_delivery.failed().tryTake())
            return Completion(std::move(*failure));
        return std::nullopt;
    };
    for (;;) {
        if (auto entry = take())
            return entry;
        if (!wait)
            return std::nullopt;
        if (isIdle()) // every result was delivered before its job ended: one last look
            return take();
        if (spinUntil([this] { return entriesQueued(); }))
            continue;
        const auto key = m_arrivals.prepareWait();
        if (entriesQueued() || isIdle()) {
            m_arrivals.cancelWait();
            continue;
        }
        if (!m_arrivals.wait(key, until))
            return take();
    }
}

} // namespace FastThreadPool::detail
