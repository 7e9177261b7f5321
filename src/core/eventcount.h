// Private: lets threads wait for "something changed" without polling and without making
// the notifier pay a system call when nobody waits (one fence and one load).
//
//   waiter:   auto key = ec.prepareWait();
//             if (conditionHolds()) { ec.cancelWait(); ... } else ec.wait(key, deadline);
//   notifier: changeState(); ec.notifyAll();
#pragma once

#include "core/barrier.h"
#include "core/futex.h"

#include <atomic>
#include <climits>
#include <cstdint>

namespace FastThreadPool::detail {

class EventCount
{
public:
    using Key = std::uint32_t;

    Key prepareWait() noexcept
    {
        // seq_cst RMW + barrier: the waiter is announced before it re-checks the condition
        // (Dekker pair with the barrier in notifyAll()).
        m_waiters.fetch_add(1, std::memory_order_seq_cst);
        storeLoadBarrier();
        // acquire: a notification that bumped the epoch made its state change visible.
        return m_epoch.load(std::memory_order_acquire);
    }

    void cancelWait() noexcept
    {
        // relaxed: withdrawing only spares a notifier a wake-up.
        m_waiters.fetch_sub(1, std::memory_order_relaxed);
    }

    //! Sleeps until notified after prepareWait() returned `key`. False only on timeout.
    bool wait(Key key, const SteadyTime *deadline = nullptr) noexcept
    {
        bool notified = true;
        // acquire: pairs with the release increment in notifyAll().
        if (m_epoch.load(std::memory_order_acquire) == key)
            notified = futexWait(m_epoch, key, deadline);
        m_waiters.fetch_sub(1, std::memory_order_relaxed); // relaxed: as cancelWait()
        return notified || m_epoch.load(std::memory_order_acquire) != key;
    }

    void notifyAll() noexcept
    {
        // The caller's state change is ordered before reading m_waiters.
        if (loadAfterBarrier(m_waiters) == 0)
            return;
        // release: waiters that see the new epoch also see the state change.
        m_epoch.fetch_add(1, std::memory_order_release);
        futexWake(m_epoch, INT_MAX);
    }

private:
    alignas(64) std::atomic<Key> m_epoch{0};
    std::atomic<std::uint32_t> m_waiters{0};
};

} // namespace FastThreadPool::detail
