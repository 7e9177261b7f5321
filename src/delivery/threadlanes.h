// Private: a producing thread's lanes into its pool's done and failed targets (the queues,
// or the callback threads), taken on first use and given back when the thread ends.
#pragma once

#include <fastthreadpool/result.h>

#include "core/lanequeue.h"

namespace FastThreadPool::detail {

class Delivery;

class ThreadLanes
{
public:
    explicit ThreadLanes(Delivery &delivery) noexcept : m_delivery(delivery) { }
    ~ThreadLanes() { release(); }
    ThreadLanes(const ThreadLanes &) = delete;
    ThreadLanes &operator=(const ThreadLanes &) = delete;

    LaneQueue<Result>::Lane &done() { return m_done ? *m_done : acquireDone(); }
    LaneQueue<Failure>::Lane &failed() { return m_failed ? *m_failed : acquireFailed(); }
    //! The thread ends: the lanes go back (their entries stay queued).
    void release();

private:
    LaneQueue<Result>::Lane &acquireDone();
    LaneQueue<Failure>::Lane &acquireFailed();

    Delivery &m_delivery;
    // Each lane with the queue it came from (it goes back there).
    LaneQueue<Result> *m_doneQueue = nullptr;
    LaneQueue<Result>::Lane *m_done = nullptr;
    LaneQueue<Failure> *m_failedQueue = nullptr;
    LaneQueue<Failure>::Lane *m_failed = nullptr;
};

} // namespace FastThreadPool::detail
