// Public: FastThreadPool::AsCompleted, the range Pool::asCompleted() returns.
#pragma once

#include <fastthreadpool/fastthreadpool_export.h>
#include <fastthreadpool/result.h>

#include <QtCore/qdeadlinetimer.h>

#include <iterator>
#include <optional>

namespace FastThreadPool {

class Pool;

//! Tag for asCompleted(NoWait): what is there now, without waiting.
struct NoWaitT
{
    explicit NoWaitT() = default;
};
inline constexpr NoWaitT NoWait{};

/*!
    A lazy input range over the pool's results and failures as they arrive:

        for (const Completion &c : pool.asCompleted()) { ... }

    Each step takes one entry from done() or failed() (so the count semaphores stay equal
    to the queue lengths, and doneMax room is freed). Waiting for the next entry sleeps
    (no polling). The range ends when no job is pending or running and both queues are
    empty, or at the deadline, or (NoWait) when the queues are empty now.

    Iterate it on one thread; the pool must outlive it.
*/
class FASTTHREADPOOL_EXPORT AsCompleted
{
public:
    class iterator
    {
    public:
        using value_type = Completion;
        using difference_type = std::ptrdiff_t;

        iterator() = default;
        const Completion &operator*() const { return *m_current; }
        const Completion *operator->() const { return &*m_current; }
        iterator &operator++()
        {
            m_current = m_range->next();
            return *this;
        }
        void operator++(int) { ++*this; }
        friend bool operator==(const iterator &it, std::default_sentinel_t) noexcept
        {
            return !it.m_current;
        }

    private:
        friend class AsCompleted;
        explicit iterator(AsCompleted *range) : m_range(range), m_current(range->next()) { }
        AsCompleted *m_range = nullptr;
        std::optional<Completion> m_current;
    };

    iterator begin() { return iterator(this); }
    std::default_sentinel_t end() const noexcept { return {}; }

private:
    friend class Pool;
    enum class Mode { Wait, Now };
    AsCompleted(Pool &pool, Mode mode, QDeadlineTimer deadline) noexcept
        : m_pool(&pool), m_mode(mode), m_deadline(deadline)
    { }
    std::optional<Completion> next();

    Pool *m_pool;
    Mode m_mode;
    QDeadlineTimer m_deadline;
};

} // namespace FastThreadPool
