// Public: FastThreadPool::Qml::ThreadPool, the `ThreadPool` QML type: JavaScript jobs that
// run in parallel, one QJSEngine per worker thread.
#pragma once

#include <fastthreadpool/pool.h>

#include <QtCore/qhash.h>
#include <QtCore/qobject.h>
#include <QtCore/qproperty.h>
#include <QtCore/qurl.h>
#include <QtQml/qjsvalue.h>
#include <QtQml/qqmlparserstatus.h>
#include <QtQml/qqmlregistration.h>

#include <functional>
#include <memory>

namespace FastThreadPool::Qml {

namespace detail {
class JobControl;
struct JsSetup;
//! The default of an omitted job argument: a value no QML code passes by chance.
const QJSValue &omitted();
} // namespace detail

/*!
    \qmltype ThreadPool (import FastThreadPool 1.0)

    A FastThreadPool::Pool for QML. Jobs are JavaScript functions that run on the pool's
    worker threads, truly in parallel (QML's WorkerScript runs all scripts of an engine
    on one thread). Each worker owns a QJSEngine, made on its first JavaScript job and
    reused; a job therefore sees only its arguments and what the `source` file defines,
    never the QML document's objects or variables.

    What a job is (the `fn` of every submit method):
    - the name of a function defined by the `source` file: `submit("countPrimes", 0, 1e6)`;
      a dotted name ("lib.count") reaches into objects;
    - the name of a C++ job registered with registerNativeJob();
    - the source text of a function: `submit("(a, b) => a + b", 1, 2)`;
    - a JavaScript function value. Qt's engine does not keep function source
      (Function.prototype.toString() gives "[native code]"), so the function is found
      where it was written: the QML/JS file and line of the submit call are read, and the
      function expression passed there (or a `function NAME(...)` declared in that file)
      is taken as text. So write it inline in the call, or declare it by name in the
      same file; it cannot capture variables either way. A function that cannot be
      found fails with a TypeError that says so.

    Arguments and results cross threads as data, flattened in the sending thread: numbers,
    strings, booleans, null, undefined, arrays, plain objects, Date, RegExp, ArrayBuffer
    and Qt value types (point, rect, color, url). A function, a QObject, an Error, Map,
    Set, typed array or class instance is refused: the job fails with a TypeError naming
    the argument (never a crash). At most 8 arguments; pass an array or object for more.
    A trailing `undefined` argument counts as omitted.

    Every submit method returns the job's id (a timer method its handle) at once; the
    outcome arrives as done(id, result) or failed(id, error) in the GUI thread. `error`
    is an object {name, message, stack, fileName, lineNumber}: a JavaScript error keeps
    its name ("TypeError"), its message and its stack ("fn@file:line" lines; for a job
    given as source text, lines count from the function's first line in its file). A C++
    exception gives its demangled type as name.

    Stopping: cancel(id) drops a pending job and interrupts a running JavaScript job
    (QJSEngine::setInterrupted); cancelAll(), shutdown(..., true), the application quitting
    and destroying the ThreadPool interrupt every running JavaScript job too. A job
    stopped while it ran ends cancelled: jobCancelled(id) follows instead of done or
    failed, and it counts in `cancelled`, not in `completed`. A dropped pending job has no
    signal (cancel() returned true). A C++ job (registerNativeJob) cannot be interrupted:
    it sees ThisJob::isCancelled() and ends cancelled if it returns after that.

    Inside a JavaScript job two global functions talk to the pool: progress(value,
    maximum = 100, text = "") reports progress (the item emits progress(id, value,
    maximum, text) at most every 16 ms per job; a value outside 0..maximum throws a
    RangeError), and cancelled() is true once a cancel reached the job (a job that stops
    on it ends cancelled). suspend() holds queued jobs until resume().

    Construction-time options (maxChildren, childNamePrefix, doneMax, resultId) are read
    when the pool starts: at the end of the QML component's creation, or on the first
    method call of a ThreadPool made in C++. Changing them later only prints a warning.

    Threads: a ThreadPool belongs to the thread of its QML engine (the GUI thread); call
    its methods there. Its signals are emitted there.
*/
class ThreadPool : public QObject, public QQmlParserStatus
{
    Q_OBJECT
    QML_ELEMENT
    Q_INTERFACES(QQmlParserStatus)

