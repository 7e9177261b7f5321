#include "delivery/delivery.h"

#include <fastthreadpool/errors.h>

#include <QtCore/qdebug.h>

namespace FastThreadPool {

namespace detail {

namespace {
bool isJobCancelled(const std::exception_ptr &error) noexcept
{
    try {
        std::rethrow_exception(error);
    } catch (const JobCancelled &) {
        return true;
    } catch (...) {
        return false;
    }
}
} // namespace

void DeliveryContext::deliver(QVariant &&value, JobId id, bool toQueue)
{
    if (acceptValue()) // a job that a cancel reached first is cancelled: its value is dropped
        m_delivery.deliver(m_lanes, std::move(value), id, toQueue);
}

void DeliveryContext::fail(std::exception_ptr error, JobId id, QVariantList &&args,
                           const FunctionInfo &function) noexcept
{
    // ThisJob::checkCancelled() (or the job's own JobCancelled): cancelled, not failed.
    // Whatever a job throws after a cancel reached it is not a failure either.
    // A JobCancelled after the job handed over values (a generator) ends it completed.
    const bool stopped = isJobCancelled(error);
    if (stopped || isCancelled()) {
        settle(JobOutcome::Cancelled);
        if (stopped || outcome() == JobOutcome::Cancelled)
            return;
    }
    settle(JobOutcome::Completed);
    m_delivery.fail(m_lanes, std::move(error), id, std::move(args), function);
}

Failure DeliveryContext::describe(std::exception_ptr error, JobId id, const FunctionInfo &function)
{
    return m_delivery.describe(std::move(error), id, function);
}

void DeliveryContext::setProgress(int value, int maximum, const QString &text)
{
    m_delivery.progress(m_lanes, id(), value, maximum, text);
}

LaneQueue<Result>::Lane &ThreadLanes::acquireDone()
{
    m_doneQueue = &m_delivery.doneTarget();
    m_done = m_doneQueue->acquireLane();
    return *m_done;
}

LaneQueue<Failure>::Lane &ThreadLanes::acquireFailed()
{
    m_failedQueue = &m_delivery.failedTarget();
    m_failed = m_failedQueue->acquireLane();
    return *m_failed;
}

LaneQueue<Result>::Lane &ThreadLanes::acquireQueueDone()
{
    // Without a done callback the done target is the queue: one lane serves both.
    if (&m_delivery.doneTarget() == &m_delivery.queueTarget())
        return done();
    m_queueDone = m_delivery.queueTarget().acquireLane();
    return *m_queueDone;
}

JobEvents::Slot &ThreadLanes::acquireProgress()
{
    m_progress = &m_delivery.jobEvents().acquire();
    return *m_progress;
}

void ThreadLanes::release()
{
    if (m_progress)
        m_delivery.jobEvents().release(*std::exchange(m_progress, nullptr));
    if (m_queueDone)
        m_delivery.queueTarget().releaseLane(std::exchange(m_queueDone, nullptr));
    if (m_done)
        m_doneQueue->releaseLane(std::exchange(m_done, nullptr));
    if (m_failed)
        m_failedQueue->releaseLane(std::exchange(m_failed, nullptr));
}

Delivery::Delivery(const DeliveryOptions &options, EventCount &arrivals, SignalTarget &target,
                   const void *owner)
    : m_keepsValues(options.keepResults)
    , m_capturesArgs(options.excArgs)
    , m_resultIds(options.resultIds)
    , m_failureOptions{options.excStack}
    , m_logLevel(options.logLevel)
    , m_arrivals(arrivals)
    , m_space(options.doneMax)
    , m_done(&m_space)
    , m_failed(nullptr)
    , m_signalPump(target, *this)
{
    if (options.failedCallback) {
        m_failedThread = std::make_unique<CallbackThread<Failure>>(
                QStringLiteral("ThreadPoolFailed"), owner,
                [callback = options.failedCallback](Failure &&failure) {
                    try {
                        callback(failure);
                    } catch (...) {
                        // Nowhere left to route it: say so rather than lose it silently.
                        qCWarning(lcFailures).noquote()
                                << "failedCallback threw while handling" << failure.toString();
                    }
                });
    }
    if (options.doneCallback) {
        m_doneThread = std::make_unique<CallbackThread<Result>>(
                QStringLiteral("ThreadPoolDone"), owner,
                [this, callback = options.doneCallback](Result &&result) {
                    try {
                        callback(result);
                    } catch (...) {
                        failCallback(m_doneThreadLanes, std::current_exception(), "doneCallback");
                    }
                    m_space.release(1);
                });
    }
}

Delivery::~Delivery()
{
    // The done thread may still report into the failed target: stop it first, then give
    // its lanes back while their queues still exist.
    m_doneThread.reset();
    m_doneThreadLanes.release();
    m_elsewhereLanes.release();
    m_failedThread.reset();
}

LaneQueue<Result> &Delivery::doneTarget() noexcept
{
    return m_doneThread ? m_doneThread->lanes() : m_done.lanes();
}

LaneQueue<Failure> &Delivery::failedTarget() noexcept
{
    return m_failedThread ? m_failedThread->lanes() : m_failed.lanes();
}

void Delivery::deliver(ThreadLanes &lanes, QVariant &&value, JobId id, bool toQueue)
{
    if (!m_keepsValues && !toQueue)
        return;
    m_space.acquire();
    if (m_doneThread && !toQueue) {
        lanes.done().emplace(m_resultIds ? id : 0, std::move(value));
        m_doneThread->published();
    } else {
        lanes.queueDone().emplace(m_resultIds ? id : 0, std::move(value));
        m_done.published();
        m_arrivals.notifyAll();
        m_signalPump.poke(Wakeup::Results);
    }
}

void Delivery::fail(ThreadLanes &lanes, std::exception_ptr error, JobId id, QVariantList &&args,
                    const FunctionInfo &function) noexcept
{
    try {
        Failure failure
                = makeFailure(std::move(error), id, std::move(args), function, m_failureOptions);
        if (!m_resultIds)
            failure.id = 0; // Failure::id follows resultId; the details keep the real id
        route(lanes, std::move(failure));
    } catch (...) {
        qCCritical(lcFailures) << "could not record the failure of job" << id;
    }
}

Failure Delivery::describe(std::exception_ptr error, JobId id, const FunctionInfo &function)
{
    Failure failure = makeFailure(std::move(error), id, {}, function, m_failureOptions);
    if (m_logLevel)
        logFailure(*m_logLevel, failure);
    return failure;
}

void Delivery::failCallback(ThreadLanes &lanes, std::exception_ptr error,
                            const char *where) noexcept
{
    try {
        route(lanes, callbackFailure(std::move(error), where, m_failureOptions.details));
    } catch (...) {
        qCCritical(lcFailures) << "could not record the failure of" << where;
    }
}

void Delivery::failElsewhere(std::exception_ptr error, const char *where) noexcept
{
    try {
        std::lock_guard lock(m_elsewhereMutex);
        route(m_elsewhereLanes, callbackFailure(std::move(error), where, m_failureOptions.details));
    } catch (...) {
        qCCritical(lcFailures) << "could not record the failure of" << where;
    }
}

void Delivery::route(ThreadLanes &lanes, Failure &&failure)
{
    if (m_logLevel)
        logFailure(*m_logLevel, failure);
    lanes.failed().emplace(std::move(failure));
    if (m_failedThread) {
        m_failedThread->published();
    } else {
        m_failed.published();
        m_arrivals.notifyAll();
        m_signalPump.poke(Wakeup::Failures);
    }
}

bool Delivery::stopCallbackThreads(QDeadlineTimer deadline)
{
    bool stopped = true;
    if (m_doneThread)
        stopped = m_doneThread->stop(deadline);
    if (m_failedThread && stopped)
        stopped = m_failedThread->stop(deadline);
    return stopped;
}

void Delivery::clearQueues()
{
    m_done.takeAll();
    m_failed.takeAll();
}

} // namespace detail
} // namespace FastThreadPool
