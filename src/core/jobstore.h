// Private: where job records live. Ids are handed out in order and id N lives in slot
// N % 256 of block N / 256, so a submit needs no allocation and cancel(id) finds its record
// without scanning any queue. A block returns to a free list once all 256 of its records
// are retired (popped from the queue and finished with).
#pragma once

#include "core/jobrecord.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace FastThreadPool::detail {

struct JobBlock
{
    static constexpr std::uint64_t kSize = 256;

    // Which ids this block holds (id / kSize), or kUnused while on the free list.
    std::atomic<std::uint64_t> index;
    // Records whose life is over; at kSize the block is recycled.
    std::atomic<std::uint32_t> retired{0};
    JobRecord records[kSize];

    static constexpr std::uint64_t kUnused = ~std::uint64_t(0);
};

class JobStore
{
public:
    JobStore();
    ~JobStore();
    JobStore(const JobStore &) = delete;
    JobStore &operator=(const JobStore &) = delete;

    //! Claims the next id (1, 2, ...) and returns its empty record.
    JobRecord *claim();

    //! Number of ids claimed so far.
    std::uint64_t claimed() const noexcept
    {
        // seq_cst: pairs with claim(); see Pool::Private::submit for the shutdown handshake.
        return m_next.load(std::memory_order_seq_cst) - 1;
    }

    //! Ends the life of `count` records of `block` (batched by RetireBatch).
    void retire(JobBlock *block, std::uint32_t count);

    //! Calls fn(record) for the record of `id` under the store lock, if its block is live.
    template <class Fn>
    bool withRecord(std::uint64_t id, Fn &&fn)
    {
        std::lock_guard lock(m_mutex);
        auto it = m_blocks.find(id / JobBlock::kSize);
        if (it == m_blocks.end())
            return false;
        return fn(it->second->records[id % JobBlock::kSize]);
    }

    //! Calls fn(record) for every record of every live block, in id order, under the lock.
    template <class Fn>
    void forEachRecord(Fn &&fn)
    {
        std::lock_guard lock(m_mutex);
        std::vector<std::uint64_t> indexes;
        indexes.reserve(m_blocks.size());
        for (const auto &entry : m_blocks)
            indexes.push_back(entry.first);
        std::sort(indexes.begin(), indexes.end());
        for (std::uint64_t index : indexes)
            for (JobRecord &record : m_blocks[index]->records)
                fn(record);
    }

    //! True while a head-stack pop may be reading a record; blocks are then kept, not freed.
    std::atomic<int> &stackReaders() noexcept { return m_stackReaders; }

private:
    JobBlock *blockFor(std::uint64_t index);
    void recycle(JobBlock *block);

    // seq_cst counter of ids: see claimed().
    alignas(64) std::atomic<std::uint64_t> m_next{1};
    // Block of the most recent ids: claim() skips the lock while it matches.
    std::atomic<JobBlock *> m_current{nullptr};
    alignas(64) std::atomic<int> m_stackReaders{0};
    std::mutex m_mutex;
    std::unordered_map<std::uint64_t, JobBlock *> m_blocks;
    std::vector<JobBlock *> m_free;
};

//! Per-thread batching of retire(): one atomic add per block instead of one per record.
class RetireBatch
{
public:
    explicit RetireBatch(JobStore &store) noexcept : m_store(store) { }
    ~RetireBatch() { flush(); }
    RetireBatch(const RetireBatch &) = delete;
    RetireBatch &operator=(const RetireBatch &) = delete;

    void add(JobRecord *record)
    {
        if (record->block != m_block) {
            flush();
            m_block = record->block;
        }
        ++m_count;
    }
    void flush()
    {
        if (m_count)
            m_store.retire(m_block, m_count);
        m_block = nullptr;
        m_count = 0;
    }

private:
    JobStore &m_store;
    JobBlock *m_block = nullptr;
    std::uint32_t m_count = 0;
};

} // namespace FastThreadPool::detail
