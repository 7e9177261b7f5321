// Private: the threads of a pool. A WorkerThread ("child") runs queued jobs until it is
// asked to stop; a MapThread runs one direct map's share of items and ends.
#pragma once

#include <fastthreadpool/pool.h>

#include <QtCore/qthread.h>

#include <atomic>
#include <cstdint>

namespace FastThreadPool::detail {

class PoolPrivate;

class PoolThread : public QThread
{
public:
    PoolThread(PoolPrivate &pool, const QString &name);

    //! Jobs this thread ran to their end; written by this thread only.
    std::uint64_t finishedJobs() const noexcept
    {
        return m_finished.load(std::memory_order_acquire); // acquire: pairs with runJob()
    }

protected:
    void run() final;
    virtual void work() = 0;

    PoolPrivate &d;
    alignas(64) std::atomic<std::uint64_t> m_finished{0};
};

class WorkerThread final : public PoolThread
{
public:
    enum StopMode : int { Run, Drain, Now };
    using PoolThread::PoolThread;

    //! Raises the stop mode (never lowers it): Drain runs the queue dry first, Now stops
    //! after the current job.
    void requestStop(StopMode mode) noexcept;

private:
    void work() override;
    bool shouldExit(StopMode mode) const;

    std::atomic<int> m_stop{Run};
};

class MapThread final : public PoolThread
{
public:
    MapThread(PoolPrivate &pool, const QString &name, MapBody body)
        : PoolThread(pool, name), m_body(std::move(body))
    {
    }
    //! Stops taking items (shutdownChildren, shutdown(soon)).
    void requestStop() noexcept { m_stop.store(true, std::memory_order_relaxed); }

private:
    void work() override;

    MapBody m_body;
    // relaxed everywhere: a prompt-enough "stop taking items"; it publishes nothing.
    std::atomic<bool> m_stop{false};
};

} // namespace FastThreadPool::detail
