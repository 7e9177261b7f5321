// Private: one submitted job, stored in the slot its id selects (see JobStore).
#pragma once

#include <fastthreadpool/task.h>

#include <atomic>
#include <cstdint>

namespace FastThreadPool::detail {

struct JobBlock;

enum class JobState : std::uint32_t {
    Empty,     // slot not (yet) written by the submitter that claimed its id
    Pending,   // queued; whoever moves it on by CAS owns the task
    Running,   // a worker took it
    Cancelled, // cancel() or clear() took it: it never runs
    Finished,  // ran to its end
};

struct alignas(64) JobRecord
{
    // Pending -> Running | Cancelled by CAS decides who owns `task`.
    std::atomic<JobState> state{JobState::Empty};
    Placement placement = Placement::Tail;
    std::uint64_t id = 0;
    // Link of the head (submitFirst) stack. Atomic because a popper may read it while the
    // record is being reused (the stack's tag then makes that popper retry).
    std::atomic<JobRecord *> next{nullptr};
    JobBlock *block = nullptr;
    Task task;
};

static_assert(sizeof(JobRecord) == 128, "a job record is two cache lines");

} // namespace FastThreadPool::detail
