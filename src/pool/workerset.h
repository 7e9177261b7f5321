// Private: the threads of a pool and the rules they live by. Children (workers) and direct
// map threads in lists of their own; the children asleep; the spawn rule (a new child only
// when none is idle, up to maxChildren); the stop state they obey (the stopped flag, the
// shutdown flag, the epoch clear() moves on), all decided under one lock; and the counts of
// jobs the threads ran. PoolPrivate wires it to the queue and the result path.
#pragma once

#include <fastthreadpool/errors.h>

#include "core/joinablethread.h"
#include "pool/poolthread.h"
#include "pool/sleepers.h"

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qlist.h>
#include <QtCore/qstring.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

QT_BEGIN_NAMESPACE
class QThread;
QT_END_NAMESPACE

namespace FastThreadPool::detail {

class PoolPrivate;

class WorkerSet
{
public:
    WorkerSet(PoolPrivate &pool, int maxChildren, QString namePrefix);
    WorkerSet(const WorkerSet &) = delete;
    WorkerSet &operator=(const WorkerSet &) = delete;

    int maxChildren() const noexcept { return m_maxChildren; }

    // ---- the stop state ----------------------------------------------------------------
    //! Submits are refused. relaxed: an early, cheap look; see isStoppedOrdered().
    bool isStopped() const noexcept { return m_stopped.load(std::memory_order_relaxed); }
    //! The look of submit()'s handshake: seq_cst, so a claim made before it is seen by a
    //! stop that raises the flag after it, or this look sees the flag.
    bool isStoppedOrdered() const noexcept { return m_stopped.load(std::memory_order_seq_cst); }
    //! isShutdown(): true from a stop until clear(). relaxed: a status flag.
    bool isShutdown() const noexcept { return m_shutdown.load(std::memory_order_relaxed); }

    struct Stop
    {
        std::vector<std::shared_ptr<PoolThread>> threads; // asked to stop
        std::uint64_t epoch = 0; // clear() moves it on
        bool stoppedNow = false; // the pool was running: this request stopped it
        bool childDrains = false; // a child was asked to drain (or drains already)
    };
    //! Raises the stop state and asks every thread to stop as `mode` says; no waiting.
    Stop stop(StopMode mode);
    //! clear(): submits are taken again, the epoch moves on; `whileLocked` runs under the
    //! lock (closing the doneMax bound after a stop that checked the epoch opened it).
    template<class F>
    void restart(F &&whileLocked);
    //! No clear() since `epoch` was taken. `whileLocked` runs under the lock if so.
    template<class F>
    bool inEpoch(std::uint64_t epoch, F &&whileLocked) const;
    bool inEpoch(std::uint64_t epoch) const
    {
        return inEpoch(epoch, [] {});
    }

    // ---- starting threads ----------------------------------------------------------------
    //! The spawn rule's first look: no child idle and room for one. relaxed hints; the
    //! decision is made again under the lock. Once the pool has all its children, this one
    //! load (inline) is all a submit pays.
    bool needsChild() const noexcept
    {
        const int running = m_running.load(std::memory_order_relaxed); // relaxed: see above
        return running < m_maxChildren && busyChildren(true) >= running;
    }
    enum class Spawn { NotNeeded, Started, Failed };
    Spawn spawnChild();
    //! A child that only drains the queue (a graceful stop found none); null if none could
    //! be started.
    std::shared_ptr<PoolThread> spawnDrainer();
    //! Starts up to `count` map threads running `body`; throws PoolStopped (via `refuse`)
    //! or ThreadStartFailed if none started.
    template<class Refuse>
    void startMapThreads(int count, const MapBody &body, Refuse &&refuse);
    //! The most threads a direct map starts: maxChildren, and at most four per core.
    int directMapThreads() const noexcept;
    //! Some child takes queued jobs now (one not told to stop, or one draining).
    bool hasChildThatRunsJobs() const;

    // ---- sleeping and waking --------------------------------------------------------------
    Sleepers &sleepers() noexcept { return m_sleepers; }
    //! After publishing a job: wakes one sleeping child; false if none sleeps.
    bool wakeOne() noexcept { return m_sleepers.wakeOne(m_waking); }
    void wakeAll() noexcept { m_sleepers.wakeAll(m_waking); }
    //! A woken child is up: it is no longer counted as waking.
    void wokeUp() noexcept
    {
        m_waking.fetch_sub(1, std::memory_order_relaxed); // relaxed: a hint for the spawn rule
    }
    //! Running direct maps take no more items (cancelAll()).
    void stopMaps();

