#include "futex.h"

#include <climits>
#include <thread>

#if defined(__linux__)
#    include <cerrno>
#    include <ctime>
#    include <linux/futex.h>
#    include <sys/syscall.h>
#    include <unistd.h>
#endif

namespace FastThreadPool::detail {

#if defined(__linux__)

static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));

bool futexWait(std::atomic<std::uint32_t> &word, std::uint32_t expected,
               const SteadyTime *deadline) noexcept
{
    auto *addr = reinterpret_cast<std::uint32_t *>(&word);
    if (!deadline) {
        syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, expected, nullptr, nullptr, 0);
        return true;
    }
    // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC time: no drift across retries.
    const auto ns
            = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline->time_since_epoch())
                      .count();
    if (ns <= 0)
        return false;
    timespec abs{};
    abs.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
    abs.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    const long rc = syscall(SYS_futex, addr, FUTEX_WAIT_BITSET_PRIVATE, expected, &abs, nullptr,
                            FUTEX_BITSET_MATCH_ANY);
    return !(rc == -1 && errno == ETIMEDOUT);
}

void futexWake(std::atomic<std::uint32_t> &word, int count) noexcept
{
    syscall(SYS_futex, reinterpret_cast<std::uint32_t *>(&word), FUTEX_WAKE_PRIVATE, count, nullptr,
            nullptr, 0);
}

#else // portable fallback: correct, slower

bool futexWait(std::atomic<std::uint32_t> &word, std::uint32_t expected,
               const SteadyTime *deadline) noexcept
{
    if (!deadline) {
        word.wait(expected, std::memory_order_acquire); // acquire: as the Linux futex path
        return true;
    }
    while (word.load(std::memory_order_acquire) == expected) { // acquire: see above
        if (std::chrono::steady_clock::now() >= *deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    return true;
}

void futexWake(std::atomic<std::uint32_t> &word, int count) noexcept
{
    if (count == 1)
        word.notify_one();
    else
        word.notify_all();
}

#endif

} // namespace FastThreadPool::detail
