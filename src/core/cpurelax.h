// Private: one polite instruction for spin loops (lets the sibling hyper-thread run).
#pragma once

namespace FastThreadPool::detail {

inline void cpuRelax() noexcept
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    asm volatile("yield" ::: "memory");
#endif
}

} // namespace FastThreadPool::detail
