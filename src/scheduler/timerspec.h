// Public (detail): what the timer templates of Pool hand to the library: when the job
// first runs, how often it repeats, and how to make the task of each run.
#pragma once

#include <fastthreadpool/detail/task.h>

#include <chrono>

namespace FastThreadPool::detail {

struct TimerSpec
{
    enum class Kind { Later, At, Schedule };

    Kind kind = Kind::Later;
    //! Later: the delay. At: from the call to the wall-clock time of the first run (negative
    //! for a time in the past). Schedule: unused (the first run is one interval after the
    //! call). Saturated: nanoseconds::max() means beyond the clock's range.
    std::chrono::nanoseconds delay{0};
    //! 0: runs once; > 0: repeats at this fixed rate (saturated as `delay`).
    std::chrono::nanoseconds interval{0};
    //! The job: a one-shot timer runs it, a repeating one runs a clone of it each time.
    Task task;
    //! For error messages: "Pool::submitLater", ...
    const char *caller = "";
};

} // namespace FastThreadPool::detail
