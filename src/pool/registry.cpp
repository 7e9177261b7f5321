#include "pool/registry.h"

#include <fastthreadpool/pool.h>

#include "pool/pool_p.h"

#include <algorithm>

namespace FastThreadPool::detail {

Registry &Registry::instance()
{
    static Registry registry;
    return registry;
}

void Registry::add(Pool *pool)
{
    std::lock_guard lock(m_mutex);
    m_pools.push_back({pool, m_nextSerial++});
}

void Registry::remove(Pool *pool)
{
    std::unique_lock lock(m_mutex);
    const auto find = [&] {
        return std::find_if(m_pools.begin(), m_pools.end(),
                            [pool](const Entry &e) { return e.pool == pool; });
    };
    // The wait ends when shutdownAll() is done with this pool; it never waits for the
    // thread destroying it (that thread is not one of the pool's own).
    m_unpinned.wait(lock, [&] { return find() == m_pools.end() || find()->pins == 0; });
    if (auto it = find(); it != m_pools.end())
        m_pools.erase(it);
}

Pool *Registry::pinNext(std::uint64_t &serial)
{
    std::lock_guard lock(m_mutex);
    // m_pools is in construction order (serials only grow).
    for (Entry &entry : m_pools) {
        if (entry.serial < serial)
            continue;
        serial = entry.serial + 1;
        ++entry.pins;
        return entry.pool;
    }
    return nullptr;
}

void Registry::unpin(Pool *pool)
{
    {
        std::lock_guard lock(m_mutex);
        for (Entry &entry : m_pools)
            if (entry.pool == pool)
                --entry.pins;
    }
    m_unpinned.notify_all();
}

bool Registry::shutdownAll(bool now)
{
    // Pools made while this runs (by a job, say) are visited too. First every pool is told
    // to stop, then each is waited for: pools shut down in parallel, not one by one.
    std::uint64_t serial = 0;
    while (Pool *pool = pinNext(serial)) {
        PoolPrivate &d = *pool->d;
        d.requestStop(now ? StopMode::Now : StopMode::Drain, StopCause::ShutdownAll);
        if (now)
            d.cancelAll();
        unpin(pool);
    }
    bool allEnded = true;
    serial = 0;
    while (Pool *pool = pinNext(serial)) {
        allEnded = pool->d->shutdown(QDeadlineTimer(QDeadlineTimer::Forever), now,
                                     StopCause::ShutdownAll)
                && allEnded;
        unpin(pool);
    }
    return allEnded;
}

} // namespace FastThreadPool::detail
