// Workload 3: the round trip of one job: submit it, wait until it ran; microseconds per
// trip, as median, p90 and p99. Hot: back to back, so a worker is still awake; cold: after
// 300 us of idleness (spun, so the gap is exact), when most pools have put their workers to
// sleep. Every peer waits on the same semaphore, so the differences are the pools'.
#include "textbookpool.h"
#include "workloads.h"

#include <fastthreadpool/pool.h>
#include <fastthreadpool/semaphore.h>

#include <QtCore/qthreadpool.h>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <tbb/task_arena.h>

#include <chrono>

namespace Bench {

namespace {

using Clock = std::chrono::steady_clock;

struct Trips
{
    int samples;
    std::chrono::microseconds gap; // idle time before each trip
};

// Round trips through `submit`, which must run the job it is given on a pool thread.
// One untimed trip first, so that starting a lazily made worker is not a sample.
template<class Submit>
Values roundTrips(Trips trips, Submit &&submit)
{
    FastThreadPool::Semaphore done(0);
    const auto job = [&done] { done.release(); };
    submit(job);
    done.acquire();
    std::vector<double> us;
    us.reserve(std::size_t(trips.samples));
    for (int i = 0; i < trips.samples; ++i) {
        spinFor(trips.gap);
        const auto start = Clock::now();
        submit(job);
        done.acquire();
        us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    }
    return {percentile(us, 0.5), percentile(us, 0.9), percentile(us, 0.99)};
}

Workload roundTrip(const std::string &name, Trips trips)
{
    const int workers = 1;
    Workload w{name + " (1 worker)", {"us median", "us p90", "us p99"}, false, {}};
    w.peers.push_back({"FastThreadPool", [=] {
                           FastThreadPool::Pool pool(
                                   {.maxChildren = workers, .doneCallback = false});
                           return roundTrips(trips, [&](const auto &job) { pool.submit(job); });
                       }});
    w.peers.push_back({"QThreadPool", [=] {
                           QThreadPool pool;
                           pool.setMaxThreadCount(workers);
                           return roundTrips(trips, [&](const auto &job) { pool.start(job); });
                       }});
    w.peers.push_back({"mutex+condvar pool", [=] {
                           TextbookPool pool(workers);
                           return roundTrips(trips, [&](const auto &job) { pool.submit(job); });
                       }});
    w.peers.push_back({"Boost.Asio thread_pool", [=] {
                           boost::asio::thread_pool pool{std::size_t(workers)};
                           return roundTrips(
                                   trips, [&](const auto &job) { boost::asio::post(pool, job); });
                       }});
    w.peers.push_back({"oneTBB task_arena::enqueue", [=] {
                           // No slot reserved for a master: the job runs on a TBB worker.
                           tbb::task_arena arena(workers, 0);
                           return roundTrips(trips, [&](const auto &job) { arena.enqueue(job); });
                       }});
    return w;
}

} // namespace

std::vector<Workload> roundTripWorkloads(const Options &options)
{
    using namespace std::chrono_literals;
    const int scale = options.quick ? 10 : 1;
    return {roundTrip("round trip hot, back to back", {20'000 / scale, 0us}),
            roundTrip("round trip cold, after 300 us idle", {2'000 / scale, 300us})};
}

} // namespace Bench
