// Private: the PoolOptions::doneMax bound. A worker takes one unit of space before adding a
// result and waits while none is left; taking a result gives the unit back.
#pragma once

#include "core/eventcount.h"

#include <atomic>

namespace FastThreadPool::detail {

class SpaceGate
{
public:
    //! `limit` 0 means unbounded (every call is then a no-op).
    explicit SpaceGate(int limit) noexcept : m_limit(limit) { }

    void acquire() noexcept
    {
        if (m_limit == 0)
            return;
        for (;;) {
            // relaxed: a hint for the CAS below.
            int held = m_held.load(std::memory_order_relaxed);
            // acquire: see open() before passing the bound.
            while (held < m_limit || m_open.load(std::memory_order_acquire)) {
                // relaxed: the count orders no data; results travel through their queue.
                if (m_held.compare_exchange_weak(held, held + 1, std::memory_order_relaxed))
                    return;
            }
            const auto key = m_changed.prepareWait();
            if (m_held.load(std::memory_order_relaxed) < m_limit // relaxed: re-check only
                || m_open.load(std::memory_order_acquire)) {
                m_changed.cancelWait();
                continue;
            }
            m_changed.wait(key);
        }
    }

    void release(int units = 1) noexcept
    {
        if (m_limit == 0 || units == 0)
            return;
        m_held.fetch_sub(units, std::memory_order_relaxed); // relaxed: see acquire()
        m_changed.notifyAll();
    }

    //! Stops bounding (shutdown: children must be able to finish their jobs).
    void open() noexcept
    {
        m_open.store(true, std::memory_order_release); // release: pairs with acquire()
        m_changed.notifyAll();
    }
    //! Bounds again (clear()).
    void close() noexcept { m_open.store(false, std::memory_order_release); }

    int limit() const noexcept { return m_limit; }

private:
    const int m_limit;
    std::atomic<int> m_held{0};
    std::atomic<bool> m_open{false};
    EventCount m_changed;
};

} // namespace FastThreadPool::detail
