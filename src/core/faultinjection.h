// Private: failures a test can inject where the system can fail, to prove that the pool
// reports them clearly and recovers. Compiled in only with FASTTHREADPOOL_FAULT_INJECTION
// (a test-only build of the library); in every other build hit() is a constant false.
#pragma once

#if defined(FASTTHREADPOOL_FAULT_INJECTION)
#    include <functional>
#endif

namespace FastThreadPool::detail::fault {

enum class Point : int {
    ThreadStart, // a pool, map, callback or scheduler thread fails to start
    BlockAllocation, // the job store cannot allocate a block of job records
    // Pause points (a hook runs there; nothing fails): they let a test force an interleaving.
    SemaphoreTimedOut, // a timed Semaphore wait reached its deadline, before it withdraws
    SemaphoreCountedIn, // ...and found that a release() counted it in: a token is owed
    Count
};

#if defined(FASTTHREADPOOL_FAULT_INJECTION)
//! True (and one armed failure consumed) if a failure is armed at `point`.
bool hit(Point point) noexcept;
//! The next `count` passes of `point` fail (0 disarms).
void arm(Point point, int count) noexcept;
//! How often `point` failed since the last reset.
int hits(Point point) noexcept;
//! Disarms every point, removes the hooks and zeroes the counts.
void reset() noexcept;
//! Runs `hook` on every pass() of `point` (an empty hook removes it).
void setHook(Point point, std::function<void()> hook);
//! Runs the hook of `point`, if any (without holding any lock).
void pass(Point point);
#else
constexpr bool hit(Point) noexcept { return false; }
constexpr void pass(Point) noexcept { }
#endif

} // namespace FastThreadPool::detail::fault
