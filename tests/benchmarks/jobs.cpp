// Workload 1: many empty jobs from one submitter, results discarded (and kept).
#include "textbookpool.h"
#include "workloads.h"

#include <fastthreadpool/pool.h>

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qthreadpool.h>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <atomic>

namespace Bench {

namespace {

// Million jobs per second for `jobs` jobs submitted by `submitAll` and waited for by `wait`.
template<class Setup>
double throughput(int jobs, Setup &&setupAndRun)
{
    QElapsedTimer timer;
    timer.start();
    setupAndRun();
    return double(jobs) / double(timer.nsecsElapsed()) * 1e3;
}

// Counts down from `jobs`; for pools without a wait of their own that leaves them running.
struct Countdown
{
    explicit Countdown(int jobs) : left(jobs) { }
    void done()
    {
        // acq_rel: the last job's decrement publishes every job's effects to wait().
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

Workload emptyJobsDiscarded(int workers, int jobs)
{
    return {"empty jobs, results discarded (" + std::to_string(workers) + " workers)",
            {"Mjobs/s"},
            true,
            emptyJobPeers(workers, jobs, [jobs](const std::function<void()> &burst) -> Values {
                return throughput(jobs, burst);
            })};
}

Workload emptyJobsKept(int workers, int jobs)
{
    Workload w{"empty jobs, results kept + asCompleted (" + std::to_string(workers) + " workers)",
               {"Mjobs/s"},
               true,
               {}};
    w.peers.push_back({"FastThreadPool", [=] {
                           FastThreadPool::Pool pool({.maxChildren = workers});
                           return throughput(jobs, [&] {
                               for (int i = 0; i < jobs; ++i)
                                   pool.submit([i] { return i; });
                               long long sum = 0;
                               for (const auto &c : pool.asCompleted())
                                   sum += c.value().toInt();
                               keep(sum);
                           });
                       }});
    w.peers.push_back({"QThreadPool", [=] {
                           // The Qt way to keep results: a QFuture per job, then read them.
                           QThreadPool pool;
                           pool.setMaxThreadCount(workers);
                           std::vector<int> results(static_cast<std::size_t>(jobs));
                           return throughput(jobs, [&] {
                               for (int i = 0; i < jobs; ++i)
                                   pool.start([&results, i] { results[std::size_t(i)] = i; });
                               pool.waitForDone();
                               long long sum = 0;
                               for (int r : results)
                                   sum += r;
                               keep(sum);
                           });
                       }});
    return w;
}

} // namespace

std::vector<Peer> emptyJobPeers(int workers, int jobs, const BurstMeasure &measure)
{
    std::vector<Peer> peers;
    peers.push_back({"FastThreadPool", [=] {
                         FastThreadPool::Pool pool({.maxChildren = workers, .doneCallback = false});
                         return measure([&] {
                             for (int i = 0; i < jobs; ++i)
                                 pool.submit([] {});
                             pool.waitIdle();
                         });
                     }});
    peers.push_back({"QThreadPool", [=] {
                         QThreadPool pool;
                         pool.setMaxThreadCount(workers);
                         return measure([&] {
                             for (int i = 0; i < jobs; ++i)
                                 pool.start([] {});
                             pool.waitForDone();
                         });
                     }});
    peers.push_back({"oneTBB task_group", [=] {
                         tbb::task_arena arena(workers);
                         return measure([&] {
                             arena.execute([&] {
                                 tbb::task_group group;
                                 for (int i = 0; i < jobs; ++i)
                                     group.run([] {});
                                 group.wait();
                             });
                         });
                     }});
    peers.push_back({"oneTBB task_arena::enqueue", [=] {
                         tbb::task_arena arena(workers);
                         Countdown countdown(jobs);
                         return measure([&] {
                             for (int i = 0; i < jobs; ++i)
                                 arena.enqueue([&countdown] { countdown.done(); });
                             countdown.wait();
                         });
                     }});
    peers.push_back({"Boost.Asio thread_pool", [=] {
                         boost::asio::thread_pool pool{std::size_t(workers)};
                         Countdown countdown(jobs);
                         return measure([&] {
                             for (int i = 0; i < jobs; ++i)
                                 boost::asio::post(pool, [&countdown] { countdown.done(); });
                             countdown.wait();
                         });
                     }});
    peers.push_back({"mutex+condvar pool", [=] {
                         TextbookPool pool(workers);
                         return measure([&] {
                             for (int i = 0; i < jobs; ++i)
                                 pool.submit([] {});
                             pool.waitIdle();
                         });
                     }});
    return peers;
}

std::vector<Workload> jobWorkloads(const Options &options)
{
    const int jobs = options.quick ? 20'000 : 1'000'000;
    return {emptyJobsDiscarded(1, jobs), emptyJobsDiscarded(2, jobs), emptyJobsKept(1, jobs),
            emptyJobsKept(2, jobs)};
}

} // namespace Bench
