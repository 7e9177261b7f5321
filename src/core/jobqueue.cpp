#include "core/jobqueue.h"

#include "core/cpurelax.h"

#include <QtCore/qlogging.h>

#include <chrono>
#include <new>
#include <thread>
#include <utility>

namespace FastThreadPool::detail {

namespace {
// How long a worker waits for a claimed ticket's record to be published (a submitter is
// between claim() and publish() for a few dozen instructions) before passing it.
constexpr int kPublishSpins = 2000;
} // namespace

void JobQueue::pushLate(JobRecord *record)
{
    // Linked through the record itself (a tail record is never on the head stack): pushing
    // allocates nothing, so a published job cannot be lost to an allocation failure.
    record->next.store(nullptr, std::memory_order_relaxed); // relaxed: under the mutex
    std::lock_guard lock(m_lateMutex);
    if (m_lateTail)
        m_lateTail->next.store(record, std::memory_order_relaxed); // relaxed: under the mutex
    else
        m_lateHead = record;
    m_lateTail = record;
    m_hasLate.store(true, std::memory_order_release); // release: the list is ready
}

void JobQueue::refuse(const JobStore::Claim &claim)
{
    // release: pairs with the worker passing the ticket (a refused record is passed over).
    claim.record->word.exchange(JobWord::make(claim.id, Placement::Tail, JobState::Refused),
                                std::memory_order_acq_rel);
}

JobRecord *JobQueue::popLate()
{
    std::lock_guard lock(m_lateMutex);
    JobRecord *record = m_lateHead;
    if (!record)
        return nullptr;
    m_lateHead = record->next.load(std::memory_order_relaxed); // relaxed: under the mutex
    if (!m_lateHead)
        m_lateTail = nullptr;
    m_hasLate.store(m_lateHead != nullptr, std::memory_order_relaxed); // relaxed: under the mutex
    return record;
}

JobBlock *JobQueue::Consumer::block(std::uint64_t index)
{
    // The cached pointer is block `index` for as long as we hold one of its tickets.
    if (index != m_blockIndex) {
        m_block = m_queue.m_store.blockFor(index);
        m_blockIndex = index;
    }
    return m_block;
}

namespace {
//! The word of ticket t's record once its submitter published it, or marked Skipped (the
//! submitter then queues it on the late list) if that takes too long.
inline std::uint64_t awaitPublished(JobRecord &record, std::uint64_t t)
{
    // acquire: the submitter's task is visible once its word shows id t.
    std::uint64_t word = record.word.load(std::memory_order_acquire);
    const int publishSpins = spinningHelps() ? kPublishSpins : 0;
    for (int spin = 0; JobWord::id(word) != t; ++spin) {
        if (spin == publishSpins) {
            // acq_rel: on success the submitter's exchange sees the mark; on failure the
            // record was published meanwhile and `word` now holds it.
            if (record.word.compare_exchange_strong(
                        word, JobWord::make(t, Placement::Tail, JobState::Skipped),
                        std::memory_order_acq_rel, std::memory_order_acquire))
                word = JobWord::make(t, Placement::Tail, JobState::Skipped);
            break;
        }
        cpuRelax();
        word = record.word.load(std::memory_order_acquire); // acquire: as above
    }
    return word;
}
} // namespace

void JobQueue::Consumer::surrender()
{
    // Without memory for its block the ticket cannot be passed; memory usually comes back
    // soon, so try for a while (the thread is ending: nothing else waits for it).
    for (int attempt = 0; m_heldTicket != 0; ++attempt) {
        try {
            JobRecord *record = &block(m_heldTicket / JobBlock::kSlots)->slot(m_heldTicket);
            const std::uint64_t word = awaitPublished(*record, m_heldTicket);
            m_retire.add(record); // the ticket is passed
            // A queued job goes where the next consumer looks: the late list.
            if (JobWord::placement(word) == Placement::Tail
                && JobWord::state(word) == JobState::Pending)
                m_queue.pushLate(record);
            else if (JobWord::state(word) == JobState::Cancelled)
                m_retire.add(record);
            m_heldTicket = 0;
        } catch (const std::bad_alloc &) {
            if (attempt == 1000) {
                qCritical("FastThreadPool: out of memory for job records; a queued job is lost "
                          "with the thread that held its ticket");
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
}

JobRecord *JobQueue::Consumer::popTail()
{
    std::atomic<std::uint64_t> &ticket = m_queue.m_ticket;
    for (;;) {
        // relaxed: a hint for the CAS; the record's word carries the ordering.
        std::uint64_t t = ticket.load(std::memory_order_relaxed);
        bool held = false;
        if (t >= m_knownNext) {
            m_knownNext = m_queue.m_store.nextId();
            if (t >= m_knownNext) {
                // The tail is empty, but for a ticket this consumer could not pass for want
                // of memory (looked at only here: it costs the hot path nothing).
                if (m_heldTicket == 0)
                    return nullptr; // every claimed ticket is passed
                t = std::exchange(m_heldTicket, 0);
                held = true;
            }
        }
        if (!held) {
            // relaxed: winning a ticket publishes nothing; the record's word does.
            if (!ticket.compare_exchange_weak(t, t + 1, std::memory_order_relaxed))
                continue;
            if (t % JobBlock::kSlots == 0)
                continue; // a block header's id: never a job
        }
        // We own ticket t: its block stays live until we pass it.
        JobBlock *owner;
        try {
            owner = block(t / JobBlock::kSlots);
        } catch (const std::bad_alloc &) {
            m_heldTicket = t; // out of memory for its block: try again on the next pop
            return nullptr;
        }
        JobRecord *record = &owner->slot(t);
        const std::uint64_t word = awaitPublished(*record, t);
        m_retire.add(record); // the ticket is passed
        if (JobWord::placement(word) == Placement::Head)
            continue; // the stack has it
        switch (JobWord::state(word)) {
        case JobState::Pending:
            return record;
        case JobState::Cancelled:
            m_retire.add(record); // nobody else will meet it: its life ends here too
            continue;
        default: // Refused (its submitter ended it), Skipped (it goes to the late list)
            continue;
        }
    }
}

} // namespace FastThreadPool::detail
