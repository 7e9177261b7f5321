// Workload 5: the CPU an idle pool burns. A burst of empty jobs, wait until they are done,
// then the process CPU time used in the next 20 ms and in the next 1 s (both windows start
// at the end of the burst; the measuring thread sleeps through them). Milliseconds of CPU.
#include "textbookpool.h"
#include "workloads.h"

#include <fastthreadpool/pool.h>

#include <QtCore/qthreadpool.h>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <time.h>

#include <atomic>
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
template <class Burst>
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

// Counts down from `jobs`; for pools without a wait of their own that leaves them running.
struct Countdown
{
    explicit Countdown(int jobs) : left(jobs) { }
    void done()
    {
        if (left.fetch_sub(1, std::memory_order_acq_rel) == 1)
            left.notify_one();
    }
    void wait()
    {
        for (int v = left.load(); v != 0; v = left.load())
            left.wait(v);
    }
    std::atomic<int> left;
};

Workload idleAfterBurst(int workers, int jobs, Windows windows)
{
    Workload w{"idle CPU after a burst of " + std::to_string(jobs / 1000) + "k jobs ("
                       + std::to_string(workers) + " workers)",
               {"CPU ms, next " + label(windows.first), "CPU ms, next " + label(windows.second)},
               false,
               {}};
    w.peers.push_back({"FastThreadPool", [=] {
                           FastThreadPool::Pool pool({.maxChildren = workers,
                                                      .doneCallback = false});
                           return idleCpu(windows, [&] {
                               for (int i = 0; i < jobs; ++i)
                                   pool.submit([] {});
                               pool.waitIdle();
                           });
                       }});
    w.peers.push_back({"QThreadPool", [=] {
                           QThreadPool pool;
                           pool.setMaxThreadCount(workers);
                           return idleCpu(windows, [&] {
                               for (int i = 0; i < jobs; ++i)
                                   pool.start([] {});
                               pool.waitForDone();
                           });
                       }});
    w.peers.push_back({"oneTBB task_group", [=] {
                           tbb::task_arena arena(workers);
                           return idleCpu(windows, [&] {
                               arena.execute([&] {
                                   tbb::task_group group;
                                   for (int i = 0; i < jobs; ++i)
                                       group.run([] {});
                                   group.wait();
                               });
                           });
                       }});
    w.peers.push_back({"Boost.Asio thread_pool", [=] {
                           boost::asio::thread_pool pool{std::size_t(workers)};
                           Countdown countdown(jobs);
                           return idleCpu(windows, [&] {
                               for (int i = 0; i < jobs; ++i)
                                   boost::asio::post(pool, [&countdown] { countdown.done(); });
                               countdown.wait();
                           });
                       }});
    w.peers.push_back({"mutex+condvar pool", [=] {
                           TextbookPool pool(workers);
                           return idleCpu(windows, [&] {
                               for (int i = 0; i < jobs; ++i)
                                   pool.submit([] {});
                               pool.waitIdle();
                           });
                       }});
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
