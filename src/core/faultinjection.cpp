#include "core/faultinjection.h"

#if defined(FASTTHREADPOOL_FAULT_INJECTION)

#    include <atomic>
#    include <mutex>

namespace FastThreadPool::detail::fault {

namespace {
constexpr int kPoints = int(Point::Count);
// relaxed everywhere: a test arms a point before the call it wants to fail and reads the
// counts after joining whatever it started; no other data hangs on these.
std::atomic<int> g_armed[kPoints];
std::atomic<int> g_hits[kPoints];
std::mutex g_hookMutex;
std::function<void()> g_hooks[kPoints];
} // namespace

bool hit(Point point) noexcept
{
    std::atomic<int> &armed = g_armed[int(point)];
    int left = armed.load(std::memory_order_relaxed);
    while (left > 0) {
        if (armed.compare_exchange_weak(left, left - 1, std::memory_order_relaxed)) {
            g_hits[int(point)].fetch_add(1, std::memory_order_relaxed);
            return true;
        }
    }
    return false;
}

void arm(Point point, int count) noexcept
{
    g_armed[int(point)].store(count, std::memory_order_relaxed);
}

int hits(Point point) noexcept { return g_hits[int(point)].load(std::memory_order_relaxed); }

void reset() noexcept
{
    for (int i = 0; i < kPoints; ++i) {
        g_armed[i].store(0, std::memory_order_relaxed);
        g_hits[i].store(0, std::memory_order_relaxed);
        setHook(Point(i), {});
    }
}

void setHook(Point point, std::function<void()> hook)
{
    const std::lock_guard lock(g_hookMutex);
    g_hooks[int(point)] = std::move(hook);
}

void pass(Point point)
{
    std::function<void()> hook;
    {
        const std::lock_guard lock(g_hookMutex);
        hook = g_hooks[int(point)];
    }
    if (hook)
        hook(); // unlocked: a hook may wait for other threads that pass points too
}

} // namespace FastThreadPool::detail::fault

#endif