    //! Worker threads: > 0 that many, <= 0 the CPU count plus this (default: CPU count).
    Q_PROPERTY(int maxChildren READ maxChildren WRITE setMaxChildren NOTIFY maxChildrenChanged)
    //! Workers are named "<prefix>-0", "<prefix>-1", ...; default "ThreadPool".
    Q_PROPERTY(QString childNamePrefix READ childNamePrefix WRITE setChildNamePrefix NOTIFY
                       childNamePrefixChanged)
    //! > 0: at most this many results wait for the GUI thread; workers pause meanwhile.
    Q_PROPERTY(int doneMax READ doneMax WRITE setDoneMax NOTIFY doneMaxChanged)
    //! true (default): done/failed carry the job's id; false: they carry 0.
    Q_PROPERTY(bool resultId READ resultId WRITE setResultId NOTIFY resultIdChanged)
    //! A .js script or .mjs module (local file or qrc) every worker engine loads before
    //! its first job; its functions are submitted by name. Changing it reloads the
    //! workers' engines before their next job.
    Q_PROPERTY(QUrl source READ source WRITE setSource NOTIFY sourceChanged)

    //! Worker threads running now.
    Q_PROPERTY(int alive READ alive NOTIFY aliveChanged BINDABLE bindableAlive)
    //! Workers running a job now.
    Q_PROPERTY(int busy READ busy NOTIFY busyChanged BINDABLE bindableBusy)
    //! Jobs waiting or running.
    Q_PROPERTY(int pending READ pending NOTIFY pendingChanged BINDABLE bindablePending)
    //! Worker threads made so far.
    Q_PROPERTY(int childCount READ childCount NOTIFY childCountChanged BINDABLE bindableChildCount)
    //! Jobs submitted so far (timer runs included). Each ends in completed or cancelled: a
    //! progress bar shows completed of (submitted - cancelled).
    Q_PROPERTY(double submitted READ submitted NOTIFY submittedChanged BINDABLE bindableSubmitted)
    //! Jobs that ran to an end so far: done or failed.
    Q_PROPERTY(double completed READ completed NOTIFY completedChanged BINDABLE bindableCompleted)
    //! Jobs that ended cancelled so far: dropped before they ran, or stopped while running.
    Q_PROPERTY(double cancelled READ cancelled NOTIFY cancelledChanged BINDABLE bindableCancelled)
    //! Between suspend() and resume() (or a shutdown): no queued job starts.
    Q_PROPERTY(bool suspended READ suspended NOTIFY suspendedChanged)

public:
    explicit ThreadPool(QObject *parent = nullptr);
    //! Interrupts the running JavaScript jobs, drops the pending ones and the timers,
    //! and waits for the workers to end.
    ~ThreadPool() override;

    int maxChildren() const;
    void setMaxChildren(int value);
    QString childNamePrefix() const { return m_childNamePrefix; }
    void setChildNamePrefix(const QString &value);
    int doneMax() const { return m_doneMax; }
    void setDoneMax(int value);
    bool resultId() const { return m_resultId; }
    void setResultId(bool value);
    QUrl source() const { return m_source; }
    void setSource(const QUrl &value);

    int alive() const { return m_alive; }
    int busy() const { return m_busy; }
    int pending() const { return m_pending; }
    int childCount() const { return m_childCount; }
    double submitted() const { return m_submitted; }
    double completed() const { return m_completed; }
    double cancelled() const { return m_cancelled; }
    bool suspended() const { return m_pool && m_pool->isSuspended(); }
    QBindable<int> bindableAlive() { return &m_alive; }
    QBindable<int> bindableBusy() { return &m_busy; }
    QBindable<int> bindablePending() { return &m_pending; }
    QBindable<int> bindableChildCount() { return &m_childCount; }
    QBindable<double> bindableSubmitted() { return &m_submitted; }
    QBindable<double> bindableCompleted() { return &m_completed; }
    QBindable<double> bindableCancelled() { return &m_cancelled; }

