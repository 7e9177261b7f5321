// Private: the live pools, for shutdownAll(). A pool enters when constructed and leaves
// when destroyed, so destroyed pools are never visited.
//
// shutdownAll() holds the registry's lock only to pick the next pool and pin it; it waits
// for a pool's threads with no lock held, so a job that constructs or destroys a pool
// meanwhile is not stuck behind it. A pool being destroyed waits only while shutdownAll()
// visits that very pool (never while it waits for another one).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

namespace FastThreadPool {
class Pool;
}

namespace FastThreadPool::detail {

class Registry
{
public:
    static Registry &instance();
    void add(Pool *pool);
    //! Waits while shutdownAll() visits this very pool, so a pool never dies under it.
    void remove(Pool *pool);
    bool shutdownAll(bool now);

private:
    struct Entry
    {
        Pool *pool;
        std::uint64_t serial; // order of construction: shutdownAll() visits each once
        int pins = 0; // shutdownAll() calls running on this pool
    };
    //! The pool after `serial` in construction order, pinned; null when none is left.
    Pool *pinNext(std::uint64_t &serial);
    void unpin(Pool *pool);

    std::mutex m_mutex;
    std::condition_variable m_unpinned;
    std::vector<Entry> m_pools;
    std::uint64_t m_nextSerial = 0;
};

} // namespace FastThreadPool::detail
