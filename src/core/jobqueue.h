// Private: the pool's job deque. submit() appends to a lock-free FIFO (moodycamel's
// ConcurrentQueue), submitFirst() pushes on a lock-free LIFO stack; workers pop the stack
// first, then the FIFO. That is exactly the order of a deque fed at both ends
// (D, C, A, B for submit A, submit B, submitFirst C, submitFirst D).
#pragma once

#include "core/headstack.h"
#include "core/jobrecord.h"

#include <concurrentqueue/concurrentqueue.h>

#include <memory>

namespace FastThreadPool::detail {

class JobQueue
{
public:
    explicit JobQueue(std::atomic<int> &stackReaders) : m_head(stackReaders) { }

    void push(JobRecord *record)
    {
        if (record->placement == Placement::Head)
            m_head.push(record);
        else
            m_tail.enqueue(record);
    }

    //! A worker's handle: remembers which producer sub-queue it drained last.
    class Consumer
    {
    public:
        explicit Consumer(JobQueue &queue) : m_queue(queue), m_token(queue.m_tail) { }
        JobRecord *pop()
        {
            if (JobRecord *record = m_queue.m_head.pop())
                return record;
            JobRecord *record = nullptr;
            m_queue.m_tail.try_dequeue(m_token, record);
            return record;
        }

    private:
        JobQueue &m_queue;
        moodycamel::ConsumerToken m_token;
    };

    //! Pop without a consumer token (draining by cancelAll/clear).
    JobRecord *pop()
    {
        if (JobRecord *record = m_head.pop())
            return record;
        JobRecord *record = nullptr;
        m_tail.try_dequeue(record);
        return record;
    }

private:
    HeadStack m_head;
    moodycamel::ConcurrentQueue<JobRecord *> m_tail;
};

} // namespace FastThreadPool::detail
