// Private: helpers for spin loops. cpuRelax() is one polite instruction (it lets the sibling
// hyper-thread run); spinningHelps() says whether waiting by spinning can pay off at all.
#pragma once

#if defined(__linux__)
#    include <sched.h>
#endif
#include <thread>

namespace FastThreadPool::detail {

inline void cpuRelax() noexcept
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    asm volatile("yield" ::: "memory");
#endif
}

//! False when this process may run on one CPU only (e.g. under `taskset -c 0`): whoever
//! we wait for then needs this very CPU, and every spin only delays it.
inline bool spinningHelps() noexcept
{
    static const bool helps = [] {
#if defined(__linux__)
        cpu_set_t set;
        if (sched_getaffinity(0, sizeof(set), &set) == 0)
            return CPU_COUNT(&set) > 1;
#endif
        return std::thread::hardware_concurrency() != 1;
    }();
    return helps;
}

} // namespace FastThreadPool::detail
