// Private: one timer's life, shared by the scheduler (which fires it) and the pool's runs
// of it. A run may start only by moving the phase from Queued to Running, and cancel()
// moves any phase to Cancelled: so after cancel() returns no run starts, and a periodic
// timer never has more than one run queued or running.
#pragma once

#include <fastthreadpool/jobid.h>
#include <fastthreadpool/detail/task.h>
#include <fastthreadpool/timerid.h>

#include <atomic>
#include <cstdint>

namespace FastThreadPool::detail {

struct TimerState
{
    enum Phase : int { Idle, Queued, Running, Cancelled };

    //! `intervalNs` > 0: repeats at that fixed rate.
    explicit TimerState(std::int64_t intervalNs)
        : interval(intervalNs), periodic(intervalNs > 0) { }

    //! The scheduler fires: Idle -> Queued. False if a run is still queued or running (the
    //! run is skipped) or if the timer was cancelled.
    bool markQueued() noexcept
    {
        int expected = Idle;
        // acq_rel: pairs with endRun()/cancel(); the run's task is built after this.
        return phase.compare_exchange_strong(expected, Queued, std::memory_order_acq_rel);
    }
    //! A worker starts the run: Queued -> Running. False if cancelled meanwhile.
    bool beginRun() noexcept
    {
        int expected = Queued;
        // acq_rel: pairs with cancel(); a run that starts is one cancel() did not stop.
        return phase.compare_exchange_strong(expected, Running, std::memory_order_acq_rel);
    }
    //! The queued run was dropped unstarted (cancelAll(), shutdown): Queued -> Idle, so a
    //! periodic timer fires again at its next due time.
    void dropRun() noexcept
    {
        int expected = Queued;
        // acq_rel: ordered with cancel() and the next markQueued() like endRun().
        phase.compare_exchange_strong(expected, Idle, std::memory_order_acq_rel);
    }
    //! The run ended: Running -> Idle, unless cancelled while it ran.
    void endRun() noexcept
    {
        int expected = Running;
        // acq_rel: the next markQueued() sees the run's effects.
        phase.compare_exchange_strong(expected, Idle, std::memory_order_acq_rel);
    }
    //! Returns the phase it was in.
    Phase cancel() noexcept
    {
        // acq_rel: ordered with beginRun()'s CAS: exactly one of them wins a queued run.
        return Phase(phase.exchange(Cancelled, std::memory_order_acq_rel));
    }

    TimerId id; // set by Scheduler::add()
    const std::int64_t interval; // ns; 0: runs once
    const bool periodic;
    std::atomic<int> phase{Idle};
    //! The run waiting in the pool, if any, so cancel() can free it at once (best effort:
    //! the phase is what guarantees it never starts).
    std::atomic<JobId> queuedJob{0};
    //! One-shot: the task of its only run. Periodic: cloned for each run.
    Task task;
};

} // namespace FastThreadPool::detail
