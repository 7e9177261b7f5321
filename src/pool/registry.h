// Private: the live pools, for shutdownAll(). A pool enters when constructed and leaves
// when destroyed, so destroyed pools are never visited.
#pragma once

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
    //! Blocks while shutdownAll() is visiting pools, so a pool never dies under it.
    void remove(Pool *pool);
    bool shutdownAll(bool now);

private:
    std::mutex m_mutex;
    std::vector<Pool *> m_pools;
};

} // namespace FastThreadPool::detail
