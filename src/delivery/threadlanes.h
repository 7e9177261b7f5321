// Private: a producing thread's lanes into its pool's done and failed targets (the queues,
// or the callback threads), taken on first use and given back when the thread ends.
#pragma once

#include <fastthreadpool/result.h>

#include "core/lanequeue.h"
#include "delivery/jobevents.h"

namespace FastThreadPool::detail {

class Delivery;

class ThreadLanes
{
public:
    explicit ThreadLanes(Delivery &delivery) noexcept : m_delivery(delivery) { }
    ~ThreadLanes() { release(); }
    ThreadLanes(const ThreadLanes &) = delete;
    ThreadLanes &operator=(const ThreadLanes &) = delete;

    //! The done target's lane: the done callback's thread, or done() without one.
    LaneQueue<Result>::Lane &done() { return m_done ? *m_done : acquireDone(); }
    //! A lane into done() itself (a job's own done = true), whatever the pool's callback.
    LaneQueue<Result>::Lane &queueDone() { return m_queueDone ? *m_queueDone : acquireQueueDone(); }
    LaneQueue<Failure>::Lane &failed() { return m_failed ? *m_failed : acquireFailed(); }
    //! This thread's progress slot (JobEvents), taken on its first report.
    JobEvents::Slot &progress() { return m_progress ? *m_progress : acquireProgress(); }
    //! The thread ends: the lanes go back (their entries stay queued).
    void release();

private:
    LaneQueue<Result>::Lane &acquireDone();
    LaneQueue<Result>::Lane &acquireQueueDone();
    LaneQueue<Failure>::Lane &acquireFailed();
    JobEvents::Slot &acquireProgress();

    Delivery &m_delivery;
    // Each lane with the queue it came from (it goes back there).
    LaneQueue<Result> *m_doneQueue = nullptr;
    LaneQueue<Result>::Lane *m_done = nullptr;
    LaneQueue<Result>::Lane *m_queueDone = nullptr; // only when done() is not the target
    LaneQueue<Failure> *m_failedQueue = nullptr;
    LaneQueue<Failure>::Lane *m_failed = nullptr;
    JobEvents::Slot *m_progress = nullptr;
};

} // namespace FastThreadPool::detail
