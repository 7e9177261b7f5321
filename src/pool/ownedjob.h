// Public detail: the job behind Pool::submitFor(), which belongs to a QObject: it never runs
// once its owner is gone, sees the owner's destruction as a cancel while it runs, and hands
// its value (or its failure) to a continuation in the owner's thread.
#pragma once

#include <fastthreadpool/detail/invoke.h>
#include <fastthreadpool/detail/jobcontext.h>
#include <fastthreadpool/errors.h>
#include <fastthreadpool/fastthreadpool_export.h>
#include <fastthreadpool/result.h>

#include <QtCore/qobject.h>
#include <QtCore/qpromise.h>

#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <tuple>
#include <type_traits>
#include <utility>

namespace FastThreadPool {

//! The failure handler of Pool::submitFor(): onFailed(handler) wraps a callable taking a
//! const Failure &.
template<class H>
struct FailureHandler
{
    H handler;
};
template<class H>
FailureHandler<std::decay_t<H>> onFailed(H &&handler)
{
    return {std::forward<H>(handler)};
}

namespace detail {

template<class T>
struct IsFailureHandler : std::false_type
{ };
template<class H>
struct IsFailureHandler<FailureHandler<H>> : std::true_type
{ };

//! Whether a pack of arguments starts with onFailed(...).
template<class... T>
struct StartsWithFailureHandler : std::false_type
{ };
template<class T, class... Rest>
struct StartsWithFailureHandler<T, Rest...> : IsFailureHandler<std::decay_t<T>>
{ };

/*!
    The tie between a job and its owner, shared by the job, the owner's destroyed() handler
    and the continuations posted to the owner. `gone` is set (under the mutex) while the
    owner is being destroyed, in its thread; a continuation is posted only under the mutex
    while the owner is not gone, so the owner is alive for the post.
*/
class FASTTHREADPOOL_EXPORT OwnerLink
{
public:
    //! Connects to `owner`'s destruction. Throws std::invalid_argument for a null owner.
    static std::shared_ptr<OwnerLink> make(const QObject *owner, const char *caller);
    ~OwnerLink();
    OwnerLink(const OwnerLink &) = delete;
    OwnerLink &operator=(const OwnerLink &) = delete;

    //! The owner was destroyed (or is being destroyed). relaxed: a flag the job polls.
    bool isGone() const noexcept { return m_gone.load(std::memory_order_relaxed); }
    //! Posts `call` to the owner's thread unless the owner is gone; false if it is. `call`
    //! runs there only while the owner still lives.
    bool post(std::function<void()> &&call);
    //! Drops the connection to the owner (the job ended, ran or not).
    void release() noexcept;

private:
    explicit OwnerLink(const QObject *owner) : m_owner(const_cast<QObject *>(owner)) { }
    void ownerDestroyed();

    std::mutex m_mutex; // orders `gone` with posting; held for a post, never for user code
    QObject *m_owner; // valid while !m_gone
    std::atomic<bool> m_gone{false};
    QMetaObject::Connection m_connection;
};

//! The result type of then(value) for a job returning R (then() for void).
template<class Then, class R>
struct ThenResult
{
    using type = std::invoke_result_t<Then &, R &&>;
};
template<class Then>
struct ThenResult<Then, void>
{
    using type = std::invoke_result_t<Then &>;
};

//! Pool::submitThen()'s continuation: calls then with the job's value and finishes
//! `promise` with its result, or with its exception.
template<class R, class Continued, class Then>
auto fulfilling(std::shared_ptr<QPromise<Continued>> promise, Then &&then)
{
    auto finish = [promise, then = std::forward<Then>(then)](auto &&...value) mutable {
        try {
            if constexpr (std::is_void_v<Continued>)
                std::invoke(then, std::forward<decltype(value)>(value)...);
            else
                promise->addResult(std::invoke(then, std::forward<decltype(value)>(value)...));
        } catch (...) {
            promise->setException(std::current_exception());
        }
        promise->finish();
    };
    if constexpr (std::is_void_v<R>)
        return [finish = std::move(finish)]() mutable { finish(); };
    else
        return [finish = std::move(finish)](R value) mutable { finish(std::move(value)); };
}

//! A caught exception as a Failure, described as the pool describes failures (excStack,
//! excArgs). `context` is the running job's.
FASTTHREADPOOL_EXPORT Failure describeFailure(JobContext &context, std::exception_ptr error,
                                              JobId id, const FunctionInfo &function);

/*!
    Runs fn(args...) and posts then(value) to the owner. A job whose owner is gone before it
    starts does not call fn; the owner's destruction while it runs is a cancel
    (ThisJob::isCancelled()), and then no continuation runs. A failure goes to onFailed in
    the owner's thread, or (without one) to the pool's failed path like any job's.
*/
template<class F, class Then, class OnFailed, class... Args>
class OwnedJob final : public JobHooks
{
public:
    template<class G, class T, class O, class... A>
    OwnedJob(std::shared_ptr<OwnerLink> link, G &&fn, T &&then, O &&failed, A &&...args)
        : m_link(std::move(link))
        , m_fn(std::forward<G>(fn))
        , m_then(std::forward<T>(then))
        , m_failed(std::forward<O>(failed))
        , m_args(std::forward<A>(args)...)
    { }
    OwnedJob(OwnedJob &&) noexcept = default;
    OwnedJob &operator=(OwnedJob &&) = delete;
    ~OwnedJob()
    {
        if (m_link)
            m_link->release();
    }

    void operator()(JobContext &context)
    {
        context.setHooks(this);
        if (!context.isCancelled()) {
            try {
                run(context);
            } catch (const JobCancelled &) {
                // ThisJob::checkCancelled(): cancelled (below).
            } catch (...) {
                if (!context.isCancelled())
                    reportFailure(context, std::current_exception());
            }
        }
        const bool cancelled = context.isCancelled();
        context.setHooks(nullptr);
        context.settle(cancelled ? JobOutcome::Cancelled : JobOutcome::Completed);
    }

    bool isCancelled() const noexcept override { return m_link->isGone(); }
    void setProgress(int, int, const QString &) override { }
    void suspendIfRequested() override { }

private:
    using R = std::invoke_result_t<F &, Args &...>;

    void run(JobContext &context)
    {
        if constexpr (std::is_void_v<R>) {
            std::apply(m_fn, m_args);
            if (!context.isCancelled())
                m_link->post([then = std::move(m_then)]() mutable { std::invoke(then); });
        } else {
            R value = std::apply(m_fn, m_args);
            if (!context.isCancelled())
                m_link->post([then = std::move(m_then), value = std::move(value)]() mutable {
                    std::invoke(then, std::move(value));
                });
        }
    }

    void reportFailure(JobContext &context, std::exception_ptr error)
    {
        if constexpr (std::is_same_v<OnFailed, std::nullptr_t>) {
            context.fail(std::move(error), context.id(), {}, functionInfo(m_fn));
        } else {
            Failure failure
                    = describeFailure(context, std::move(error), context.id(), functionInfo(m_fn));
            m_link->post([failed = std::move(m_failed), failure = std::move(failure)]() mutable {
                std::invoke(failed, std::as_const(failure));
            });
        }
    }

    std::shared_ptr<OwnerLink> m_link;
    F m_fn;
    Then m_then;
    [[no_unique_address]] OnFailed m_failed;
    std::tuple<Args...> m_args;
};

} // namespace detail
} // namespace FastThreadPool
