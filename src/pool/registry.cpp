#include "pool/registry.h"

#include <fastthreadpool/pool.h>

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
    m_pools.push_back(pool);
}

void Registry::remove(Pool *pool)
{
    std::lock_guard lock(m_mutex);
    m_pools.erase(std::remove(m_pools.begin(), m_pools.end(), pool), m_pools.end());
}

bool Registry::shutdownAll(bool now)
{
    std::lock_guard lock(m_mutex);
    // First stop every pool, then wait: pools shut down in parallel, not one by one.
    for (Pool *pool : m_pools) {
        if (now) {
            pool->shutdownChildren();
            pool->cancelAll();
        }
        pool->shutdown(QDeadlineTimer(0), now); // raises the stop flags, does not wait
    }
    bool allEnded = true;
    for (Pool *pool : m_pools)
        allEnded = pool->shutdown(QDeadlineTimer(QDeadlineTimer::Forever), now) && allEnded;
    return allEnded;
}

} // namespace FastThreadPool::detail
