#include "core/jobstore.h"

#include <algorithm>

namespace FastThreadPool::detail {

namespace {
// Free blocks kept for reuse; beyond this a burst's memory goes back to the allocator.
constexpr std::size_t kMaxFreeBlocks = 8;

void resetRecords(JobBlock *block)
{
    for (JobRecord &record : block->records) {
        // relaxed: the block is unreachable here; publication happens through `index`.
        record.state.store(JobState::Empty, std::memory_order_relaxed);
        record.next.store(nullptr, std::memory_order_relaxed);
        record.block = block;
    }
}
} // namespace

JobStore::JobStore() = default;

JobStore::~JobStore()
{
    for (auto &entry : m_blocks) {
        for (JobRecord &record : entry.second->records)
            record.task.reset();
        delete entry.second;
    }
    for (JobBlock *block : m_free)
        delete block;
}

JobRecord *JobStore::claim()
{
    // seq_cst: the claim is the "I am submitting" announcement that shutdown reads.
    const std::uint64_t id = m_next.fetch_add(1, std::memory_order_seq_cst);
    const std::uint64_t index = id / JobBlock::kSize;
    // acquire (both): the block's reset records are visible once its index matches.
    JobBlock *block = m_current.load(std::memory_order_acquire);
    if (!block || block->index.load(std::memory_order_acquire) != index)
        block = blockFor(index);
    JobRecord *record = &block->records[id % JobBlock::kSize];
    record->id = id;
    return record;
}

JobBlock *JobStore::blockFor(std::uint64_t index)
{
    std::lock_guard lock(m_mutex);
    auto it = m_blocks.find(index);
    if (it != m_blocks.end())
        return it->second;
    JobBlock *block;
    if (!m_free.empty()) {
        block = m_free.back();
        m_free.pop_back();
    } else {
        block = new JobBlock;
        resetRecords(block);
    }
    // relaxed: published by the release store of `index` below.
    // Id 0 is never handed out: its slot starts retired.
    block->retired.store(index == 0 ? 1 : 0, std::memory_order_relaxed);
    // release: claim() acquires `index` before touching the records.
    block->index.store(index, std::memory_order_release);
    m_blocks.emplace(index, block);
    JobBlock *current = m_current.load(std::memory_order_relaxed); // relaxed: under m_mutex
    if (!current || current->index.load(std::memory_order_relaxed) < index
        || current->index.load(std::memory_order_relaxed) == JobBlock::kUnused)
        m_current.store(block, std::memory_order_release); // release: see claim()
    return block;
}

void JobStore::retire(JobBlock *block, std::uint32_t count)
{
    // acq_rel: our last touches of the records happen before the recycler's reset
    // (release), and the recycler sees every other retirer's touches (acquire).
    if (block->retired.fetch_add(count, std::memory_order_acq_rel) + count == JobBlock::kSize)
        recycle(block);
}

void JobStore::recycle(JobBlock *block)
{
    bool keep = true;
    {
        std::lock_guard lock(m_mutex);
        m_blocks.erase(block->index.load(std::memory_order_relaxed)); // relaxed: under m_mutex
        // relaxed: only this thread owns the block now; claim() re-checks the index.
        block->index.store(JobBlock::kUnused, std::memory_order_relaxed);
        if (m_current.load(std::memory_order_relaxed) == block) // relaxed: under m_mutex
            m_current.store(nullptr, std::memory_order_relaxed);
        resetRecords(block);
        // seq_cst: Dekker pair with JobQueue's stack pop, which announces itself in
        // m_stackReaders before reading a record; while one may read, keep the memory.
        std::atomic_thread_fence(std::memory_order_seq_cst);
        keep = m_free.size() < kMaxFreeBlocks
               || m_stackReaders.load(std::memory_order_relaxed) > 0;
        if (keep)
            m_free.push_back(block);
    }
    if (!keep)
        delete block;
}

} // namespace FastThreadPool::detail
