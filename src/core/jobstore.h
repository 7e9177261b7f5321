// Private: where job records live. Ids are handed out in order and id N lives in slot
// N % 256 of block N / 256 (slot 0 of every block is the block's header, so ids that are
// multiples of 256 are never handed out). A submit therefore needs no allocation, and
// cancel(id) finds its record without scanning any queue.
//
// Every record has two shares of life: one ends when the FIFO passes its ticket, the other
// when the job's life ends (run, cancelled, refused). A block whose 2 x 255 shares ended
// goes back to the free list. Blocks are never freed while the store lives, so a stale
// pointer to a record always points into valid memory (the stack and the claim cache rely
// on it); the store's memory is that of its peak number of jobs alive at once.
#pragma once

#include "core/jobrecord.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace FastThreadPool::detail {

struct alignas(16384) JobBlock
{
    static constexpr std::uint64_t kSlots = 256; // slot 0 is this header
    static constexpr std::uint32_t kShares = 2 * (kSlots - 1);

    struct alignas(64) Header
    {
        // Which ids this block holds (id / kSlots); kUnused on the free list.
        std::atomic<std::uint64_t> index{kUnused};
        // Shares of life ended; at kShares the block is recycled.
        std::atomic<std::uint32_t> retired{0};
    } header;
    JobRecord records[kSlots - 1];

    static constexpr std::uint64_t kUnused = ~std::uint64_t(0);

    JobRecord &slot(std::uint64_t id) noexcept { return records[(id % kSlots) - 1]; }
    static JobBlock *of(const JobRecord *record) noexcept
    {
        // Blocks are aligned to their size: masking a record's address finds its block.
        // NOLINTNEXTLINE(performance-no-int-to-ptr)
        return reinterpret_cast<JobBlock *>(reinterpret_cast<std::uintptr_t>(record)
                                            & ~std::uintptr_t(alignof(JobBlock) - 1));
    }
};

static_assert(sizeof(JobBlock) == 16384, "a block is 256 cache lines");

class JobStore
{
public:
    JobStore();
    ~JobStore();
    JobStore(const JobStore &) = delete;
    JobStore &operator=(const JobStore &) = delete;

    struct Claim
    {
        JobRecord *record;
        std::uint64_t id;
    };
    /*!
        Claims the next id and returns its record (whose task is empty). Throws
        std::bad_alloc if the record's block could not be allocated: the id is claimed all
        the same (the caller counts it ended), and its record, once some thread makes the
        block, says Refused.
    */
    Claim claim()
    {
        std::uint64_t id;
        do {
            // seq_cst: the claim is the "I am submitting" announcement that shutdown reads.
            id = m_next.fetch_add(1, std::memory_order_seq_cst);
        } while (id % JobBlock::kSlots == 0); // a block header's id
        const std::uint64_t index = id / JobBlock::kSlots;
        // acquire (both): the block's state is visible once its index matches. Blocks are
        // never freed, so reading a stale m_current is harmless.
        JobBlock *block = m_current.load(std::memory_order_acquire);
        if (!block || block->header.index.load(std::memory_order_acquire) != index)
            block = claimBlock(id);
        return {&block->slot(id), id};
    }

    //! One past the highest id handed out so far (ids below it are claimed or headers).
    std::uint64_t nextId() const noexcept
    {
        // seq_cst: pairs with claim(); see PoolPrivate::submit for the shutdown handshake.
        return m_next.load(std::memory_order_seq_cst);
    }
    //! The number of ids handed out (headers excluded).
    std::uint64_t claimed() const noexcept
    {
        const std::uint64_t last = nextId() - 1;
        return last - last / JobBlock::kSlots;
    }

    //! The block holding `id`, created if no submitter made it yet. The caller must hold a
    //! share of some record of that block (or know one is unclaimed), so it stays live.
    //! Throws std::bad_alloc if it had to be made and could not.
    JobBlock *blockFor(std::uint64_t index);

    //! Ends `count` shares of life of records in `block` (batched by RetireBatch).
    void retire(JobBlock *block, std::uint32_t count);

    //! Returns fn(record) for the record of `id`, called under the store lock, or false if
    //! `id` names no live block.
    template<class Fn>
    bool withRecord(std::uint64_t id, Fn &&fn)
    {
        if (id % JobBlock::kSlots == 0)
            return false;
        std::lock_guard lock(m_mutex);
        auto it = m_blocks.find(id / JobBlock::kSlots);
        if (it == m_blocks.end())
            return false;
        return fn(it->second->slot(id));
    }

    //! Calls fn(record) for every record of every live block, in id order, under the lock.
    template<class Fn>
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

private:
    //! claim()'s slow path: the block of `id`, made if need be; see claim() for a failure.
    JobBlock *claimBlock(std::uint64_t id);
    //! Under m_mutex: a new block for `index` (from the free list or the heap).
    JobBlock *makeBlockLocked(std::uint64_t index);
    void recycle(JobBlock *block);

    // seq_cst counter of ids: see nextId().
    alignas(64) std::atomic<std::uint64_t> m_next{1};
    // The newest block: claim() skips the lock while it holds the claimed id.
    std::atomic<JobBlock *> m_current{nullptr};
    alignas(64) std::mutex m_mutex;
    std::unordered_map<std::uint64_t, JobBlock *> m_blocks;
    std::vector<JobBlock *> m_free;
    std::vector<JobBlock *> m_all; // every block ever made, freed with the store
    // Ids claimed whose block could not be made (see claim()): when the block is made,
    // their records are marked Refused and their job shares retired. Reserved up front, so
    // noting one never allocates; beyond that many at once, a block is never recycled.
    std::vector<std::uint64_t> m_orphans;
    static constexpr std::size_t kMaxOrphans = 64;
};

//! Per-thread batching of retire(): one atomic add per block instead of one per share.
class RetireBatch
{
public:
    explicit RetireBatch(JobStore &store) noexcept : m_store(store) { }
    ~RetireBatch() { flush(); }
    RetireBatch(const RetireBatch &) = delete;
    RetireBatch &operator=(const RetireBatch &) = delete;

    void add(JobRecord *record, std::uint32_t shares = 1)
    {
        JobBlock *block = JobBlock::of(record);
        if (block != m_block) {
            flush();
            m_block = block;
        }
        m_count += shares;
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
