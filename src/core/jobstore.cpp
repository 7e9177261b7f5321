#include "core/jobstore.h"

#include "core/faultinjection.h"

#include <algorithm>
#include <new>

namespace FastThreadPool::detail {

JobStore::JobStore() { m_orphans.reserve(kMaxOrphans); }

JobStore::~JobStore()
{
    // Jobs never run (a soon shutdown) die with the store; only live blocks can hold one.
    for (auto &entry : m_blocks)
        for (JobRecord &record : entry.second->records)
            record.task.reset();
    for (JobBlock *block : m_all)
        delete block;
}

JobBlock *JobStore::blockFor(std::uint64_t index)
{
    std::lock_guard lock(m_mutex);
    auto it = m_blocks.find(index);
    if (it != m_blocks.end())
        return it->second;
    return makeBlockLocked(index);
}

JobBlock *JobStore::claimBlock(std::uint64_t id)
{
    const std::uint64_t index = id / JobBlock::kSlots;
    std::lock_guard lock(m_mutex);
    auto it = m_blocks.find(index);
    if (it != m_blocks.end())
        return it->second;
    try {
        if (m_free.empty() && fault::hit(fault::Point::BlockAllocation))
            throw std::bad_alloc();
        return makeBlockLocked(index);
    } catch (...) {
        if (m_orphans.size() < kMaxOrphans)
            m_orphans.push_back(id); // within the reserve: no allocation
        throw;
    }
}

JobBlock *JobStore::makeBlockLocked(std::uint64_t index)
{
    JobBlock *block;
    if (!m_free.empty()) {
        block = m_free.back();
        m_free.pop_back();
    } else {
        // May throw: before anything changes. m_free holds room for every block, so that
        // recycle() never allocates. Doubling: a reserve per block would copy each time.
        if (m_all.size() == m_all.capacity())
            m_all.reserve(std::max<std::size_t>(16, 2 * m_all.size()));
        if (m_free.capacity() < m_all.capacity())
            m_free.reserve(m_all.capacity());
        block = new JobBlock;
        m_all.push_back(block);
    }
    try {
        m_blocks.emplace(index, block);
    } catch (...) {
        m_free.push_back(block); // within its reserve
        throw;
    }
    // Orphans of this block (see claim()): their records say Refused, their shares end.
    std::uint32_t orphaned = 0;
    std::erase_if(m_orphans, [&](std::uint64_t id) {
        if (id / JobBlock::kSlots != index)
            return false;
        // relaxed: published by the release store of `index` below.
        block->slot(id).word.store(JobWord::make(id, Placement::Tail, JobState::Refused),
                                   std::memory_order_relaxed);
        ++orphaned;
        return true;
    });
    // relaxed: published by the release store of `index` below.
    block->header.retired.store(orphaned, std::memory_order_relaxed);
    // release: claim() acquires `index` before touching the records.
    block->header.index.store(index, std::memory_order_release);
    JobBlock *current = m_current.load(std::memory_order_relaxed); // relaxed: under m_mutex
    if (!current || current->header.index.load(std::memory_order_relaxed) == JobBlock::kUnused
        || current->header.index.load(std::memory_order_relaxed) < index)
        m_current.store(block, std::memory_order_release); // release: see claim()
    return block;
}

void JobStore::retire(JobBlock *block, std::uint32_t count)
{
    // acq_rel: our last touches of the records happen before the recycler's reuse
    // (release), and the recycler sees every other share's touches (acquire).
    if (block->header.retired.fetch_add(count, std::memory_order_acq_rel) + count
        == JobBlock::kShares)
        recycle(block);
}

void JobStore::recycle(JobBlock *block)
{
    std::lock_guard lock(m_mutex);
    m_blocks.erase(block->header.index.load(std::memory_order_relaxed)); // relaxed: under lock
    // relaxed: claim() re-checks the index under the lock before using a block. The records
    // keep their last words (older ids): every reader compares the id in the word.
    block->header.index.store(JobBlock::kUnused, std::memory_order_relaxed);
    if (m_current.load(std::memory_order_relaxed) == block) // relaxed: under m_mutex
        m_current.store(nullptr, std::memory_order_relaxed);
    m_free.push_back(block);
}

} // namespace FastThreadPool::detail
