// Private: one submitted job, stored in the slot its id selects (see JobStore). One cache
// line, so handing a job from the submitting core to a worker moves one line.
#pragma once

#include <fastthreadpool/detail/jobcontext.h>
#include <fastthreadpool/detail/task.h>

#include <atomic>
#include <cstdint>

namespace FastThreadPool::detail {

enum class JobState : std::uint64_t {
    Unused, // a fresh slot (word 0): never held a job
    Pending, // queued; whoever moves it on by CAS owns the task
    Running, // a worker took it
    Cancelled, // cancel() or cancelAll() took it: it never runs
    Finished, // ran to its end
    Refused, // its submit threw (the pool was stopped): there is no job
    Skipped, // a worker passed its ticket before the submitter published it
};

/*!
    A record's life in one atomic word: the id it currently holds, where it was queued, its
    state, and whether a stop that leaves it unstarted cancels it (a job whose QFuture
    would otherwise wait for clear()). Publishing a job is writing this word; a word holding
    an older id means "not published yet" (slots are reused).
*/
struct JobWord
{
    static constexpr std::uint64_t kHead = std::uint64_t(Placement::Head);
    static constexpr std::uint64_t kCancelledByStop = std::uint64_t(Placement::TailCancelledByStop);
    //! Set on a Running word: a cancel was requested for the running job (ThisJob).
    static constexpr std::uint64_t kCancelRequested = JobContext::kCancelRequestedBit;
    static constexpr int kIdShift = 6;

    //! `where` is its bits of the word (see Placement).
    static constexpr std::uint64_t make(std::uint64_t id, Placement where, JobState state) noexcept
    {
        return (id << kIdShift) | std::uint64_t(where) | std::uint64_t(state);
    }
    static constexpr std::uint64_t id(std::uint64_t word) noexcept { return word >> kIdShift; }
    static constexpr Placement placement(std::uint64_t word) noexcept
    {
        return (word & kHead) ? Placement::Head : Placement::Tail;
    }
    static constexpr bool cancelledByStop(std::uint64_t word) noexcept
    {
        return (word & kCancelledByStop) != 0;
    }
    static constexpr bool cancelRequested(std::uint64_t word) noexcept
    {
        return (word & kCancelRequested) != 0;
    }
    static constexpr JobState state(std::uint64_t word) noexcept { return JobState(word & 7u); }
    static constexpr std::uint64_t with(std::uint64_t word, JobState state) noexcept
    {
        return (word & ~std::uint64_t(7)) | std::uint64_t(state);
    }
};

struct alignas(64) JobRecord
{
    std::atomic<std::uint64_t> word{0};
    // Link of the head (submitFirst) stack, or of the late list (a tail job published
    // after its ticket was passed): a record is on one of them at most.
    std::atomic<JobRecord *> next{nullptr};
    Task task;
};

static_assert(sizeof(JobRecord) == 64, "a job record is one cache line");

} // namespace FastThreadPool::detail
