// Workload 5: the CPU an idle pool burns. A burst of empty jobs, wait until they are done,
// then the process CPU time used in the next 20 ms and in the next 1 s (both windows start
// at the end of the burst; the measuring thread sleeps through them). Milliseconds of CPU.
#include "workloads.h"

#include <time.h>

#include <chrono>
#include <thread>

namespace Bench {

namespace {

struct Windows
{
    std::chrono::milliseconds first, second; // both measured from the end of the burst
};

std::string label(std::chrono::milliseconds window)
{
    return window.count() % 1000 == 0 ? std::to_string(window.count() / 1000) + " s"
                                      : std::to_string(window.count()) + " ms";
}

double processCpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

// Runs `burst` (which returns once its jobs are done, the pool still alive), then sleeps
// through both windows: the CPU the whole process used in each.
template<class Burst>
Values idleCpu(Windows windows, Burst &&burst)
{
    burst();
    const auto end = std::chrono::steady_clock::now();
    const double start = processCpuMs();
    std::this_thread::sleep_until(end + windows.first);
    const double first = processCpuMs();
    std::this_thread::sleep_until(end + windows.second);
    const double second = processCpuMs();
    return {first - start, second - start};
}

Workload idleAfterBurst(int workers, int jobs, Windows windows)
{
    Workload w{"idle CPU after a burst of " + std::to_string(jobs / 1000) + "k jobs ("
                       + std::to_string(workers) + " workers)",
               {"CPU ms, next " + label(windows.first), "CPU ms, next " + label(windows.second)},
               false,
               {}};
    w.peers = emptyJobPeers(workers, jobs, [windows](const std::function<void()> &burst) {
        return idleCpu(windows, burst);
    });
    return w;
}

} // namespace

std::vector<Workload> idleWorkloads(const Options &options)
{
    using namespace std::chrono_literals;
    const int jobs = options.quick ? 20'000 : 100'000;
    return {idleAfterBurst(2, jobs, options.quick ? Windows{20ms, 100ms} : Windows{20ms, 1000ms})};
}

} // namespace Bench
