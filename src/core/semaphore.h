// Public: FastThreadPool::Semaphore, the counting semaphore of the Python API.
#pragma once

#include <fastthreadpool/fastthreadpool_export.h>
#include <fastthreadpool/detail/saturating.h>

#include <QtCore/qdeadlinetimer.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>

QT_BEGIN_NAMESPACE
class QDebug;
QT_END_NAMESPACE

namespace FastThreadPool {

/*!
    A counting semaphore whose uncontended acquire and release cost one atomic operation
    each and whose waiters sleep in the kernel (a futex) after a short bounded spin.

    Guarantees:
    - value() is never negative and equals the permits available now.
    - Each release() of one permit wakes at most one waiter and, when someone waits,
      exactly one: N waiters are woken by N single releases and the value ends at 0.
    - A release does a system call only when a waiter is asleep.
    - acquire(false) on a zero value returns false and changes nothing.

    Thread safety: every function may be called from any thread at any time.
    Usable with std::lock_guard / std::scoped_lock / std::unique_lock (lock, unlock,
    try_lock): a guard acquires on entry and releases on exit, as Python's context protocol.
*/
class FASTTHREADPOOL_EXPORT Semaphore
{
public:
    //! Starts with `value` permits. Throws std::invalid_argument if `value` is negative.
    explicit Semaphore(int value = 1);
    Semaphore(const Semaphore &) = delete;
    Semaphore &operator=(const Semaphore &) = delete;
    ~Semaphore() = default;

    /*!
        Takes one permit. Blocking (the default): waits as long as needed and returns true.
        Non-blocking: returns true if a permit was taken, false at once if none was there.
    */
    bool acquire(bool blocking = true)
    {
        if (tryTakePermit())
            return true;
        return blocking && acquireSlow(nullptr);
    }

    //! Takes one permit, waiting until `deadline` at most. Returns false at the deadline.
    [[nodiscard]] bool tryAcquire(QDeadlineTimer deadline);

    //! As tryAcquire(QDeadlineTimer), for a std::chrono timeout of any type; a timeout
    //! beyond the clock's range waits as long as needed. Throws std::invalid_argument for a
    //! floating-point NaN.
    template<class Rep, class Period>
    [[nodiscard]] bool tryAcquireFor(std::chrono::duration<Rep, Period> timeout)
    {
        using namespace std::chrono;
        const nanoseconds wait
                = detail::saturatingNanoseconds(timeout, "Semaphore::tryAcquireFor", "the timeout");
        const nanoseconds now = duration_cast<nanoseconds>(steady_clock::now().time_since_epoch());
        const nanoseconds until(detail::saturatingAdd(now.count(), wait.count()));
        return tryAcquireUntil(
                steady_clock::time_point(duration_cast<steady_clock::duration>(until)));
    }
    //! As tryAcquire(QDeadlineTimer), for a steady-clock time point.
    [[nodiscard]] bool tryAcquireUntil(std::chrono::steady_clock::time_point deadline);

    /*!
        Adds `n` permits and wakes up to `n` waiters. Throws std::invalid_argument if `n` is
        negative or the value would exceed INT_MAX (then nothing is added, and no thread
        ever saw the permits); release(0) does nothing.
    */
    void release(int n = 1)
    {
        if (n <= 0) {
            releaseChecked(n); // negative throws, 0 does nothing
            return;
        }
        // relaxed: a first guess for the CAS, which carries the ordering.
        std::int64_t old = m_count.load(std::memory_order_relaxed);
        do {
            // Checked before adding: no other thread ever sees (or takes) permits of a
            // release that throws.
            if (old > std::int64_t(INT_MAX) - n)
                throwOverflow(n);
            // release: publishes what this thread wrote to whoever takes the permit.
        } while (!m_count.compare_exchange_weak(old, old + n, std::memory_order_release,
                                                std::memory_order_relaxed));
        if (old < 0)
            wakeWaiters(old, n);
    }

    //! The permits available now (a snapshot; never negative).
    [[nodiscard]] int value() const noexcept;

    // Lockable, so standard guards work: acquire on lock, release on unlock.
    void lock() { acquire(true); }
    void unlock() { release(1); }
    [[nodiscard]] bool try_lock() { return acquire(false); }

private:
    bool tryTakePermit() noexcept
    {
        // relaxed: a hint for the CAS below, which carries the ordering.
        std::int64_t c = m_count.load(std::memory_order_relaxed);
        while (c > 0) {
            // acquire: what the releaser wrote before release() becomes visible to us.
            if (m_count.compare_exchange_weak(c, c - 1, std::memory_order_acquire,
                                              std::memory_order_relaxed))
                return true;
        }
        return false;
    }
    bool acquireSlow(const std::chrono::steady_clock::time_point *deadline);
    void releaseChecked(int n);
    [[noreturn]] static void throwOverflow(int n);
    void wakeWaiters(std::int64_t old, int n);
    bool takeToken(const std::chrono::steady_clock::time_point *deadline) noexcept;
    bool tryTakeToken() noexcept;

    // Permits minus committed waiters: negative means that many threads are owed a token.
    alignas(64) std::atomic<std::int64_t> m_count;
    // Tokens handed by release() to committed waiters; the futex word they sleep on.
    std::atomic<std::uint32_t> m_tokens{0};
    // Committed waiters inside (or entering) the futex sleep; release() wakes only if > 0.
    std::atomic<std::uint32_t> m_sleepers{0};
};

FASTTHREADPOOL_EXPORT QDebug operator<<(QDebug debug, const Semaphore &semaphore);

} // namespace FastThreadPool
