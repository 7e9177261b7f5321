// Private: the kernel wait primitive under Semaphore and EventCount.
// A futex sleeps on a 32-bit word only while it still holds the expected value, so a
// wake between "I will sleep" and the sleep itself is never lost.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace FastThreadPool::detail {

using SteadyTime = std::chrono::steady_clock::time_point;

// Sleeps while `word == expected`, until woken, or until `deadline` (steady clock, which is
// CLOCK_MONOTONIC, the clock of QDeadlineTimer). Returns false only when the deadline passed.
// Spurious returns are possible: callers re-check their condition in a loop.
bool futexWait(std::atomic<std::uint32_t> &word, std::uint32_t expected,
               const SteadyTime *deadline = nullptr) noexcept;

// Wakes up to `count` threads sleeping on `word`.
void futexWake(std::atomic<std::uint32_t> &word, int count) noexcept;

} // namespace FastThreadPool::detail
