// Private: the head of the job deque, for submitFirst: a lock-free LIFO (Treiber) stack.
// The top word packs the record pointer with a tag that changes on every update, so a pop
// that read a stale top fails its CAS instead of corrupting the stack (the ABA problem).
// Records are never freed while the pool lives (see JobStore), so reading a stale record's
// link is safe.
#pragma once

#include "core/jobrecord.h"

#include <atomic>
#include <cstdint>

namespace FastThreadPool::detail {

class HeadStack
{
public:
    void push(JobRecord *record) noexcept
    {
        // relaxed: a hint for the CAS, which publishes with release.
        std::uint64_t top = m_top.load(std::memory_order_relaxed);
        do {
            // relaxed: published by the release CAS below.
            record->next.store(pointer(top), std::memory_order_relaxed);
        } while (!m_top.compare_exchange_weak(top, pack(record, top), std::memory_order_release,
                                              std::memory_order_relaxed));
    }

    JobRecord *pop() noexcept
    {
        // acquire: the pushed record's contents and `next` are visible.
        std::uint64_t top = m_top.load(std::memory_order_acquire);
        JobRecord *record;
        while ((record = pointer(top))) {
            // relaxed: if the record changed meanwhile, the tagged CAS below fails.
            JobRecord *next = record->next.load(std::memory_order_relaxed);
            // acquire on both outcomes: we go on to read the (new) top record.
            if (m_top.compare_exchange_weak(top, pack(next, top), std::memory_order_acquire,
                                            std::memory_order_acquire))
                break;
        }
        return record;
    }

    bool empty() const noexcept
    {
        return !pointer(m_top.load(std::memory_order_relaxed)); // relaxed: a hint
    }

private:
    // x86-64 and AArch64 user pointers fit in 48 bits and records are 64-byte aligned, so
    // the low 6 and high 16 bits hold a 22-bit tag.
    static constexpr std::uint64_t kPointerMask = 0x0000'FFFF'FFFF'FFC0ull;
    static JobRecord *pointer(std::uint64_t word) noexcept
    {
        // The tagged word holds the pointer's bits: the cast is the point.
        // NOLINTNEXTLINE(performance-no-int-to-ptr)
        return reinterpret_cast<JobRecord *>(word & kPointerMask);
    }
    static std::uint64_t tagOf(std::uint64_t word) noexcept
    {
        return ((word >> 48) << 6) | (word & 0x3F);
    }
    static std::uint64_t pack(JobRecord *record, std::uint64_t previous) noexcept
    {
        const std::uint64_t tag = (tagOf(previous) + 1) & 0x3F'FFFF; // 22 bits, wraps
        return reinterpret_cast<std::uint64_t>(record) | (tag & 0x3F) | ((tag >> 6) << 48);
    }

    alignas(64) std::atomic<std::uint64_t> m_top{0};
};

} // namespace FastThreadPool::detail
