// Private: the pool's job deque.
//
// The tail (submit) is the id sequence itself: ids are handed out in order, so a shared
// ticket walking the ids in order is a FIFO. A worker takes the next ticket with one CAS
// and finds the job in the ticket's record; records queued elsewhere (at the head, refused,
// cancelled) are passed over. A ticket whose submitter has not published its record yet is
// waited for briefly, then marked skipped, so a submitter preempted mid-submit never
// blocks the workers (lock-free); that submitter then queues its record on the late list.
//
// The head (submitFirst) is a lock-free LIFO stack. Workers pop the stack first, then the
// late list, then the tail: exactly a deque's order (D, C, A, B for submit A, submit B,
// submitFirst C, submitFirst D).
#pragma once

#include "core/headstack.h"
#include "core/jobstore.h"

#include <atomic>
#include <deque>
#include <mutex>

namespace FastThreadPool::detail {

class JobQueue
{
public:
    explicit JobQueue(JobStore &store) : m_store(store) { }

    //! Queues a claimed record whose task is set.
    void publish(const JobStore::Claim &claim, Placement where);
    //! Marks a claimed record whose submit was refused; its life share is the caller's.
    void refuse(const JobStore::Claim &claim);

    //! A worker's handle. Shares of life it ends go to `retire` (flush it before sleeping).
    class Consumer
    {
    public:
        Consumer(JobQueue &queue, RetireBatch &retire) : m_queue(queue), m_retire(retire) { }
        //! The next job to run (its word said Pending when taken), or nullptr.
        JobRecord *pop();

    private:
        JobRecord *popTail();
        JobBlock *block(std::uint64_t index);

        JobQueue &m_queue;
        RetireBatch &m_retire;
        JobBlock *m_block = nullptr;
        std::uint64_t m_blockIndex = JobBlock::kUnused;
        std::uint64_t m_knownNext = 0; // ids below this are claimed
    };

private:
    JobRecord *popLate();

    JobStore &m_store;
    HeadStack m_head;
    alignas(64) std::atomic<std::uint64_t> m_ticket{1}; // the next id the tail hands out
    alignas(64) std::atomic<bool> m_hasLate{false};
    std::mutex m_lateMutex;
    std::deque<JobRecord *> m_late;
};

} // namespace FastThreadPool::detail
