// Public: FastThreadPool::Pool, the thread pool of the Python API, as a QObject.
#pragma once

#include <fastthreadpool/ascompleted.h>
#include <fastthreadpool/errors.h>
#include <fastthreadpool/fastthreadpool_export.h>
#include <fastthreadpool/detail/futurejob.h>
#include <fastthreadpool/detail/invoke.h>
#include <fastthreadpool/detail/mapjob.h>
#include <fastthreadpool/detail/ownedjob.h>
#include <fastthreadpool/pooloptions.h>
#include <fastthreadpool/result.h>
#include <fastthreadpool/resultqueue.h>
#include <fastthreadpool/detail/saturating.h>
#include <fastthreadpool/semaphore.h>
#include <fastthreadpool/detail/task.h>
#include <fastthreadpool/timerid.h>
#include <fastthreadpool/detail/timerspec.h>

#include <QtCore/qdatetime.h>
#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qlist.h>
#include <QtCore/qobject.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <initializer_list>
#include <memory>
#include <ranges>
#include <stdexcept>
#include <string>
#include <vector>

QT_BEGIN_NAMESPACE
class QThread;
QT_END_NAMESPACE

namespace FastThreadPool {

namespace detail {
class PoolPrivate;
class PoolSignals;
class Registry;
using MapBody = std::function<void(JobContext &, const std::atomic<bool> &stop)>;
} // namespace detail

//! Tag for cancel(LeaveQueue), Python's cancel(jobid=False): changes nothing, returns true.
struct LeaveQueueT
{
    explicit LeaveQueueT() = default;
};
inline constexpr LeaveQueueT LeaveQueue{};

//! What cancelAll() does to the jobs running now: No (Python's meaning, the default) lets
//! them finish; Yes also asks them to stop (ThisJob::isCancelled()).
enum class CancelRunning : bool { No, Yes };

/*!
    A pool of worker threads ("children") to which jobs are submitted.

    Children are started on demand, up to maxChildren, and stay until shutdown. Jobs wait
    in a deque: submit() appends, submitFirst() prepends. Each job's return value goes to
    done() (or to the pool's done callback, or nowhere), each exception to failed().

    Thread safety: every member function may be called from any thread, including from
    inside a job or a callback, with these rules for the pool's own threads (its children,
    map threads, the done/failed callback threads and the timer thread):
    - shutdown() and join() called there do not wait for the calling thread itself: it
      ends when the job or callback returns.
    - waitIdle(), and asCompleted() without a deadline, called from a job of this pool
      throw WouldDeadlock: the calling job keeps the pool busy for as long as it waits.
      asCompleted(NoWait) and asCompleted(deadline) work there.
    - The destructor must not run there: it would wait for that very thread; the process
      stops with a message naming the thread (destroy the pool elsewhere; deleteLater()
      from a job is fine).
    - A job that blocks until another job of the same pool ends deadlocks when every
      child is busy with such waiting jobs (a 1-child pool: always): give the pool more
      children than jobs that wait, or wait outside the pool.
    The destructor shuts down gracefully (queued jobs run first).

    No lock of the pool is held while it waits for another thread, and no lock is held
    while user code runs (jobs, callbacks, destructors of dropped jobs), except that a
    map over a plain input range advances the range's iterator under the map's lock.

    Signals. Results can reach the thread the pool lives in (normally the GUI thread) as
    signals instead of through the queues. The rule:
    - Connecting resultReady() or resultsReady() makes the pool drain done() into them;
      connecting jobFailed() does the same for failed(). A queue whose signals nobody
      connected is left alone, so a user who only reads the queues pays no signal cost
      (one load per result), and a user who only connects signals keeps nothing growing.
    - Values, ids and order are the queues' (an id is 0 unless PoolOptions::resultId).
      Entries queued before the connection are delivered too.
    - Workers post at most one event per batch; the pool's thread emits for a few ms per
      event and posts the rest to itself, so input and paint events
      interleave with a flood of results. doneMax bounds the results in flight to a slow
      receiver: workers wait for it instead of growing a backlog.
    - The counting properties' change signals and idle() are emitted from the pool's
      thread, at most every 16 ms while work runs (a progress bar's rate), and once when
      the work ends.
    - An entry is taken from its queue only while a receiver is connected: disconnecting
      the last one (even from inside a slot) or destroying it leaves the rest in the queue.
    - A pool living in a thread without an event loop emits nothing: results wait in the
      queues. moveToThread() moves delivery with the pool. Destroying the pool with results
      still posted is safe (its undelivered entries go with it); a slot may delete it.
    - With a done/failed callback, the callback takes the entries: the signals stay silent.
    - When the application quits (QCoreApplication::aboutToQuit), a pool created while an
      application object existed stops as shutdownChildren() does (pending jobs are not
      started, timers are cancelled), unless PoolOptions::keepRunningOnQuit; its destructor
      then waits only for the jobs already running.

    Jobs may create and use QObjects, and run a local QEventLoop (each pool thread is a
    QThread with its own event dispatcher, created on first use). QObjects created in a job
    live in that worker: destroy them in the job, or moveToThread() them before it returns.
    Queued signals sent to the worker's objects are only delivered while a local event loop
    runs there.
*/
class FASTTHREADPOOL_EXPORT Pool : public QObject
{
    Q_OBJECT
    Q_PROPERTY(int maxChildren READ maxChildren CONSTANT)
    Q_PROPERTY(int alive READ alive NOTIFY aliveChanged)
    Q_PROPERTY(int childCount READ childCount NOTIFY childCountChanged)
    Q_PROPERTY(int busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(qint64 pending READ pending NOTIFY pendingChanged)
    Q_PROPERTY(qsizetype doneQueued READ doneQueued NOTIFY doneQueuedChanged)
    Q_PROPERTY(qsizetype failedQueued READ failedQueued NOTIFY failedQueuedChanged)
    Q_PROPERTY(quint64 submitted READ submitted NOTIFY submittedChanged)
    Q_PROPERTY(quint64 completed READ completed NOTIFY completedChanged)
    Q_PROPERTY(quint64 cancelled READ cancelled NOTIFY cancelledChanged)
    Q_PROPERTY(QList<FastThreadPool::JobId> jobs READ jobs)
    Q_PROPERTY(bool isShutdown READ isShutdown)
    Q_PROPERTY(bool isSuspended READ isSuspended NOTIFY suspendedChanged)

public:
    //! Throws std::invalid_argument for a maxChildren resolving below 1, a negative
    //! doneMax, or logLevel QtFatalMsg.
    explicit Pool(PoolOptions options = {}, QObject *parent = nullptr);
    explicit Pool(QObject *parent) : Pool(PoolOptions{}, parent) { }
    //! As shutdown(): waits until the queued jobs ran and every thread ended.
    ~Pool() override;

    /*!
        Appends fn(args...) to the job queue and returns its id. The arguments are copied
        (or moved) into the job. The return value goes where PoolOptions::doneCallback says
        (done() by default) as a QVariant (void gives a null QVariant); a job returning
        Generator<T> gives one result per value. A job whose submit returned ends exactly
        once: it runs (done or failed), is cancelled, or stays listed after a soon stop.
        Throws PoolStopped after shutdownChildren()/shutdown() (until clear()),
        std::invalid_argument for a null function, ThreadStartFailed if the pool has no
        thread and none can be started (the job is not queued), std::bad_alloc if its
        record cannot be allocated. Any thread.
    */
    template<class F, class... Args>
    JobId submit(F &&fn, Args &&...args)
    {
        return enqueue(detail::Placement::Tail, "Pool::submit", std::forward<F>(fn), PoolDone,
                       std::forward<Args>(args)...);
    }

    /*!
        As submit(), with this job's own result handling: `done` true keeps the value in
        done() (even when the pool has a doneCallback), false discards it (the job still
        runs), a callable is called with each value in the worker thread (it must be
        thread-safe) and nothing is queued; PoolDone does what submit() does. An exception
        from the callable is a failure of this job.
    */
    template<class F, class D, class... Args>
    JobId submitDone(F &&fn, D &&done, Args &&...args)
    {
        return enqueue(detail::Placement::Tail, "Pool::submitDone", std::forward<F>(fn),
                       std::forward<D>(done), std::forward<Args>(args)...);
    }

    //! As submit(), but the job goes to the head of the queue (last in, first out).
    template<class F, class... Args>
    JobId submitFirst(F &&fn, Args &&...args)
    {
        return enqueue(detail::Placement::Head, "Pool::submitFirst", std::forward<F>(fn), PoolDone,
                       std::forward<Args>(args)...);
    }

    //! As submitDone(), at the head of the queue.
    template<class F, class D, class... Args>
    JobId submitDoneFirst(F &&fn, D &&done, Args &&...args)
    {
        return enqueue(detail::Placement::Head, "Pool::submitDoneFirst", std::forward<F>(fn),
                       std::forward<D>(done), std::forward<Args>(args)...);
    }

    /*!
        Runs fn(item) once for every item of `items` (any input range; a std::tuple or
        std::pair item is unpacked into the arguments, strings are not). Results carry id 0
        and go where `done` says (as in submitDone); a failing item is one failed entry and
        the others go on. Returns at once; wait with waitIdle() or asCompleted().

        direct = true: extra threads, started for this map and ended when the items run
        out, take contiguous chunks from one shared cursor; as many as maxChildren, but no
        more than the items and no more than four per core (a direct map is for work that
        keeps a core busy; for items that block, use direct = false on a pool with that
        many children). cancelAll() stops a running direct map: its threads take no more
        items.
        direct = false: the items are cut into slices that run as ordinary jobs on the
        children, which stay for reuse. All slices are queued at once: a concurrent
        shutdown refuses all of them or none.

        The items are owned by the map: an lvalue container is copied, an rvalue moved; pass
        a view (std::views::all(container)) to share a container that outlives the map.
        An exception thrown while iterating the range (a generator, a filter's predicate)
        is one failed entry with id 0; the items taken before it run, no later ones.
        Every item counts as one job in submitted() and completed(). `done` defaults to
        the pool's choice (PoolDone); true means done() itself, as in submitDone().
        Throws PoolStopped, ThreadStartFailed and std::invalid_argument as submit() does,
        and then no item ran.
    */
    template<class F, std::ranges::input_range R, class D = PoolDoneT>
    void map(F &&fn, R &&items, D &&done = D{}, bool direct = true);

    template<class F, class T, class D = PoolDoneT>
    void map(F &&fn, std::initializer_list<T> items, D &&done = D{}, bool direct = true)
    {
        map(std::forward<F>(fn), std::vector<T>(items), std::forward<D>(done), direct);
    }

    /*!
        Timers. Each returns a TimerId for cancel(TimerId). A timer fires on the pool's
        scheduler thread (one per pool, started by the first timer, sleeping on the clock
        until the earliest deadline: it needs no event loop and goes on firing with or
        without a QCoreApplication) and its run enters the job queue at the head, as
        submitFirst().
        Results are handled as submitDone()'s: a run's results carry the id of that run.

        Rules for every timer: a negative delay or interval, an invalid or past time, a NaN
        duration, a null function throw std::invalid_argument; a stopped pool throws
        PoolStopped; ThreadStartFailed if the timer thread cannot be started. Any duration
        type works (hours::max(), years, duration<double>): a delay, interval or time beyond
        the steady clock's range (about 292 years) saturates, and such a timer stays listed
        but never fires; nothing fires early. shutdown(), shutdownChildren() and the
        destructor cancel every timer: none fires into a stopped pool. Any thread may call
        these.
    */
    //! Runs fn(args...) once, `delay` from now.
    template<class Rep, class Period, class F, class... Args>
    TimerId submitLater(std::chrono::duration<Rep, Period> delay, F &&fn, Args &&...args)
    {
        return submitDoneLater(delay, std::forward<F>(fn), PoolDone, std::forward<Args>(args)...);
    }
    //! As submitLater(), with this timer's own result handling (see submitDone()).
    template<class Rep, class Period, class F, class D, class... Args>
    TimerId submitDoneLater(std::chrono::duration<Rep, Period> delay, F &&fn, D &&done,
                            Args &&...args)
    {
        auto spec = timerSpec(false, "Pool::submitDoneLater", std::forward<F>(fn),
                              std::forward<D>(done), std::forward<Args>(args)...);
        spec.kind = detail::TimerSpec::Kind::Later;
        spec.delay = detail::saturatingNanoseconds(delay, spec.caller, "the delay");
        return startTimer(std::move(spec));
    }

    /*!
        Runs fn(args...) at the wall-clock `time` and, if `interval` > 0, every `interval`
        after it (fixed rate, as schedule()). A time more than 10 ms in the past throws.
        The time is turned into a steady-clock deadline when called: a later change of the
        system clock does not move it.
    */
    template<class Rep, class Period, class F, class... Args>
    TimerId submitAt(const QDateTime &time, std::chrono::duration<Rep, Period> interval, F &&fn,
                     Args &&...args)
    {
        return submitDoneAt(time, interval, std::forward<F>(fn), PoolDone,
                            std::forward<Args>(args)...);
    }
    template<class Rep, class Period, class F, class D, class... Args>
    TimerId submitDoneAt(const QDateTime &time, std::chrono::duration<Rep, Period> interval, F &&fn,
                         D &&done, Args &&...args)
    {
        return submitDoneAtDelay(delayUntil(time, "Pool::submitDoneAt"), interval,
                                 std::forward<F>(fn), std::forward<D>(done),
                                 std::forward<Args>(args)...);
    }
    template<class Rep, class Period, class F, class... Args>
    TimerId submitAt(std::chrono::system_clock::time_point time,
                     std::chrono::duration<Rep, Period> interval, F &&fn, Args &&...args)
    {
        return submitDoneAt(time, interval, std::forward<F>(fn), PoolDone,
                            std::forward<Args>(args)...);
    }
    template<class Rep, class Period, class F, class D, class... Args>
    TimerId submitDoneAt(std::chrono::system_clock::time_point time,
                         std::chrono::duration<Rep, Period> interval, F &&fn, D &&done,
                         Args &&...args)
    {
        return submitDoneAtDelay(delayUntil(time), interval, std::forward<F>(fn),
                                 std::forward<D>(done), std::forward<Args>(args)...);
    }

    /*!
        Runs fn(args...) every `interval` (> 0), the first time one interval from now, at a
        fixed rate: run N starts near start + N * interval, so no drift accumulates and a
        late run does not move the later ones. At most one run is queued or running at a
        time: when a run is due while the previous one is still queued or running, that run
        is skipped (the timer keeps its grid). The function and its arguments are copied for
        each run, so they must be copyable.
    */
    template<class Rep, class Period, class F, class... Args>
    TimerId schedule(std::chrono::duration<Rep, Period> interval, F &&fn, Args &&...args)
    {
        return scheduleDone(interval, std::forward<F>(fn), PoolDone, std::forward<Args>(args)...);
    }
    template<class Rep, class Period, class F, class D, class... Args>
    TimerId scheduleDone(std::chrono::duration<Rep, Period> interval, F &&fn, D &&done,
                         Args &&...args)
    {
        auto spec = timerSpec(true, "Pool::scheduleDone", std::forward<F>(fn),
                              std::forward<D>(done), std::forward<Args>(args)...);
        spec.kind = detail::TimerSpec::Kind::Schedule;
        spec.interval = detail::saturatingNanoseconds(interval, spec.caller, "the interval");
        return startTimer(std::move(spec));
    }

    //! The submitLater() timers that have not fired yet.
    QList<TimerId> delayed() const;
    //! The submitAt() and schedule() timers still live.
    QList<TimerId> scheduled() const;

    /*!
        Results and failures as they arrive, until nothing is pending or running and both
        queues are empty. Throws PoolCallback if a done or failed callback takes them, and
        WouldDeadlock when called from a job of this pool (the range could never end).
    */
    [[nodiscard]] AsCompleted asCompleted();
    //! As asCompleted(), ending at `deadline` at the latest (allowed inside a job).
    [[nodiscard]] AsCompleted asCompleted(QDeadlineTimer deadline);
    //! What is in the queues now; never waits.
    [[nodiscard]] AsCompleted asCompleted(NoWaitT);

    /*!
        Cancels job `id`: true if it was pending and now never runs (it counts in
        cancelled()); false if it is unknown, running or finished. A running job is asked to
        stop (ThisJob::isCancelled() turns true; if it then ends, by returning or throwing,
        it is cancelled and its value dropped), and the call still returns false: the job
        was not removed. Any thread.
    */
    bool cancel(JobId id);
    //! Python's cancel(jobid=False): the queue is left as it is; returns true.
    bool cancel(LeaveQueueT) { return true; }
    /*!
        Cancels every pending job (not timers) and stops running direct maps taking items;
        returns true. Running jobs finish as in Python, unless `running` is
        CancelRunning::Yes: then each is asked to stop as cancel(JobId) does. Any thread.
    */
    bool cancelAll(CancelRunning running = CancelRunning::No);
    /*!
        Cancels a timer: true if it was live (not yet fired, or periodic). No run of it
        starts after this returns (a run already running goes on).
    */
    bool cancel(TimerId timer);
    //! Python's cancel(timer=True): cancels every delayed and scheduled timer.
    void cancelTimers();

    /*!
        Suspends the pool: from now on no queued job starts (timer runs wait in the queue
        too, and jobs may still be submitted); running jobs go on until they call
        ThisJob::suspendIfRequested(), which waits for resume(). Returns true if the pool
        was running and is now suspended; false if it was suspended already, or stopped
        (a stop resumes a pool and a stopped pool cannot be suspended). A stop
        (shutdown(), shutdownChildren(), shutdownAll(), the application's quit) resumes
        first. Emits suspendedChanged() in the calling thread. Any thread.
    */
    bool suspend();
    //! Lets queued jobs start again and wakes jobs waiting in suspendIfRequested(); true if
    //! the pool was suspended. Emits suspendedChanged() in the calling thread. Any thread.
    bool resume();
    //! Between suspend() and resume() (or a stop).
    bool isSuspended() const noexcept;

    /*!
        Shuts the pool down: submits fail from now on (PoolStopped) and isShutdown is true.
        soon = false: the queued jobs all run first (every job whose submit returned);
        soon = true: children stop after their current job, and the jobs not started stay
        listed in jobs() and counted in pending() until clear(), except submitFuture() jobs,
        which are dropped so that their futures end cancelled. Waits until every thread it
        asked to stop (children, map threads, callback and timer threads) ended: true then,
        false at `deadline`. Threads that a concurrent clear() and submit start are not
        waited for. Called on one of the pool's own threads, it does not wait for that one.
    */
    bool shutdown(QDeadlineTimer deadline = QDeadlineTimer(QDeadlineTimer::Forever),
                  bool soon = false);
    //! shutdown(deadline, false).
    bool join(QDeadlineTimer deadline = QDeadlineTimer(QDeadlineTimer::Forever));
    //! Children stop after their current job; submits fail until clear(). Does not wait.
    void shutdownChildren();
    //! Forgets the child threads that ended; returns how many. Invalidates their QThread*.
    int cleanupChildren();
    //! Empties the pending, done and failed queues and clears the shutdown state: the pool
    //! is usable again.
    void clear();
    //! True as soon as no job is pending or running; false at `deadline`. Throws
    //! WouldDeadlock when called from a job of this pool (it could never be idle then).
    bool waitIdle(QDeadlineTimer deadline = QDeadlineTimer(QDeadlineTimer::Forever));

    //! The number of children this pool may run (PoolOptions::maxChildren resolved).
    int maxChildren() const noexcept;
    //! Pool threads (children and map threads) running now.
    int alive() const noexcept;
    //! Pool threads created and not yet removed by cleanupChildren(), alive or not.
    QList<QThread *> childThreads() const;
    //! The number of childThreads().
    int childCount() const;
    //! Pool threads running a job now.
    int busy() const;
    //! Jobs waiting or running (a running direct map counts one per thread).
    qint64 pending() const;
    //! The ids of the jobs waiting, in the order they will run.
    QList<JobId> jobs() const;
    //! True from shutdown() / shutdownChildren() until clear().
    bool isShutdown() const noexcept;

    //! Results of successful jobs (when neither a done callback nor discarding is set).
    ResultQueue<Result> &done() noexcept;
    //! Failures (when no failed callback is set).
    ResultQueue<Failure> &failed() noexcept;
    //! The semaphore counting done() entries.
    Semaphore &doneCount() noexcept { return done().count(); }
    //! The semaphore counting failed() entries.
    Semaphore &failedCount() noexcept { return failed().count(); }
    //! done().size(), the doneQueued property (doneCount() is the semaphore counting it).
    qsizetype doneQueued() const noexcept;
    //! failed().size(), the failedQueued property (failedCount() is the semaphore counting it).
    qsizetype failedQueued() const noexcept;
    /*!
        Jobs submitted so far (map items and timer runs included). Every job ends exactly
        once, in completed() or cancelled() (or stays listed after shutdown(soon)), so once
        the pool is idle completed() + cancelled() == submitted().
    */
    quint64 submitted() const noexcept;
    /*!
        Jobs that ran to an end so far: done or failed. A progress bar that does not jump
        to 100 % on Cancel shows completed() of (submitted() - cancelled()). Read it before
        submitted(): it never exceeds a submitted() read after it.
    */
    quint64 completed() const;
    /*!
        Jobs that ended without running to an end: cancelled while queued (cancel(),
        cancelAll(), a key or owner), dropped by a stop or clear(), refused by a submit that
        threw, or stopped by a cancel that reached them while they ran (ThisJob).
    */
    quint64 cancelled() const;

    /*!
        Runs fn(args...) as submit() does and returns a QFuture of the function's own result
        type (QFuture<void> for void). The future gets the value, or the exception the
        function threw, as itself: `.onFailed([](const MyError &) {...})` catches it.
        Nothing reaches done() or failed(). Cancelling the future before the job starts
        means the function never runs (the job ends when a worker reaches it); the future
        of a job dropped by cancel(), cancelAll(), shutdown(soon) or clear() is cancelled.
        Chain with `.then(context, ...)` to continue in a QObject's thread, but see
        submitThen(): with Qt 6.4, attaching a continuation while the job may finish can run
        the continuation twice and crash (QFutureInterfaceBase::setContinuation runs it when
        the future has just finished and stores it anyway; QtConcurrent::run() has the same
        race). Throws as submit(). Any thread.
    */
    template<class F, class... Args>
    auto submitFuture(F &&fn, Args &&...args)
    {
        detail::requireCallable(fn, "Pool::submitFuture", "the function");
        auto job = detail::makeFutureJob(std::forward<F>(fn), std::forward<Args>(args)...);
        auto future = job.future();
        // A stop that leaves it unstarted cancels it: its future ends instead of waiting.
        submitTask(detail::Task::make(std::move(job)), detail::Placement::TailCancelledByStop,
                   "Pool::submitFuture");
        return future;
    }

    /*!
        Runs fn(args...) on the pool for `owner`, then then(value) (then() for a void fn) in
        the owner's thread, queued to its event loop; returns the job's id. The job belongs
        to the owner: destroyed before the job starts, the job never runs (it ends
        cancelled when a child reaches it); destroyed while it runs, ThisJob::isCancelled()
        turns true and neither continuation runs; destroyed after, the continuation is
        dropped. Pass onFailed(handler) right after `then` to get the job's failure (a
        const Failure &) in the owner's thread too; without it a failure goes to failed()
        or jobFailed() as any job's. Nothing runs while a lock of the pool is held, and a
        continuation may destroy the owner. An owner in a thread without an event loop
        never gets its continuations. Throws as submit(), and std::invalid_argument for a
        null owner, function or continuation. Any thread.

            pool.submitFor(this, loadImage, [this](QImage image) { label->setPixmap(...); },
                           FastThreadPool::onFailed([](const FastThreadPool::Failure &f) {
                               qWarning() << f; }),
                           path);
    */
    template<class F, class Then, class... Rest>
    JobId submitFor(const QObject *owner, F &&fn, Then &&then, Rest &&...rest)
    {
        if constexpr (detail::StartsWithFailureHandler<Rest...>::value) {
            return submitOwnedWith(owner, std::forward<F>(fn), std::forward<Then>(then),
                                   std::forward<Rest>(rest)...);
        } else {
            return submitOwned(owner, std::forward<F>(fn), std::forward<Then>(then),
                               FailureHandler<std::nullptr_t>{nullptr}, detail::Placement::Tail,
                               "Pool::submitFor", std::forward<Rest>(rest)...);
        }
    }

    /*!
        Runs fn() on the pool and then(value) (or then() for void) in the thread of
        `context`, and returns a QFuture of the continuation's result. An exception from
        fn() skips then() and reaches the returned future as itself; one from then() too.
        The job belongs to `context` as in submitFor(): destroyed before the job starts,
        fn() never runs; while it runs, ThisJob::isCancelled() turns true; in either case,
        or after the job but before then() ran, the returned future is cancelled. (Unlike
        QFuture::then(context, ...) in Qt 6.4, which asserts in a debug build when the
        context is gone, and can run a continuation twice when it is attached as the future
        finishes.) Throws as submit(), and std::invalid_argument for a null context,
        function or continuation. Any thread.
    */
    template<class F, class Then>
    auto submitThen(QObject *context, F &&fn, Then &&then)
    {
        using R = std::invoke_result_t<std::decay_t<F> &>;
        using Continued = typename detail::ThenResult<std::decay_t<Then>, R>::type;
        detail::requireCallable(fn, "Pool::submitThen", "the function");
        detail::requireCallable(then, "Pool::submitThen", "the continuation");
        if (!context)
            throw std::invalid_argument("Pool::submitThen: the context object is null");
        // Shared by the two continuations; whichever runs finishes it. Destroyed unfinished
        // (the job cancelled, the context gone), it cancels the future.
        auto promise = std::make_shared<QPromise<Continued>>();
        promise->start();
        QFuture<Continued> future = promise->future();
        auto onValue = detail::fulfilling<R>(promise, std::forward<Then>(then));
        auto onFailure = [promise](const Failure &failure) {
            promise->setException(failure.exception);
            promise->finish();
        };
        submitOwned(context, std::forward<F>(fn), std::move(onValue),
                    FailureHandler<decltype(onFailure)>{std::move(onFailure)},
                    detail::Placement::TailCancelledByStop, "Pool::submitThen");
        return future;
    }

Q_SIGNALS:
    /*!
        One value a job produced, emitted in the pool's thread (see "Signals" above).
        Connecting it drains done(). `id` follows PoolOptions::resultId.
    */
    void resultReady(FastThreadPool::JobId id, const QVariant &value);
    //! The same values as resultReady(), a batch at a time (at most 64 per emission).
    void resultsReady(const QList<FastThreadPool::Result> &results);
    //! A job threw. Connecting it drains failed().
    void jobFailed(FastThreadPool::JobId id, const FastThreadPool::Failure &failure);
    /*!
        Job `id` (always the real id, whatever PoolOptions::resultId) reported progress
        through ThisJob::setProgress(). Emitted in the pool's thread at most once per 16 ms
        per job with the latest report (earlier ones in between are skipped); nothing is
        kept or posted while no receiver is connected. A job's last report comes before
        its jobCancelled() and before idle(), but may come after its resultReady().
    */
    void jobProgress(FastThreadPool::JobId id, int value, int maximum, const QString &text);
    /*!
        Job `id` ended cancelled while it ran: a cancel reached it (ThisJob::isCancelled())
        before it handed over a value. Such a job has no resultReady() or jobFailed(); this
        is its end. Jobs removed from the queue unstarted are not announced one by one (the
        call that removed them says so, and cancelled() counts them). Emitted in the pool's
        thread; nothing is kept while no receiver is connected.
    */
    void jobCancelled(FastThreadPool::JobId id);
    //! Nothing is pending or running any more, and every result was emitted. Once per
    //! stretch of work.
    void idle();
    void aliveChanged(int alive);
    void childCountChanged(int childCount);
    void busyChanged(int busy);
    void pendingChanged(qint64 pending);
    void doneQueuedChanged(qsizetype doneQueued);
    void failedQueuedChanged(qsizetype failedQueued);
    //! Deprecated (the property was named doneCount, like the semaphore doneCount()):
    //! emitted with doneQueuedChanged() for one release; connect that one instead.
    void doneCountChanged(qsizetype doneCount);
    //! Deprecated: emitted with failedQueuedChanged() for one release.
    void failedCountChanged(qsizetype failedCount);
    void submittedChanged(quint64 submitted);
    void completedChanged(quint64 completed);
    void cancelledChanged(quint64 cancelled);
    //! suspend() or resume() changed isSuspended (or a stop resumed the pool: then emitted
    //! from the pool's thread's event loop).
    void suspendedChanged(bool suspended);

protected:
    bool event(QEvent *event) override;
    void timerEvent(QTimerEvent *event) override;
    void connectNotify(const QMetaMethod &signal) override;
    void disconnectNotify(const QMetaMethod &signal) override;

private:
    friend class AsCompleted;
    friend class detail::Registry; // shutdownAll() stops pools through their private part
    friend class detail::PoolSignals; // asks which signals are connected (protected in QObject)

    template<class F, class D, class... Args>
    JobId enqueue(detail::Placement where, const char *caller, F &&fn, D &&done, Args &&...args)
    {
        static_assert(std::is_invocable_v<std::decay_t<F> &, std::decay_t<Args>...>,
                      "the function cannot be called with these arguments");
        detail::requireCallable(fn, caller, "the function");
        detail::requireCallable(done, caller, "the done callback");
        return submitTask(detail::Task::make(detail::makeJobClosure(std::forward<F>(fn),
                                                                    std::forward<D>(done),
                                                                    std::forward<Args>(args)...)),
                          where, caller);
    }

    JobId submitTask(detail::Task &&task, detail::Placement where, const char *caller);

    //! submitFor() with onFailed(...) first among the rest.
    template<class F, class Then, class H, class... Args>
    JobId submitOwnedWith(const QObject *owner, F &&fn, Then &&then, FailureHandler<H> failed,
                          Args &&...args)
    {
        return submitOwned(owner, std::forward<F>(fn), std::forward<Then>(then), std::move(failed),
                           detail::Placement::Tail, "Pool::submitFor", std::forward<Args>(args)...);
    }

    template<class F, class Then, class H, class... Args>
    JobId submitOwned(const QObject *owner, F &&fn, Then &&then, FailureHandler<H> failed,
                      detail::Placement where, const char *caller, Args &&...args)
    {
        static_assert(std::is_invocable_v<std::decay_t<F> &, std::decay_t<Args> &...>,
                      "the function cannot be called with these arguments");
        using R = std::invoke_result_t<std::decay_t<F> &, std::decay_t<Args> &...>;
        if constexpr (std::is_void_v<R>)
            static_assert(std::is_invocable_v<std::decay_t<Then> &>,
                          "the continuation of a void function takes no argument");
        else
            static_assert(std::is_invocable_v<std::decay_t<Then> &, R &&>,
                          "the continuation cannot be called with the function's value");
        if constexpr (!std::is_same_v<H, std::nullptr_t>) {
            static_assert(std::is_invocable_v<H &, const Failure &>,
                          "the failure handler must take a const FastThreadPool::Failure &");
            detail::requireCallable(failed.handler, caller, "the failure handler");
        }
        detail::requireCallable(fn, caller, "the function");
        detail::requireCallable(then, caller, "the continuation");
        auto link = detail::OwnerLink::make(owner, caller);
        using Job = detail::OwnedJob<std::decay_t<F>, std::decay_t<Then>, H, std::decay_t<Args>...>;
        return submitTask(detail::Task::make(Job(
                                  std::move(link), std::forward<F>(fn), std::forward<Then>(then),
                                  std::move(failed.handler), std::forward<Args>(args)...)),
                          where, caller);
    }
    TimerId startTimer(detail::TimerSpec &&spec);
    //! From now to `time` (wall clock), saturated; throws for an invalid QDateTime.
    static std::chrono::nanoseconds delayUntil(const QDateTime &time, const char *caller);
    static std::chrono::nanoseconds delayUntil(std::chrono::system_clock::time_point time);

    template<class Rep, class Period, class F, class D, class... Args>
    TimerId submitDoneAtDelay(std::chrono::nanoseconds delay,
                              std::chrono::duration<Rep, Period> interval, F &&fn, D &&done,
                              Args &&...args)
    {
        const auto every
                = detail::saturatingNanoseconds(interval, "Pool::submitDoneAt", "the interval");
        auto spec = timerSpec(every.count() > 0, "Pool::submitDoneAt", std::forward<F>(fn),
                              std::forward<D>(done), std::forward<Args>(args)...);
        spec.kind = detail::TimerSpec::Kind::At;
        spec.delay = delay;
        spec.interval = every;
        return startTimer(std::move(spec));
    }

    template<class F, class D, class... Args>
    detail::TimerSpec timerSpec(bool periodic, const char *caller, F &&fn, D &&done, Args &&...args)
    {
        static_assert(std::is_invocable_v<std::decay_t<F> &, std::decay_t<Args>...>,
                      "the function cannot be called with these arguments");
        detail::requireCallable(fn, caller, "the function");
        detail::requireCallable(done, caller, "the done callback");
        auto closure = detail::makeJobClosure(std::forward<F>(fn), std::forward<D>(done),
                                              std::forward<Args>(args)...);
        if (periodic && !std::is_copy_constructible_v<decltype(closure)>)
            throw std::invalid_argument(std::string(caller)
                                        + ": a repeating timer copies its function and "
                                          "arguments for each run; these are not copyable");
        detail::TimerSpec spec;
        spec.caller = caller;
        spec.task = detail::Task::make(std::move(closure));
        return spec;
    }
    //! Queues every task or none (then throws as submit()).
    void submitTasks(std::vector<detail::Task> &tasks, const char *caller);
    //! Starts `count` threads running `body`; throws if none could be started.
    void startMapThreads(int count, const detail::MapBody &body, const char *caller);
    //! The most threads a direct map starts.
    int directMapThreads() const noexcept;
    detail::MapCounters &mapCounters() noexcept;
    void requireRunning(const char *caller) const;
    std::optional<Completion> nextCompletion(bool wait, QDeadlineTimer deadline);

    std::unique_ptr<detail::PoolPrivate> d;
};

/*!
    Shuts every live pool down (Python's Shutdown): now = true drops pending jobs and lets
    children stop after their current job; now = false lets the queued jobs finish. Waits
    for all of them; true if every pool ended. Pools that were destroyed are not visited.
*/
FASTTHREADPOOL_EXPORT bool shutdownAll(bool now = true);

//! "FastThreadPool::Pool(maxChildren=4, alive=2, busy=1, pending=7, shutdown)"
FASTTHREADPOOL_EXPORT QDebug operator<<(QDebug debug, const Pool &pool);

template<class F, std::ranges::input_range R, class D>
void Pool::map(F &&fn, R &&items, D &&done, bool direct)
{
    detail::requireCallable(fn, "Pool::map", "the function");
    detail::requireCallable(done, "Pool::map", "the done callback");
    requireRunning("Pool::map");
    auto view = detail::ownRange(std::forward<R>(items));
    using Work = detail::MapWork<std::decay_t<F>, decltype(detail::makeSink(std::forward<D>(done))),
                                 decltype(view)>;
    auto work = std::make_shared<Work>(std::forward<F>(fn), detail::makeSink(std::forward<D>(done)),
                                       std::move(view), mapCounters());
    using View = decltype(work->view);
    // Looking into the range runs its code (a filter's predicate, a generator's body): an
    // exception there is a failure of the map (id 0), never an exception of this call.
    std::exception_ptr iterationError;
    try {
        if (work->exhausted())
            return;
    } catch (...) {
        iterationError = std::current_exception();
    }
    if (iterationError) {
        submitTask(detail::Task::make(detail::MapIterationFailure{iterationError,
                                                                  detail::functionInfo(work->fn)}),
                   detail::Placement::Tail, "Pool::map");
        return;
    }

    if (direct) {
        int threads = directMapThreads();
        if constexpr (std::ranges::sized_range<View>) {
            const auto total = std::ranges::size(work->view);
            threads = int(std::min<std::size_t>(std::size_t(threads), total));
            work->announce(total);
        }
        work->threads = threads;
        // Throws (PoolStopped, ThreadStartFailed) only if no thread started: then no item
        // ran, and the work's destructor ends the items it announced.
        startMapThreads(
                threads,
                [work](JobContext &context, const std::atomic<bool> &stop) {
                    work->drain(context, stop);
                },
                "Pool::map");
        return;
    }

    // Pooled: every slice is queued by one call, so a concurrent shutdown refuses all of
    // them (and nothing ran) or none.
    std::vector<detail::Task> slices;
    if constexpr (detail::kIndexable<View>) {
        const std::size_t total = std::ranges::size(work->view);
        // Many slices per child, so that children finishing early take over the rest.
        const std::size_t count = std::min<std::size_t>(total, std::size_t(maxChildren()) * 16);
        slices.reserve(count);
        for (std::size_t s = 0; s < count; ++s)
            slices.push_back(detail::Task::make(
                    detail::MapSlice<Work>(work, total * s / count, total * (s + 1) / count)));
        // Once the slices exist: each ends its share when it ends, however that is.
        mapCounters().announce(total - count);
    } else {
        constexpr std::size_t kChunk = 64;
        for (;;) {
            std::exception_ptr error;
            auto chunk = work->takeItems(kChunk, error);
            const bool last = error || chunk.size() < kChunk; // short: the range ended
            if (!chunk.empty()) {
                mapCounters().announce(chunk.size() - 1);
                slices.push_back(
                        detail::Task::make(detail::MapChunk<Work>(work, std::move(chunk))));
            }
            if (error) // the items taken before it run; the failure follows them
                slices.push_back(detail::Task::make(
                        detail::MapIterationFailure{error, detail::functionInfo(work->fn)}));
            if (last)
                break;
        }
    }
    submitTasks(slices, "Pool::map");
}

} // namespace FastThreadPool