    /*!
        Appends the job fn(args...) to the queue; returns its id. See the class comment for
        what fn may be. Throws a JavaScript Error if the pool is shut down or its options
        are invalid; every problem of fn or of an argument is reported as failed(id, ...).
    */
    Q_INVOKABLE double
    submit(const QJSValue &fn, const QJSValue &a1 = detail::omitted(),
           const QJSValue &a2 = detail::omitted(), const QJSValue &a3 = detail::omitted(),
           const QJSValue &a4 = detail::omitted(), const QJSValue &a5 = detail::omitted(),
           const QJSValue &a6 = detail::omitted(), const QJSValue &a7 = detail::omitted(),
           const QJSValue &a8 = detail::omitted());
    //! As submit(), at the head of the queue: it runs next.
    Q_INVOKABLE double
    submitFirst(const QJSValue &fn, const QJSValue &a1 = detail::omitted(),
                const QJSValue &a2 = detail::omitted(), const QJSValue &a3 = detail::omitted(),
                const QJSValue &a4 = detail::omitted(), const QJSValue &a5 = detail::omitted(),
                const QJSValue &a6 = detail::omitted(), const QJSValue &a7 = detail::omitted(),
                const QJSValue &a8 = detail::omitted());
    /*!
        Runs fn(args...) once, `ms` milliseconds from now; returns a timer handle for
        cancelTimer(). The run's result arrives as done(runId, result) with the run's own
        job id. A negative delay throws a RangeError.
    */
    Q_INVOKABLE double
    submitLater(double ms, const QJSValue &fn, const QJSValue &a1 = detail::omitted(),
                const QJSValue &a2 = detail::omitted(), const QJSValue &a3 = detail::omitted(),
                const QJSValue &a4 = detail::omitted(), const QJSValue &a5 = detail::omitted(),
                const QJSValue &a6 = detail::omitted(), const QJSValue &a7 = detail::omitted(),
                const QJSValue &a8 = detail::omitted());
    /*!
        Runs fn(args...) at `date` (a Date, or milliseconds since the epoch) and then every
        `intervalMs` if that is > 0. A date more than 10 ms in the past throws a RangeError.
    */
    Q_INVOKABLE double
    submitAt(const QJSValue &date, double intervalMs, const QJSValue &fn,
             const QJSValue &a1 = detail::omitted(), const QJSValue &a2 = detail::omitted(),
             const QJSValue &a3 = detail::omitted(), const QJSValue &a4 = detail::omitted(),
             const QJSValue &a5 = detail::omitted(), const QJSValue &a6 = detail::omitted(),
             const QJSValue &a7 = detail::omitted(), const QJSValue &a8 = detail::omitted());
    /*!
        Runs fn(args...) every `ms` (> 0) milliseconds at a fixed rate, the first time one
        interval from now; a run due while the previous one still runs is skipped.
    */
    Q_INVOKABLE double
    schedule(double ms, const QJSValue &fn, const QJSValue &a1 = detail::omitted(),
             const QJSValue &a2 = detail::omitted(), const QJSValue &a3 = detail::omitted(),
             const QJSValue &a4 = detail::omitted(), const QJSValue &a5 = detail::omitted(),
             const QJSValue &a6 = detail::omitted(), const QJSValue &a7 = detail::omitted(),
             const QJSValue &a8 = detail::omitted());
    /*!
        Submits fn(item) for every item of the array `items`, in order; returns their ids
        (an array as long as `items`), so results can be matched to items.
    */
    Q_INVOKABLE QJSValue map(const QJSValue &fn, const QJSValue &items);

    //! The ids of the jobs waiting to start, in the order they will start (an array).
    Q_INVOKABLE QJSValue waiting() const;

    /*!
        Stops job `id`: a pending job is dropped (no signal follows), a running JavaScript
        job is interrupted (jobCancelled follows). False if the job is unknown, finished,
        or a running C++ job (which is asked to stop: ThisJob::isCancelled()).
    */
    Q_INVOKABLE bool cancel(double id);
    //! Cancels a timer; a run of it that is running is interrupted. False if it was no
    //! longer live.
    Q_INVOKABLE bool cancelTimer(double handle);
    //! Drops every pending job and interrupts every running JavaScript job (a C++ job is
    //! asked to stop, ThisJob::isCancelled()). Timers stay.
    Q_INVOKABLE void cancelAll();
    //! No queued job starts until resume() (running jobs go on). False if already
    //! suspended or shut down.
    Q_INVOKABLE bool suspend();
    //! Queued jobs start again; false if the pool was not suspended.
    Q_INVOKABLE bool resume();
    /*!
        Shuts the pool down, waiting at most `timeoutMs` (< 0: as long as it takes) in the
        calling (GUI) thread. soon = false: queued jobs run first; soon = true: pending
        jobs are dropped and running JavaScript jobs interrupted. Timers are cancelled.
        True if every worker ended. Submitting afterwards throws.
    */
    Q_INVOKABLE bool shutdown(int timeoutMs = -1, bool soon = false);

