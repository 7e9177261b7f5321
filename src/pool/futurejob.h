// Public detail: the job behind Pool::submitFuture(), which reports to a QPromise instead of
// the pool's queues.
#pragma once

#include <fastthreadpool/detail/jobcontext.h>
#include <fastthreadpool/errors.h>

#include <QtCore/qfuture.h>
#include <QtCore/qpromise.h>

#include <exception>
#include <functional>
#include <tuple>
#include <type_traits>
#include <utility>

namespace FastThreadPool::detail {

/*!
    Runs the function into a QPromise. The promise is also the job's JobHooks while it runs:
    QFuture::cancel() reaches ThisJob::isCancelled(), ThisJob::setProgress() sets the
    future's progress, and a suspended future (QFuture::suspend()) holds the job in
    ThisJob::suspendIfRequested().
*/
template<class R, class F, class... Args>
class FutureJob final : public JobHooks
{
public:
    template<class G, class... A>
    explicit FutureJob(G &&fn, A &&...args)
        : m_fn(std::forward<G>(fn)), m_args(std::forward<A>(args)...)
    {
        // Started from the submit on, as QtConcurrent::run() does: QFuture::result() and
        // waitForFinished() return at once for a future that was not started.
        m_promise.start();
    }
    FutureJob(FutureJob &&) noexcept = default;
    FutureJob &operator=(FutureJob &&) = delete;
    ~FutureJob() = default;

    QFuture<R> future() { return m_promise.future(); }

    void operator()(JobContext &context)
    {
        context.setHooks(this);
        // A future cancelled before its job started: the function does not run.
        if (!context.isCancelled()) {
            try {
                if constexpr (std::is_void_v<R>) {
                    std::apply(m_fn, std::move(m_args));
                } else {
                    R value = std::apply(m_fn, std::move(m_args));
                    if (!context.isCancelled()) // a cancelled job's value is dropped
                        m_promise.addResult(std::move(value));
                }
            } catch (const JobCancelled &) {
                // ThisJob::checkCancelled(): the job ends cancelled (below).
            } catch (...) {
                if (!context.isCancelled()) // what it throws after a cancel is no failure
                    m_promise.setException(std::current_exception()); // keeps its type
            }
        }
        const bool cancelled = context.isCancelled();
        context.setHooks(nullptr);
        context.settle(cancelled ? JobOutcome::Cancelled : JobOutcome::Completed);
        if (cancelled && !m_promise.isCanceled())
            m_promise.future().cancel(); // the pool's cancel request ends the future cancelled
        m_promise.finish();
    }
    // A job dropped unstarted destroys its promise unfinished: QPromise cancels the future.

    bool isCancelled() const noexcept override { return m_promise.isCanceled(); }
    void setProgress(int value, int maximum, const QString &text) override
    {
        m_promise.setProgressRange(0, maximum);
        m_promise.setProgressValueAndText(value, text);
    }
    void suspendIfRequested() override { m_promise.suspendIfRequested(); }

private:
    QPromise<R> m_promise;
    F m_fn;
    std::tuple<Args...> m_args;
};

template<class F, class... Args>
auto makeFutureJob(F &&fn, Args &&...args)
{
    static_assert(std::is_invocable_v<std::decay_t<F> &, std::decay_t<Args>...>,
                  "the function cannot be called with these arguments");
    using R = std::remove_cvref_t<std::invoke_result_t<std::decay_t<F> &, std::decay_t<Args>...>>;
    return FutureJob<R, std::decay_t<F>, std::decay_t<Args>...>(std::forward<F>(fn),
                                                                std::forward<Args>(args)...);
}

} // namespace FastThreadPool::detail
