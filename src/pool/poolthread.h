// Private: the threads of a pool. A WorkerThread ("child") runs queued jobs until it is
// asked to stop; a MapThread runs one direct map's share of items and ends.
#pragma once

#include <fastthreadpool/pool.h>

#include "core/joinablethread.h"
#include "delivery/threadlanes.h"
#include "pool/sleepers.h"

#include <atomic>
#include <cstdint>

namespace FastThreadPool::detail {

class PoolPrivate;

//! How far a child is asked to stop (only ever raised): Drain runs the queue dry first, Now
//! stops after the current job.
enum class StopMode : int { Run, Drain, Now };

//! Written by its thread only, read by counters elsewhere; one cache line of its own, so
//! that a thread going about its jobs never steals a line a submitter reads.
struct alignas(64) JobProgress
{
    // release stores: a reader that sees the count see the job's results. The flag is
    // cleared before a count grows, so a job seen finished is never also seen running.
    // Each job that ran grows exactly one of them: completed (done or failed) or cancelled
    // (a cancel reached it first), so both only grow and their sum is the jobs that ran.
    std::atomic<std::uint64_t> finished{0};
    std::atomic<std::uint64_t> cancelled{0};
    std::atomic<bool> inJob{false};
    // Between jobs or asleep: false. A new child starts busy (it is about to take a job).
    // relaxed everywhere: a statistic and a hint for starting children.
    std::atomic<bool> busy{true};
};

class PoolThread : public JoinableThread
{
public:
    //! `number`: the thread's place in the order the pool made its threads (and its name).
    PoolThread(PoolPrivate &pool, const QString &name, int number);
    ~PoolThread() override;

    int number() const noexcept { return m_number; }

    //! Jobs this thread ran to their end (done or failed); written by this thread only.
    std::uint64_t finishedJobs() const noexcept
    {
        return m_progress.finished.load(std::memory_order_acquire); // acquire: see JobProgress
    }
    //! Jobs this thread ran that ended cancelled; written by this thread only.
    std::uint64_t cancelledJobs() const noexcept
    {
        return m_progress.cancelled.load(std::memory_order_acquire); // acquire: see JobProgress
    }
    //! Whether this thread is inside a job's function now (read after finishedJobs()).
    bool inJob() const noexcept
    {
        return m_progress.inJob.load(std::memory_order_acquire); // acquire: see JobProgress
    }
    bool isBusy() const noexcept
    {
        return m_progress.busy.load(std::memory_order_relaxed); // relaxed: see JobProgress
    }
    //! Asks the thread to stop as `mode` says; it ends on its own.
    virtual void requestStop(StopMode mode) noexcept = 0;
    //! A child asked to drain the queue before it ends, not ended yet.
    virtual bool drains() const noexcept { return false; }

    JobProgress &progress() noexcept { return m_progress; }
    ThreadLanes &lanes() noexcept { return m_lanes; }

protected:
    void body() final;
    virtual void work() = 0;

    PoolPrivate &d;
    JobProgress m_progress;
    ThreadLanes m_lanes; // this thread's way into the pool's queues
    const int m_number;
};

class WorkerThread final : public PoolThread
{
public:
    //! `sleeper`: where it sleeps when there is no work (the pool's, outlives the thread).
    WorkerThread(PoolPrivate &pool, const QString &name, int number, Sleeper &sleeper)
        : PoolThread(pool, name, number), m_sleeper(sleeper)
    { }
    Sleeper &sleeper() noexcept { return m_sleeper; }

    void requestStop(StopMode mode) noexcept override;
    bool drains() const noexcept override
    {
        // relaxed: a hint for starting a drainer; shutdown() checks again after the join.
        return StopMode(m_stop.load(std::memory_order_relaxed)) == StopMode::Drain && !isFinished();
    }
    //! Not asked to stop: one of the children the spawn rule counts.
    bool isRunning() const noexcept
    {
        // relaxed: a hint.
        return StopMode(m_stop.load(std::memory_order_relaxed)) == StopMode::Run;
    }

private:
    void work() override;
    bool shouldExit(StopMode mode) const;

    std::atomic<int> m_stop{int(StopMode::Run)};
    Sleeper &m_sleeper;
};

class MapThread final : public PoolThread
{
public:
    MapThread(PoolPrivate &pool, const QString &name, int number, MapBody body)
        : PoolThread(pool, name, number), m_body(std::move(body))
    { }
    //! Now: stops taking items (shutdownChildren, shutdown(soon), cancelAll()); a drain
    //! lets the map run to its end.
    void requestStop(StopMode mode) noexcept override
    {
        if (mode == StopMode::Now)
            m_stop.store(true, std::memory_order_relaxed); // relaxed: see m_stop
    }

private:
    void work() override;

    MapBody m_body;
    // relaxed everywhere: a prompt-enough "stop taking items"; it publishes nothing.
    std::atomic<bool> m_stop{false};
};

} // namespace FastThreadPool::detail
