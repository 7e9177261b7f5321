#include <fastthreadpool/semaphore.h>

#include "core/cpurelax.h"
#include "core/faultinjection.h"
#include "core/futex.h"

#include <QtCore/qdebug.h>

#include <algorithm>
#include <climits>
#include <stdexcept>
#include <string>

namespace FastThreadPool {

using detail::SteadyTime;

namespace {
// Spinning for a permit before committing to sleep: a futex sleep/wake round trip costs
// about 6 us on the target machines, a cache-line hand-over about 70 ns, so a few
// microseconds of polite spinning catch a prompt release without a system call.
constexpr int kSpinBeforeSleep = 256;
// How long a timed-out waiter that was counted in sleeps for its token before it looks at
// the count again (see acquireSlow()).
constexpr std::chrono::microseconds kOwedTokenSlice{100};
} // namespace

Semaphore::Semaphore(int value) : m_count(value)
{
    if (value < 0)
        throw std::invalid_argument("Semaphore: the initial value must not be negative (got "
                                    + std::to_string(value) + ")");
}

bool Semaphore::tryAcquire(QDeadlineTimer deadline)
{
    if (deadline.isForever())
        return acquire(true);
    return tryAcquireUntil(deadline.deadline<std::chrono::steady_clock>());
}

bool Semaphore::tryAcquireUntil(std::chrono::steady_clock::time_point deadline)
{
    if (tryTakePermit())
        return true;
    return acquireSlow(&deadline);
}

bool Semaphore::acquireSlow(const SteadyTime *deadline)
{
    const int spins = detail::spinningHelps() ? kSpinBeforeSleep : 0;
    for (int i = 0; i < spins; ++i) {
        detail::cpuRelax();
        if (tryTakePermit())
            return true;
        if (deadline && (i & 31) == 31 && std::chrono::steady_clock::now() >= *deadline)
            return false;
    }
    // Commit: from here a release() owes this thread a token.
    // acquire: pairs with the release in release() when a permit is taken directly.
    if (m_count.fetch_sub(1, std::memory_order_acquire) > 0)
        return true;
    if (takeToken(deadline))
        return true;
    detail::fault::pass(detail::fault::Point::SemaphoreTimedOut);
    // Timed out. Withdraw the commitment unless a release() already counted us in; then a
    // token is owed to us, but tokens are not addressed: a waiter that committed since may
    // take it, and the count then shows a waiter again, which is us. So wait for a token in
    // short slices and withdraw as soon as the count shows a waiter: never wait unbounded.
    for (;;) {
        // relaxed: the CAS only restores the counter; no data is published by withdrawing.
        std::int64_t c = m_count.load(std::memory_order_relaxed);
        while (c < 0) {
            if (m_count.compare_exchange_weak(c, c + 1, std::memory_order_relaxed))
                return false;
        }
        detail::fault::pass(detail::fault::Point::SemaphoreCountedIn);
        // The releaser adds the token right after counting us in: the slice is rarely used.
        const SteadyTime slice = std::chrono::steady_clock::now() + kOwedTokenSlice;
        if (takeToken(&slice))
            return true;
    }
}

bool Semaphore::tryTakeToken() noexcept
{
    // relaxed: a hint for the CAS.
    std::uint32_t t = m_tokens.load(std::memory_order_relaxed);
    while (t > 0) {
        // acquire: pairs with release()'s token increment, which follows its count update.
        if (m_tokens.compare_exchange_weak(t, t - 1, std::memory_order_acquire,
                                           std::memory_order_relaxed))
            return true;
    }
    return false;
}

bool Semaphore::takeToken(const SteadyTime *deadline) noexcept
{
    for (;;) {
        if (tryTakeToken())
            return true;
        // seq_cst: announce the sleep before re-reading the tokens (Dekker pair with
        // release(), which adds tokens and then reads m_sleepers, both seq_cst).
        m_sleepers.fetch_add(1, std::memory_order_seq_cst);
        bool inTime = true;
        if (m_tokens.load(std::memory_order_seq_cst) == 0)
            inTime = detail::futexWait(m_tokens, 0, deadline);
        // relaxed: leaving only makes a later wake-up unnecessary; nothing to publish.
        m_sleepers.fetch_sub(1, std::memory_order_relaxed);
        if (!inTime)
            return tryTakeToken();
    }
}

void Semaphore::releaseChecked(int n)
{
    if (n < 0)
        throw std::invalid_argument("Semaphore::release: n must not be negative (got "
                                    + std::to_string(n) + ")");
    // n == 0: nothing to do
}

void Semaphore::throwOverflow(int n)
{
    throw std::invalid_argument("Semaphore::release: the value would exceed INT_MAX (releasing "
                                + std::to_string(n) + ")");
}

void Semaphore::wakeWaiters(std::int64_t old, int n)
{
    // Committed waiters are owed tokens: as many as we released, at most as many as wait.
    const auto owed = static_cast<std::uint32_t>(std::min<std::int64_t>(-old, n));
    // seq_cst: Dekker pair with takeToken() (tokens first, then read the sleepers).
    m_tokens.fetch_add(owed, std::memory_order_seq_cst);
    if (m_sleepers.load(std::memory_order_seq_cst) > 0)
        detail::futexWake(m_tokens, static_cast<int>(owed));
}

int Semaphore::value() const noexcept
{
    // relaxed: a snapshot for display and tests; it orders nothing.
    return static_cast<int>(
            std::clamp<std::int64_t>(m_count.load(std::memory_order_relaxed), 0, INT_MAX));
}

QDebug operator<<(QDebug debug, const Semaphore &semaphore)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "FastThreadPool::Semaphore(value=" << semaphore.value() << ')';
    return debug;
}

} // namespace FastThreadPool
