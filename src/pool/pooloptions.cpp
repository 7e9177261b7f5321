#include <fastthreadpool/pooloptions.h>

#include <QtCore/qthread.h>

#include <stdexcept>
#include <string>

namespace FastThreadPool {

int resolveMaxChildren(int maxChildren)
{
    const int cores = std::max(1, QThread::idealThreadCount());
    if (maxChildren <= PoolOptions::DefaultMaxChildren)
        return cores;
    if (maxChildren > 0)
        return maxChildren;
    const int resolved = cores + maxChildren;
    if (resolved < 1)
        throw std::invalid_argument("PoolOptions::maxChildren = " + std::to_string(maxChildren)
                                    + " means " + std::to_string(cores) + " cores "
                                    + std::to_string(maxChildren) + " = "
                                    + std::to_string(resolved)
                                    + " threads; it must resolve to at least 1");
    return resolved;
}

} // namespace FastThreadPool
