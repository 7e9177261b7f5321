// Workload 7: timers. Many pending timers, their delays spread over 100..300 ms: the cost of
// scheduling one while that many are pending, how late they fire (p50, p99), and the memory
// a pending timer holds (growth of the resident set / timers). Ours: Pool::submitDoneLater;
// peer: one QTimer::singleShot (Qt::PreciseTimer) per job, on a worker QThread running an
// event loop. Each timer's job records how late it started.
#include "workloads.h"

#include <fastthreadpool/pool.h>

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qthread.h>
#include <QtCore/qtimer.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <latch>
#include <random>
#include <thread>
#include <vector>

namespace Bench {

namespace {

using Clock = std::chrono::steady_clock;

double residentBytes()
{
    long pages = 0, resident = 0;
    if (FILE *statm = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(statm, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        std::fclose(statm);
    }
    return double(resident) * double(sysconf(_SC_PAGESIZE));
}

struct Plan
{
    std::vector<std::chrono::microseconds> delays;
};

Plan makePlan(int timers, std::chrono::milliseconds from, std::chrono::milliseconds to)
{
    std::mt19937 random(7);
    std::uniform_int_distribution<long> pick(std::chrono::microseconds(from).count(),
                                             std::chrono::microseconds(to).count());
    Plan plan;
    for (int i = 0; i < timers; ++i)
        plan.delays.emplace_back(pick(random));
    return plan;
}

// What every run measures, once its timers all fired.
struct Firing
{
    explicit Firing(std::size_t timers) : lateNs(timers) { }
    std::vector<std::int64_t> lateNs;
    std::atomic<std::size_t> fired{0};

    void record(std::size_t i, Clock::time_point due)
    {
        lateNs[i]
                = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - due).count();
        fired.fetch_add(1, std::memory_order_release);
    }
    void waitAll()
    {
        while (fired.load(std::memory_order_acquire) < lateNs.size())
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    Values summary(double scheduleNs, double bytes) const
    {
        std::vector<double> late(lateNs.begin(), lateNs.end());
        for (double &ns : late)
            ns /= 1e6;
        for (double ms : late)
            if (ms < 0)
                fail("a timer fired early");
        return {scheduleNs, percentile(late, 0.5), percentile(late, 0.99),
                bytes / double(lateNs.size())};
    }
};

Values ours(const Plan &plan)
{
    FastThreadPool::Pool pool({.maxChildren = 2, .doneCallback = false});
    Firing firing(plan.delays.size());
    const double before = residentBytes();
    QElapsedTimer timer;
    timer.start();
    for (std::size_t i = 0; i < plan.delays.size(); ++i) {
        const auto due = Clock::now() + plan.delays[i];
        pool.submitDoneLater(
                plan.delays[i], [&firing, i, due] { firing.record(i, due); }, false);
    }
    const double scheduleNs = double(timer.nsecsElapsed()) / double(plan.delays.size());
    const double bytes = residentBytes() - before;
    firing.waitAll();
    return firing.summary(scheduleNs, bytes);
}

Values qtimers(const Plan &plan)
{
    QThread worker;
    worker.start(); // QThread::run() runs an event loop
    QObject context;
    context.moveToThread(&worker);
    Firing firing(plan.delays.size());
    const double before = residentBytes();
    QElapsedTimer timer;
    timer.start();
    for (std::size_t i = 0; i < plan.delays.size(); ++i) {
        const auto due = Clock::now() + plan.delays[i];
        const auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::ceil<std::chrono::milliseconds>(plan.delays[i]));
        QMetaObject::invokeMethod(
                &context,
                [&context, &firing, i, due, delay] {
                    QTimer::singleShot(delay, Qt::PreciseTimer, &context,
                                       [&firing, i, due] { firing.record(i, due); });
                },
                Qt::QueuedConnection);
    }
    // The timers exist once the worker handled every request.
    std::latch registered(1);
    QMetaObject::invokeMethod(
            &context, [&registered] { registered.count_down(); }, Qt::QueuedConnection);
    registered.wait();
    const double scheduleNs = double(timer.nsecsElapsed()) / double(plan.delays.size());
    const double bytes = residentBytes() - before;
    firing.waitAll();
    worker.quit();
    worker.wait();
    return firing.summary(scheduleNs, bytes);
}

} // namespace

std::vector<Workload> timerWorkloads(const Options &options)
{
    const int timers = options.quick ? 5'000 : 100'000;
    const auto plan = std::make_shared<Plan>(
            options.quick
                    ? makePlan(timers, std::chrono::milliseconds(20), std::chrono::milliseconds(60))
                    : makePlan(timers, std::chrono::milliseconds(100),
                               std::chrono::milliseconds(300)));
    Workload w{std::to_string(timers) + " pending timers, scheduled and fired",
               {"ns/schedule", "ms late p50", "ms late p99", "bytes/timer"},
               false,
               {},
               true};
    w.peers.push_back({"FastThreadPool", [plan] { return ours(*plan); }});
    w.peers.push_back({"QTimer::singleShot per job", [plan] { return qtimers(*plan); }});
    return {w};
}

} // namespace Bench
