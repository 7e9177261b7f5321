// Public: FastThreadPool::ResultQueue, the done and failed queues of a Pool.
#pragma once

#include <fastthreadpool/fastthreadpool_export.h>
#include <fastthreadpool/result.h>
#include <fastthreadpool/semaphore.h>

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qlist.h>

#include <memory>
#include <optional>

namespace FastThreadPool {

namespace detail {
class Delivery;
class SpaceGate;
template<class T>
class LaneQueue;
} // namespace detail

/*!
    A thread-safe, lock-free queue of Result (Pool::done()) or Failure (Pool::failed())
    entries, filled by the pool's workers.

    Every entry taken through this API decrements count(), so count().value() always equals
    size(). Taking entries also frees room under PoolOptions::doneMax.

    Thread safety: every function may be called from any thread. Entries from one worker
    keep their order; entries from different workers interleave.
*/
template<class T>
class FASTTHREADPOOL_EXPORT ResultQueue
{
public:
    ~ResultQueue();
    ResultQueue(const ResultQueue &) = delete;
    ResultQueue &operator=(const ResultQueue &) = delete;

    //! Takes the oldest entry if there is one; never waits.
    [[nodiscard]] std::optional<T> tryTake();
    //! Waits for an entry until `deadline`; std::nullopt at the deadline.
    [[nodiscard]] std::optional<T> take(QDeadlineTimer deadline
                                        = QDeadlineTimer(QDeadlineTimer::Forever));
    /*!
        Takes an entry whose permit the caller already acquired from count(), the Python
        idiom `done_cnt.acquire(); done.popleft()`. Calling it without holding a permit
        is a logic error: it throws std::logic_error if the queue is empty.
    */
    [[nodiscard]] T takeReserved();
    //! Takes every entry there is now.
    QList<T> takeAll();
    //! Takes the oldest entries there are now, at most `max` of them; never waits.
    QList<T> takeUpTo(qsizetype max);
    //! The number of entries (equals count().value()).
    [[nodiscard]] qsizetype size() const noexcept;
    [[nodiscard]] bool isEmpty() const noexcept { return size() == 0; }
    //! The semaphore counting the entries: wait on it for results without polling.
    Semaphore &count() noexcept;

private:
    friend class detail::Delivery;
    explicit ResultQueue(detail::SpaceGate *space);
    detail::LaneQueue<T> &lanes() noexcept;
    void published() noexcept; // an entry was pushed on one of lanes()
    T popReserved();

    struct Impl;
    std::unique_ptr<Impl> d;
};

extern template class ResultQueue<Result>;
extern template class ResultQueue<Failure>;

} // namespace FastThreadPool