    //! C++: appends a call of `function` (a name or function source text, as for submit)
    //! with already flattened arguments. The C++ counterpart of submit() for benchmarks
    //! and C++ front ends; throws FastThreadPool::PoolStopped after shutdown.
    JobId submitCall(const QString &function, const QVariantList &args = {});

    //! The underlying pool (started if it was not). Valid until the ThreadPool is destroyed.
    Pool &pool();

    void classBegin() override { }
    void componentComplete() override;

Q_SIGNALS:
    //! Job `id` (0 unless resultId) returned `result`.
    void done(double id, const QVariant &result);
    //! Job `id` failed; `error` is {name, message, stack, fileName, lineNumber}.
    void failed(double id, const QVariantMap &error);
    //! Nothing is pending or running any more, and every result was delivered.
    void idle();
    //! Job `id` (its real id, whatever resultId) reported progress from inside the job.
    void progress(double id, int value, int maximum, const QString &text);
    //! Job `id` (its real id) was stopped while it ran: its end, instead of done or failed.
    void jobCancelled(double id);

    void maxChildrenChanged();
    void childNamePrefixChanged();
    void doneMaxChanged();
    void resultIdChanged();
    void sourceChanged();
    void aliveChanged();
    void busyChanged();
    void pendingChanged();
    void childCountChanged();
    void submittedChanged();
    void completedChanged();
    void cancelledChanged();
    void suspendedChanged();

private:
    enum class Kind { Job, First, Later, At, Schedule };
    struct Function;
    struct Prepared;

    Pool *ensurePool(const char *method);
    bool optionFixed(const char *name) const;
    std::shared_ptr<const detail::JsSetup> setup();
    Function resolve(const char *method, const QJSValue &fn, int fnArgument);
    Prepared prepare(const Function &function, const QJSValueList &args);
    Prepared prepare(const Function &function, QVariantList &&args);
    double enqueue(Kind kind, const char *method, Prepared &&job,
                   std::chrono::milliseconds delay = {}, const QDateTime &at = {});
    double start(Kind kind, const char *method, const QJSValue &fn, const QJSValueList &args,
                 std::chrono::milliseconds delay = {}, const QDateTime &at = {});
    void stopRunning(const QString &reason);
    void prune();
    void throwError(const QString &message, bool rangeError = false) const;
    double reportedId(JobId id) const { return m_resultId ? double(id) : 0.0; }

    int m_maxChildren = PoolOptions::DefaultMaxChildren;
    QString m_childNamePrefix;
    int m_doneMax = 0;
    bool m_resultId = true;
    QUrl m_source;
    std::shared_ptr<const detail::JsSetup> m_setup;
    QString m_startError; // the options were refused

    Q_OBJECT_BINDABLE_PROPERTY(ThreadPool, int, m_alive, &ThreadPool::aliveChanged)
    Q_OBJECT_BINDABLE_PROPERTY(ThreadPool, int, m_busy, &ThreadPool::busyChanged)
    Q_OBJECT_BINDABLE_PROPERTY(ThreadPool, int, m_pending, &ThreadPool::pendingChanged)
    Q_OBJECT_BINDABLE_PROPERTY(ThreadPool, int, m_childCount, &ThreadPool::childCountChanged)
    Q_OBJECT_BINDABLE_PROPERTY(ThreadPool, double, m_submitted, &ThreadPool::submittedChanged)
    Q_OBJECT_BINDABLE_PROPERTY(ThreadPool, double, m_completed, &ThreadPool::completedChanged)
    Q_OBJECT_BINDABLE_PROPERTY(ThreadPool, double, m_cancelled, &ThreadPool::cancelledChanged)

    // The JavaScript jobs and timers that may be running, to interrupt them. GUI thread
    // only; an entry goes when its outcome is delivered, or when only this map still
    // holds the control (the pool destroyed the job without running it).
    QHash<JobId, std::shared_ptr<detail::JobControl>> m_jobs;
    QHash<quint64, std::shared_ptr<detail::JobControl>> m_timers;
    qsizetype m_pruneAt = 1024;

    std::unique_ptr<Pool> m_pool; // last: destroyed first, while the rest is still valid
};

} // namespace FastThreadPool::Qml
