#include <fastthreadpool/pooloptions.h>

#include <QtCore/qdebug.h>
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
                                    + std::to_string(maxChildren) + " = " + std::to_string(resolved)
                                    + " threads; it must resolve to at least 1");
    return resolved;
}

QDebug operator<<(QDebug debug, const PoolOptions &options)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "FastThreadPool::PoolOptions(maxChildren=" << options.maxChildren;
    if (!options.childNamePrefix.isEmpty())
        debug << ", childNamePrefix=" << options.childNamePrefix;
    if (!options.doneCallback.keepsResults())
        debug << ", doneCallback=false";
    else if (options.doneCallback.hasCallback())
        debug << ", doneCallback=<callable>";
    if (options.failedCallback)
        debug << ", failedCallback=<callable>";
    if (options.initCallback)
        debug << ", initCallback=<callable>";
    if (options.finishCallback)
        debug << ", finishCallback=<callable>";
    if (options.logLevel)
        debug << ", logLevel=" << int(*options.logLevel);
    if (options.resultId)
        debug << ", resultId";
    if (options.excStack)
        debug << ", excStack";
    if (options.excArgs)
        debug << ", excArgs";
    if (options.doneMax)
        debug << ", doneMax=" << options.doneMax;
    debug << ')';
    return debug;
}

} // namespace FastThreadPool
