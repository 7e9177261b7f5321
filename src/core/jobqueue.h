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
#include <mutex>

namespace FastThreadPool::detail {

class JobQueue
{
public:
    explicit JobQueue(JobStore &store) : m_store(store) { }

    //! Queues a claimed record whose task is set.
    void publish(const JobStore::Claim &claim, Placement where)
    {
        // acq_rel: release publishes the task to the worker that acquires the word; acquire
        // sees a worker's "skipped" mark and what it implies.
        const std::uint64_t previous = claim.record->word.exchange(
                JobWord::make(claim.id, where, JobState::Pending), std::memory_order_acq_rel);
        if (where == Placement::Head)
            m_head.push(claim.record); // a skip only meant the tail passed its ticket
        else if (JobWord::id(previous) == claim.id && JobWord::state(previous) == JobState::Skipped)
            pushLate(claim.record);
    }
    //! Marks a claimed record whose submit was refused; its life share is the caller's.
    void refuse(const JobStore::Claim &claim);

    //! A worker's handle. Shares of life it ends go to `retire` (flush it before sleeping).
    class Consumer
    {
    public:
        Consumer(JobQueue &queue, RetireBatch &retire) : m_queue(queue), m_retire(retire) { }
        //! The next job to run (its word said Pending when taken), or nullptr.
        JobRecord *pop()
        {
            if (JobRecord *record = m_queue.m_head.pop())
                return record;
            // relaxed: a hint; the list itself is read under its mutex. Ordered after the
            // sleeper handshake by the barrier a worker passes before looking again.
            if (m_queue.m_hasLate.load(std::memory_order_relaxed))
                if (JobRecord *record = m_queue.popLate())
                    return record;
            return popTail();
        }

        //! A ticket is held because its block could not be allocated (pop() tries it again
        //! once the tail is empty): the caller should back off rather than sleep.
        bool holdsTicket() const noexcept { return m_heldTicket != 0; }
        //! Before the consumer's thread ends: passes a held ticket (its job, if queued, goes
        //! to the late list for another consumer).
        void surrender();

    private:
        JobRecord *popTail();
        JobBlock *block(std::uint64_t index);

        JobQueue &m_queue;
        RetireBatch &m_retire;
        JobBlock *m_block = nullptr;
        std::uint64_t m_blockIndex = JobBlock::kUnused;
        std::uint64_t m_knownNext = 0; // ids below this are claimed
        std::uint64_t m_heldTicket = 0;
    };

private:
    JobRecord *popLate();
    void pushLate(JobRecord *record);

    JobStore &m_store;
    HeadStack m_head;
    alignas(64) std::atomic<std::uint64_t> m_ticket{1}; // the next id the tail hands out
    alignas(64) std::atomic<bool> m_hasLate{false};
    std::mutex m_lateMutex;
    JobRecord *m_lateHead = nullptr; // linked through JobRecord::next, under m_lateMutex
    JobRecord *m_lateTail = nullptr;
};

} // namespace FastThreadPool::detail
