// Public (detail): what the timer templates of Pool hand to the library: when the job
// first runs, how often it repeats, and how to make the task of each run.
#pragma once

#include <fastthreadpool/task.h>

#include <chrono>
#include <optional>

namespace FastThreadPool::detail {

struct TimerSpec
{
    enum class Kind { Later, At, Schedule };

    Kind kind = Kind::Later;
    //! Later: the delay. Schedule: unused (the first run is one interval after the call).
    std::chrono::nanoseconds delay{0};
    //! At: the wall-clock time of the first run.
    std::optional<std::chrono::system_clock::time_point> at;
    //! 0: runs once; > 0: repeats at this fixed rate.
    std::chrono::nanoseconds interval{0};
    //! The job: a one-shot timer runs it, a repeating one runs a clone of it each time.
    Task task;
    //! For error messages: "Pool::submitLater", ...
    const char *caller = "";
};

} // namespace FastThreadPool::detail
