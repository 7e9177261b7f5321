// Public detail: the job behind Pool::submitFuture(), which reports to a QPromise instead of
// the pool's queues.
#pragma once

#include <fastthreadpool/detail/jobcontext.h>

#include <QtCore/qfuture.h>
#include <QtCore/qpromise.h>

#include <exception>
#include <functional>
#include <tuple>
#include <type_traits>
#include <utility>

namespace FastThreadPool::detail {

template<class R, class F, class... Args>
class FutureJob
{
public:
    template<class G, class... A>
    explicit FutureJob(G &&fn, A &&...args)
        : m_fn(std::forward<G>(fn)), m_args(std::forward<A>(args)...)
    { }

    QFuture<R> future() { return m_promise.future(); }

    void operator()(JobContext &)
    {
        m_promise.start();
        // A future cancelled before its job started: the function does not run.
        if (!m_promise.isCanceled()) {
            try {
                if constexpr (std::is_void_v<R>)
                    std::apply(m_fn, std::move(m_args));
                else
                    m_promise.addResult(std::apply(m_fn, std::move(m_args)));
            } catch (...) {
                m_promise.setException(std::current_exception()); // keeps its type
            }
        }
        m_promise.finish();
    }
    // A job dropped unstarted destroys its promise unfinished: QPromise cancels the future.

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