    // ---- counting and listing ------------------------------------------------------------
    //! Jobs the threads ran, ever (also threads cleanupChildren() removed), by how they
    //! ended.
    struct Ran
    {
        std::uint64_t completed = 0; // done or failed
        std::uint64_t cancelled = 0; // a cancel reached them first
        std::uint64_t total() const noexcept { return completed + cancelled; }
    };
    //! Ran jobs, and in `running` the threads inside a job now. The counts are read before
    //! the in-job flags (see JobProgress).
    Ran ranJobs(std::uint64_t &running) const;
    //! Children inside a job; `runningOnly`: only those not told to stop (the spawn rule).
    int busyChildren(bool runningOnly) const;
    int mapThreadsBusy() const noexcept
    {
        return m_mapBusy.load(std::memory_order_acquire); // acquire: their results are visible
    }
    void mapThreadEnded() noexcept
    {
        // release: the thread's results are visible to whoever sees the count drop.
        m_mapBusy.fetch_sub(1, std::memory_order_release);
    }
    int alive() const noexcept
    {
        return m_alive.load(std::memory_order_relaxed); // relaxed: a statistic
    }
    void threadEntered() noexcept
    {
        m_alive.fetch_add(1, std::memory_order_relaxed);
    } // see alive()
    void threadLeft() noexcept { m_alive.fetch_sub(1, std::memory_order_relaxed); } // see alive()
    //! Every thread made and not removed, children and map threads, oldest first.
    QList<QThread *> threads() const;
    int count() const;
    //! Forgets the threads that ended; returns how many.
    int cleanup();
    //! Some thread has not ended.
    bool hasLiveThreads() const;
    //! Joins `threads` but the calling one and any that waits for the others itself (two
    //! pool threads calling shutdown() must not wait for each other).
    static bool joinAll(const std::vector<std::shared_ptr<PoolThread>> &threads,
                        QDeadlineTimer deadline);

private:
    QString nextName() const; // under m_mutex

    PoolPrivate &d;
    const int m_maxChildren;
    const QString m_namePrefix;

    // Children asleep for want of work, each woken by name.
    Sleepers m_sleepers;
    // Children woken and not yet running: counted busy by the spawn rule until they run.
    alignas(64) std::atomic<int> m_waking{0};
    // Read by every submit, written rarely: no worker writes this line while it works.
    alignas(64) std::atomic<int> m_running{0}; // children not told to stop (the spawn cap)
    std::atomic<bool> m_stopped{false}; // submits refused; under m_mutex when set
    std::atomic<bool> m_shutdown{false}; // isShutdown; under m_mutex when set
    // Written on rare events.
    alignas(64) std::atomic<int> m_mapBusy{0}; // direct-map threads still working
    std::atomic<int> m_alive{0}; // pool threads inside run()

    mutable std::mutex m_mutex;
    std::vector<std::shared_ptr<WorkerThread>> m_children; // under m_mutex
    std::vector<std::shared_ptr<MapThread>> m_mapThreads; // under m_mutex
    SleeperStore m_sleeperStore; // under m_mutex
    std::uint64_t m_epoch = 0; // under m_mutex
    Ran m_ranByRemoved; // under m_mutex
    int m_nextThreadNumber = 0; // under m_mutex
};

template<class F>
void WorkerSet::restart(F &&whileLocked)
{
    std::lock_guard lock(m_mutex); // ordered with spawnChild() and stop()
    ++m_epoch;
    m_stopped.store(false, std::memory_order_seq_cst); // seq_cst: see isStoppedOrdered()
    m_shutdown.store(false, std::memory_order_relaxed); // relaxed: a status flag
    whileLocked();
}

template<class F>
bool WorkerSet::inEpoch(std::uint64_t epoch, F &&whileLocked) const
{
    std::lock_guard lock(m_mutex);
    if (m_epoch != epoch)
        return false;
    whileLocked();
    return true;
}

template<class Refuse>
void WorkerSet::startMapThreads(int count, const MapBody &body, Refuse &&refuse)
{
    // Made before any starts (an allocation failure leaves nothing running); a thread that
    // cannot be started is dropped; if none starts, nothing of the map ran.
    std::vector<std::shared_ptr<MapThread>> made;
    made.reserve(std::size_t(count));
    std::lock_guard lock(m_mutex);
    if (isStopped())
        refuse(); // throws PoolStopped
    for (int i = 0; i < count; ++i)
        made.push_back(std::make_shared<MapThread>(
                d, m_namePrefix + QLatin1Char('-') + QString::number(m_nextThreadNumber + i),
                m_nextThreadNumber + i, body));
    m_mapThreads.reserve(m_mapThreads.size() + made.size());
    int started = 0;
    for (auto &thread : made) {
        // relaxed: published to the thread by its start; undone below if it fails.
        m_mapBusy.fetch_add(1, std::memory_order_relaxed);
        if (!thread->tryStart()) {
            m_mapBusy.fetch_sub(1, std::memory_order_relaxed); // relaxed: as above
            continue;
        }
        ++started;
        m_mapThreads.push_back(std::move(thread));
    }
    m_nextThreadNumber += count;
    if (started == 0)
        throw ThreadStartFailed("Pool::map: no thread could be started for the map "
                                "(QThread::start() failed); no item ran");
}

} // namespace FastThreadPool::detail
