// Public: FastThreadPool::PoolOptions, the keyword arguments of Python's Pool(...).
#pragma once

#include <fastthreadpool/fastthreadpool_export.h>
#include <fastthreadpool/result.h>

#include <QtCore/qlogging.h>
#include <QtCore/qstring.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <type_traits>

QT_BEGIN_NAMESPACE
class QDebug;
class QThread;
QT_END_NAMESPACE

namespace FastThreadPool {

/*!
    What a Pool does with the results of submit(): keep them in done() (true, the default),
    discard them (false: Python's done_callback=False), or hand each one to a callback that
    runs on one dedicated thread named "ThreadPoolDone", in completion order.
*/
class DoneCallback
{
public:
    DoneCallback(bool keepResults = true) : m_keep(keepResults) { }
    DoneCallback(std::nullptr_t) { }
    template<class F>
    requires(
            std::is_invocable_v<
                    F &,
                    const Result
                            &> && !std::is_same_v<std::remove_cvref_t<F>, bool> && !std::is_same_v<std::remove_cvref_t<F>, DoneCallback>)
            DoneCallback(F &&callback)
        : m_callback(std::forward<F>(callback))
    { }

    bool keepsResults() const noexcept { return m_keep; }
    bool hasCallback() const noexcept { return static_cast<bool>(m_callback); }
    const std::function<void(const Result &)> &callback() const noexcept { return m_callback; }

private:
    bool m_keep = true;
    std::function<void(const Result &)> m_callback;
};

/*!
    Options of a Pool; an aggregate, so designated initializers read like Python keywords
    (every member has a default initializer, so -Wextra stays quiet about omitted ones):

        Pool pool({.maxChildren = 4, .resultId = true});

    Every callback may be called from a pool thread, never from the caller's.
*/
struct PoolOptions
{
    static constexpr int DefaultMaxChildren = -9999;

    //! <= -9999: the CPU count; > 0: that many; otherwise CPU count + value (must be >= 1).
    int maxChildren = DefaultMaxChildren;
    //! Child threads are named "<prefix>-0", "<prefix>-1", ...; empty means "ThreadPool".
    QString childNamePrefix{};
    //! Runs once in each new child, before its first job (capture init_args in the lambda).
    std::function<void(QThread *)> initCallback{};
    //! Runs once in each child as it ends.
    std::function<void(QThread *)> finishCallback{};
    //! Keep (default), discard, or hand every submit() result to a callback.
    DoneCallback doneCallback{};
    //! Receives every failure on one dedicated thread named "ThreadPoolFailed".
    std::function<void(const Failure &)> failedCallback{};
    //! Also log every failure at this level through the "fastthreadpool.failures" category.
    std::optional<QtMsgType> logLevel{};
    //! Result::id and Failure::id carry the job id (otherwise 0).
    bool resultId = false;
    //! Failure::details carries type, message, job id, function and stack.
    bool excStack = false;
    //! Failure::args carries the job's arguments.
    bool excArgs = false;
    //! > 0: at most this many results wait in done() (or for the done callback); workers
    //! pause until results are taken. 0: unbounded.
    int doneMax = 0;
    //! false (default): when the application quits (QCoreApplication::aboutToQuit) the pool
    //! stops taking jobs and cancels its timers, so that its destructor waits only for the
    //! jobs already running. true: the pool ignores the application quitting.
    bool keepRunningOnQuit = false;
};

/*!
    The number of children `maxChildren` means on this machine. Throws std::invalid_argument
    naming the value if it resolves below 1.
*/
FASTTHREADPOOL_EXPORT int resolveMaxChildren(int maxChildren);

FASTTHREADPOOL_EXPORT QDebug operator<<(QDebug debug, const PoolOptions &options);

} // namespace FastThreadPool
