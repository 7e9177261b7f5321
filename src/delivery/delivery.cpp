#include "delivery/delivery.h"

#include <QtCore/qdebug.h>

namespace FastThreadPool {

JobContext::JobContext(detail::Delivery &delivery, JobId id) noexcept
    : m_delivery(delivery),
      m_id(id),
      m_keepsValues(delivery.keepsValues()),
      m_capturesArgs(delivery.capturesArgs())
{
}

void JobContext::deliver(QVariant &&value, JobId id)
{
    m_delivery.deliver(std::move(value), id);
}

void JobContext::fail(std::exception_ptr error, JobId id, QVariantList &&args,
                      const detail::FunctionInfo &function) noexcept
{
    m_delivery.fail(error, id, std::move(args), function);
}

namespace detail {

Delivery::Delivery(const PoolOptions &options, EventCount &progress)
    : m_keepsValues(options.doneCallback.keepsResults()),
      m_capturesArgs(options.excArgs),
      m_resultIds(options.resultId),
      m_failureOptions{options.excStack},
      m_logLevel(options.logLevel),
      m_progress(progress),
      m_space(options.doneMax),
      m_done(&m_space),
      m_failed(nullptr)
{
    if (options.failedCallback) {
        m_failedThread = std::make_unique<CallbackThread<Failure>>(
                QStringLiteral("ThreadPoolFailed"),
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
    if (options.doneCallback.hasCallback()) {
        m_doneThread = std::make_unique<CallbackThread<Result>>(
                QStringLiteral("ThreadPoolDone"),
                [this, callback = options.doneCallback.callback()](Result &&result) {
                    try {
                        callback(result);
                    } catch (...) {
                        failCallback(std::current_exception(), "doneCallback");
                    }
                    m_space.release(1);
                });
    }
}

Delivery::~Delivery()
{
    // The done thread may still report into the failed one: stop it first.
    m_doneThread.reset();
    m_failedThread.reset();
}

void Delivery::deliver(QVariant &&value, JobId id)
{
    if (!m_keepsValues)
        return;
    Result result{m_resultIds ? id : 0, std::move(value)};
    m_space.acquire();
    if (m_doneThread) {
        m_doneThread->push(std::move(result));
    } else {
        m_done.push(std::move(result));
        m_progress.notifyAll();
    }
}

void Delivery::fail(std::exception_ptr error, JobId id, QVariantList &&args,
                    const FunctionInfo &function) noexcept
{
    try {
        Failure failure = makeFailure(error, id, std::move(args), function, m_failureOptions);
        if (!m_resultIds)
            failure.id = 0; // Failure::id follows resultId; the details keep the real id
        route(std::move(failure));
    } catch (...) {
        qCCritical(lcFailures) << "could not record the failure of job" << id;
    }
}

void Delivery::failCallback(std::exception_ptr error, const char *where) noexcept
{
    try {
        route(callbackFailure(error, where, m_failureOptions.details));
    } catch (...) {
        qCCritical(lcFailures) << "could not record the failure of" << where;
    }
}

void Delivery::route(Failure &&failure)
{
    if (m_logLevel)
        logFailure(*m_logLevel, failure);
    if (m_failedThread) {
        m_failedThread->push(std::move(failure));
    } else {
        m_failed.push(std::move(failure));
        m_progress.notifyAll();
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

void Delivery::clear()
{
    m_done.takeAll();
    m_failed.takeAll();
    m_space.close();
}

} // namespace detail
} // namespace FastThreadPool
