#include "core/jobqueue.h"

#include "core/cpurelax.h"

namespace FastThreadPool::detail {

namespace {
// How long a worker waits for a claimed ticket's record to be published (a submitter is
// between claim() and publish() for a few dozen instructions) before passing it.
constexpr int kPublishSpins = 2000;
} // namespace

void JobQueue::pushLate(JobRecord *record)
{
    std::lock_guard lock(m_lateMutex);
    m_late.push_back(record);
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
    if (m_late.empty())
        return nullptr;
    JobRecord *record = m_late.front();
    m_late.pop_front();
    m_hasLate.store(!m_late.empty(), std::memory_order_relaxed); // relaxed: under the mutex
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

JobRecord *JobQueue::Consumer::popTail()
{
    std::atomic<std::uint64_t> &ticket = m_queue.m_ticket;
    for (;;) {
        // relaxed: a hint for the CAS; the record's word carries the ordering.
        std::uint64_t t = ticket.load(std::memory_order_relaxed);
        if (t >= m_knownNext) {
            m_knownNext = m_queue.m_store.nextId();
            if (t >= m_knownNext)
                return nullptr; // every claimed ticket is passed: the tail is empty
        }
        // relaxed: winning a ticket publishes nothing; the record's word does.
        if (!ticket.compare_exchange_weak(t, t + 1, std::memory_order_relaxed))
            continue;
        if (t % JobBlock::kSlots == 0)
            continue; // a block header's id: never a job
        // We own ticket t: its block stays live until we pass it.
        JobRecord *record = &block(t / JobBlock::kSlots)->slot(t);
        // acquire: the submitter's task is visible once its word shows id t.
        std::uint64_t word = record->word.load(std::memory_order_acquire);
        const int publishSpins = spinningHelps() ? kPublishSpins : 0;
        for (int spin = 0; JobWord::id(word) != t; ++spin) {
            if (spin == publishSpins) {
                // acq_rel: on success the submitter's exchange sees the mark; on failure
                // the record was published meanwhile and `word` now holds it.
                if (record->word.compare_exchange_strong(
                            word, JobWord::make(t, Placement::Tail, JobState::Skipped),
                            std::memory_order_acq_rel, std::memory_order_acquire)) {
                    word = JobWord::make(t, Placement::Tail, JobState::Skipped);
                }
                break;
            }
            cpuRelax();
            word = record->word.load(std::memory_order_acquire); // acquire: as above
        }
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
