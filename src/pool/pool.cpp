#include <fastthreadpool/pool.h>

#include "pool/pool_p.h"
#include "pool/poolthread.h"
#include "pool/registry.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdebug.h>
#include <QtCore/qmetaobject.h>

namespace FastThreadPool {

namespace {
//! The signals' types by the names moc and QML use: string-based connections, queued
//! connections and QML bindings find them.
void registerMetaTypes()
{
    static const bool registered = [] {
        qRegisterMetaType<JobId>("FastThreadPool::JobId");
        qRegisterMetaType<Result>("FastThreadPool::Result");
        qRegisterMetaType<Failure>("FastThreadPool::Failure");
        qRegisterMetaType<QList<Result>>("QList<FastThreadPool::Result>");
        return true;
    }();
    Q_UNUSED(registered);
}
} // namespace

Pool::Pool(PoolOptions options, QObject *parent)
    : QObject(parent), d(std::make_unique<detail::PoolPrivate>(*this, std::move(options)))
{
    registerMetaTypes();
    detail::Registry::instance().add(this);
    if (auto *app = QCoreApplication::instance(); app && !d->options.keepRunningOnQuit) {
        // A quitting application must not wait for a long queue: pending jobs are left
        // (listed, as after shutdownChildren()), running ones end, then the destructor
        // returns. Direct: aboutToQuit is emitted in the application's thread, and the
        // pool may live in another one.
        connect(
                app, &QCoreApplication::aboutToQuit, this,
                [this] { d->shutdownChildren(detail::StopCause::ApplicationQuit); },
                Qt::DirectConnection);
    }
}

Pool::~Pool()
{
    if (d->onOwnThread())
        qFatal("FastThreadPool::Pool destroyed from its own thread %s (a job or a callback of "
               "this pool): it would wait for that very thread. Destroy it from another "
               "thread (deleteLater() from a job is fine)",
               qPrintable(QThread::currentThread()->objectName()));
    detail::Registry::instance().remove(this);
    // Again while a job restarted the pool meanwhile (clear() and a submit): no thread may
    // outlive the pool.
    do {
        d->shutdown(QDeadlineTimer(QDeadlineTimer::Forever), false);
    } while (d->workers().hasLiveThreads());
}

JobId Pool::submitTask(detail::Task &&task, detail::Placement where, const char *caller)
{
    return d->submit(std::move(task), where, caller);
}

void Pool::submitTasks(std::vector<detail::Task> &tasks, const char *caller)
{
    d->submitBatch(tasks, caller);
}

void Pool::startMapThreads(int count, const detail::MapBody &body, const char *caller)
{
    Q_UNUSED(caller);
    d->startMapThreads(count, body);
}

int Pool::directMapThreads() const noexcept { return d->workers().directMapThreads(); }

detail::MapCounters &Pool::mapCounters() noexcept { return d->mapCounters(); }

void Pool::requireRunning(const char *caller) const { d->requireRunning(caller); }

AsCompleted Pool::asCompleted() { return asCompleted(QDeadlineTimer(QDeadlineTimer::Forever)); }

namespace {
void requireQueues(const detail::PoolPrivate &d)
{
    if (d.delivery().hasCallbacks())
        throw PoolCallback("Pool::asCompleted: results go to the done/failed callbacks of "
                           "this pool, not to its queues");
}
} // namespace

AsCompleted Pool::asCompleted(QDeadlineTimer deadline)
{
    requireQueues(*d);
    if (deadline.isForever() && d->onJobThread())
        throw WouldDeadlock("Pool::asCompleted: called from a job of this pool without a "
                            "deadline; the range would never end while that job runs");
    return AsCompleted(*this, AsCompleted::Mode::Wait, deadline);
}

AsCompleted Pool::asCompleted(NoWaitT)
{
    requireQueues(*d);
    return AsCompleted(*this, AsCompleted::Mode::Now, QDeadlineTimer(QDeadlineTimer::Forever));
}

std::optional<Completion> AsCompleted::next()
{
    return m_pool->nextCompletion(m_mode == Mode::Wait, m_deadline);
}

std::optional<Completion> Pool::nextCompletion(bool wait, QDeadlineTimer deadline)
{
    return d->nextCompletion(wait, deadline);
}

bool Pool::cancel(JobId id) { return d->cancel(id); }

bool Pool::cancelAll(CancelRunning running) { return d->cancelAll(running == CancelRunning::Yes); }

TimerId Pool::startTimer(detail::TimerSpec &&spec) { return d->startTimer(std::move(spec)); }

std::chrono::nanoseconds Pool::delayUntil(const QDateTime &time, const char *caller)
{
    if (!time.isValid())
        throw std::invalid_argument(std::string(caller) + ": the time is not a valid QDateTime");
    // In ms first (a QDateTime spans far more than the clocks' ns), then saturated to ns.
    const std::int64_t ms
            = detail::saturatingSub(time.toMSecsSinceEpoch(), QDateTime::currentMSecsSinceEpoch());
    return std::chrono::nanoseconds(detail::saturatingMul(ms, 1'000'000));
}

std::chrono::nanoseconds Pool::delayUntil(std::chrono::system_clock::time_point time)
{
    const auto ns = [](std::chrono::system_clock::time_point t) {
        return detail::saturatingNanoseconds(t.time_since_epoch(), "Pool::submitDoneAt", "the time")
                .count();
    };
    return std::chrono::nanoseconds(
            detail::saturatingSub(ns(time), ns(std::chrono::system_clock::now())));
}

bool Pool::cancel(TimerId timer) { return d->cancelTimer(timer); }

void Pool::cancelTimers() { d->cancelTimers(); }

QList<TimerId> Pool::delayed() const { return d->scheduler().delayed(); }

QList<TimerId> Pool::scheduled() const { return d->scheduler().scheduled(); }

bool Pool::shutdown(QDeadlineTimer deadline, bool soon) { return d->shutdown(deadline, soon); }

bool Pool::join(QDeadlineTimer deadline) { return d->shutdown(deadline, false); }

void Pool::shutdownChildren() { d->shutdownChildren(); }

int Pool::cleanupChildren() { return d->workers().cleanup(); }

void Pool::clear() { d->clear(); }

bool Pool::waitIdle(QDeadlineTimer deadline) { return d->waitIdle(deadline); }

int Pool::maxChildren() const noexcept { return d->workers().maxChildren(); }

int Pool::alive() const noexcept { return d->workers().alive(); }

QList<QThread *> Pool::childThreads() const { return d->workers().threads(); }

int Pool::childCount() const { return d->workers().count(); }

int Pool::busy() const { return d->workers().busyChildren(false) + d->workers().mapThreadsBusy(); }

qint64 Pool::pending() const { return qint64(d->unfinishedJobs()) + d->workers().mapThreadsBusy(); }

QList<JobId> Pool::jobs() const { return d->pendingIds(); }

bool Pool::isShutdown() const noexcept { return d->workers().isShutdown(); }

ResultQueue<Result> &Pool::done() noexcept { return d->delivery().done(); }

ResultQueue<Failure> &Pool::failed() noexcept { return d->delivery().failed(); }

qsizetype Pool::doneQueued() const noexcept { return d->delivery().done().size(); }

qsizetype Pool::failedQueued() const noexcept { return d->delivery().failed().size(); }

quint64 Pool::submitted() const noexcept { return d->submittedJobs(); }

quint64 Pool::completed() const { return d->completedJobs(); }

quint64 Pool::cancelled() const { return d->cancelledJobs(); }

bool Pool::suspend()
{
    const bool changed = d->suspend();
    if (changed)
        emit suspendedChanged(true);
    return changed;
}

bool Pool::resume()
{
    const bool changed = d->resume();
    if (changed)
        emit suspendedChanged(false);
    return changed;
}

bool Pool::isSuspended() const noexcept { return d->suspension().isSuspended(); }

bool Pool::event(QEvent *event)
{
    if (event->type() == detail::Wakeup::eventType()) {
        d->delivery().signalPump().onWakeup();
        return true;
    }
    return QObject::event(event);
}

void Pool::timerEvent(QTimerEvent *event)
{
    if (!d->delivery().signalPump().onTimer(event->timerId()))
        QObject::timerEvent(event);
}

void Pool::connectNotify(const QMetaMethod &signal)
{
    d->delivery().signalPump().signalConnected(detail::PoolSignals::wantOf(signal));
}

void Pool::disconnectNotify(const QMetaMethod &signal)
{
    d->delivery().signalPump().signalDisconnected(detail::PoolSignals::wantOf(signal));
}

QDebug operator<<(QDebug debug, const Pool &pool)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "FastThreadPool::Pool(maxChildren=" << pool.maxChildren()
                    << ", alive=" << pool.alive() << ", busy=" << pool.busy()
                    << ", pending=" << pool.pending();
    if (!pool.objectName().isEmpty())
        debug << ", name=" << pool.objectName();
    if (pool.isShutdown())
        debug << ", shutdown";
    debug << ')';
    return debug;
}

bool shutdownAll(bool now) { return detail::Registry::instance().shutdownAll(now); }

} // namespace FastThreadPool
