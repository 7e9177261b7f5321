#include "pool/workerset.h"

#include <QtCore/qthread.h>

#include <algorithm>
#include <new>

namespace FastThreadPool::detail {

WorkerSet::WorkerSet(PoolPrivate &pool, int maxChildren, QString namePrefix)
    : d(pool), m_maxChildren(maxChildren), m_namePrefix(std::move(namePrefix))
{ }

QString WorkerSet::nextName() const
{
    return m_namePrefix + QLatin1Char('-') + QString::number(m_nextThreadNumber);
}

WorkerSet::Stop WorkerSet::stop(StopMode mode)
{
    Stop request;
    std::lock_guard lock(m_mutex);
    request.epoch = m_epoch;
    // seq_cst: see isStoppedOrdered().
    request.stoppedNow = !m_stopped.exchange(true, std::memory_order_seq_cst);
    m_shutdown.store(true, std::memory_order_relaxed); // relaxed: a status flag
    // Children are told first: one that finishes its job while the rest of the stop runs
    // (and someone who saw isShutdown() may already have let it finish) starts no other.
    // Under the lock, so a child is either listed here or never spawned.
    for (const auto &child : m_children) {
        child->requestStop(mode);
        request.childDrains = request.childDrains || child->drains();
        request.threads.push_back(child);
    }
    for (const auto &mapThread : m_mapThreads) {
        mapThread->requestStop(mode);
        request.threads.push_back(mapThread);
    }
    // relaxed: under m_mutex, which spawnChild() takes.
    m_running.store(0, std::memory_order_relaxed);
    return request;
}

int WorkerSet::busyChildren(bool runningOnly) const
{
    int busy = runningOnly ? m_waking.load(std::memory_order_relaxed) : 0; // relaxed: a hint
    std::lock_guard lock(m_mutex);
    for (const auto &child : m_children) {
        if (child->isBusy() && (!runningOnly || child->isRunning()))
            ++busy;
    }
    return busy;
}

WorkerSet::Spawn WorkerSet::spawnChild()
{
    std::lock_guard lock(m_mutex);
    // relaxed: m_running and m_stopped change only under m_mutex. A new child starts busy
    // (JobProgress), as it is about to take a job.
    if (m_running.load(std::memory_order_relaxed) >= m_maxChildren
        || m_stopped.load(std::memory_order_relaxed))
        return Spawn::NotNeeded;
    try {
        Sleeper &sleeper = m_sleeperStore.take();
        auto child = std::make_shared<WorkerThread>(d, nextName(), m_nextThreadNumber, sleeper);
        m_children.reserve(m_children.size() + 1); // the push below cannot fail after start
        if (!child->tryStart()) {
            m_sleeperStore.give(sleeper);
            return Spawn::Failed; // not listed, not counted: the next submit tries again
        }
        ++m_nextThreadNumber;
        m_running.fetch_add(1, std::memory_order_relaxed); // relaxed: see above
        m_children.push_back(std::move(child));
        return Spawn::Started;
    } catch (const std::bad_alloc &) {
        return Spawn::Failed;
    }
}

std::shared_ptr<PoolThread> WorkerSet::spawnDrainer()
{
    std::lock_guard lock(m_mutex);
    try {
        Sleeper &sleeper = m_sleeperStore.take();
        auto child = std::make_shared<WorkerThread>(d, nextName(), m_nextThreadNumber, sleeper);
        child->requestStop(StopMode::Drain); // not one the spawn rule counts
        m_children.reserve(m_children.size() + 1);
        if (!child->tryStart()) {
            m_sleeperStore.give(sleeper);
            qWarning("FastThreadPool: no thread could be started to run the jobs queued "
                     "before shutdown(); they stay pending");
            return nullptr;
        }
        ++m_nextThreadNumber;
        m_children.push_back(child);
        return child;
    } catch (const std::bad_alloc &) {
        return nullptr;
    }
}

bool WorkerSet::hasChildThatRunsJobs() const
{
    // A child not told to stop, or one draining the queue, takes what is queued; one told to
    // stop now does not.
    std::lock_guard lock(m_mutex);
    return std::any_of(m_children.begin(), m_children.end(), [](const auto &child) {
        return !child->isFinished() && (child->isRunning() || child->drains());
    });
}

int WorkerSet::directMapThreads() const noexcept
{
    return std::min(m_maxChildren, 4 * std::max(1, QThread::idealThreadCount()));
}

void WorkerSet::stopMaps()
{
    std::lock_guard lock(m_mutex);
    for (const auto &mapThread : m_mapThreads)
        mapThread->requestStop(StopMode::Now);
}

WorkerSet::Ran WorkerSet::ranJobs(std::uint64_t &running) const
{
    std::lock_guard lock(m_mutex);
    Ran ran = m_ranByRemoved;
    auto add = [&](const PoolThread &thread) {
        ran.completed += thread.finishedJobs();
        ran.cancelled += thread.cancelledJobs();
        running += thread.inJob() ? 1 : 0;
    };
    for (const auto &child : m_children)
        add(*child);
    for (const auto &mapThread : m_mapThreads)
        add(*mapThread);
    return ran;
}

QList<QThread *> WorkerSet::threads() const
{
    std::vector<PoolThread *> all;
    {
        std::lock_guard lock(m_mutex);
        for (const auto &child : m_children)
            all.push_back(child.get());
        for (const auto &mapThread : m_mapThreads)
            all.push_back(mapThread.get());
    }
    std::sort(all.begin(), all.end(),
              [](const PoolThread *a, const PoolThread *b) { return a->number() < b->number(); });
    return QList<QThread *>(all.begin(), all.end());
}

int WorkerSet::count() const
{
    std::lock_guard lock(m_mutex);
    return int(m_children.size() + m_mapThreads.size());
}

int WorkerSet::cleanup()
{
    // Deleted outside the lock (a QThread's destructor is Qt's code).
    std::vector<std::shared_ptr<PoolThread>> ended;
    {
        std::lock_guard lock(m_mutex);
        auto forget = [&](auto &list) {
            for (auto it = list.begin(); it != list.end();) {
                if ((*it)->isFinished()) {
                    m_ranByRemoved.completed += (*it)->finishedJobs();
                    m_ranByRemoved.cancelled += (*it)->cancelledJobs();
                    ended.push_back(std::move(*it));
                    it = list.erase(it);
                } else {
                    ++it;
                }
            }
        };
        const std::size_t children = ended.size();
        forget(m_children);
        for (std::size_t i = children; i < ended.size();
             ++i) // their places to sleep serve the next children
            m_sleeperStore.give(static_cast<WorkerThread &>(*ended[i]).sleeper());
        forget(m_mapThreads);
    }
    return int(ended.size());
}

bool WorkerSet::hasLiveThreads() const
{
    std::lock_guard lock(m_mutex);
    auto live = [](const auto &thread) { return !thread->isFinished(); };
    return std::any_of(m_children.begin(), m_children.end(), live)
            || std::any_of(m_mapThreads.begin(), m_mapThreads.end(), live);
}

bool WorkerSet::joinAll(const std::vector<std::shared_ptr<PoolThread>> &threads,
                        QDeadlineTimer deadline)
{
    for (const auto &thread : threads) {
        // Not the calling thread (it ends when its job returns), nor one that is itself
        // waiting for the others (two jobs calling shutdown() must not wait for each other).
        if (thread->isCurrent() || thread->isWaitingForOthers())
            continue;
        if (!thread->join(deadline))
            return false;
    }
    return true;
}

} // namespace FastThreadPool::detail
