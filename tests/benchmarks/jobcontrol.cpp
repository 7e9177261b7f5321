// Job control: what cancel checks, progress reports and cancel requests cost, side by side
// with Qt's QPromise (QtConcurrent's job control), each in the same process and round.
//
//   - isCancelled() in a hot loop: ns per call of ThisJob::isCancelled() inside a job, a
//     plain std::atomic<bool> relaxed load in the same loop, and QPromise::isCanceled()
//     inside a QtConcurrent::run(QPromise &) job.
//   - progress from 2 jobs calling it 10^6 times each, the receiver in the main thread's
//     event loop: ThisJob::setProgress() -> Pool::jobProgress against
//     QPromise::setProgressValue() -> QFutureWatcher::progressValueChanged. Signals the main
//     thread received per second per job, the time the jobs took (the reporting's cost),
//     and the p99 lateness of a 10 ms probe timer in the main thread.
//   - cancel latency: a job checks for a cancel every 10 us; the main thread cancels it
//     (Pool::cancel(id), QFuture::cancel()) and measures until the job saw it (median, p99
//     of 200 cancels per run).
//
//   fastthreadpool_jobcontrol [--quick] [--rounds N] [--json FILE] [--filter TEXT]
#include "harness.h"

#include <fastthreadpool/pool.h>
#include <fastthreadpool/thisjob.h>

#include <QtConcurrent/qtconcurrentrun.h>
#include <QtCore/qcommandlineparser.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qfuturewatcher.h>
#include <QtCore/qpromise.h>
#include <QtCore/qthread.h>
#include <QtCore/qthreadpool.h>
#include <QtCore/qtimer.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <semaphore>
#include <string>
#include <vector>

namespace Bench {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using FastThreadPool::JobId;
using FastThreadPool::Pool;

double nsSince(Clock::time_point start, double per)
{
    return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / per;
}

// ---- isCancelled() in a hot loop ------------------------------------------------------

//! Calls `check` `calls` times, counting the true answers (kept, so the loop stays).
template<class Check>
double loopNs(long calls, Check &&check)
{
    long hits = 0;
    const auto start = Clock::now();
    for (long i = 0; i < calls; ++i)
        hits += check() ? 1 : 0;
    keep(hits);
    if (hits != 0)
        fail("a cancel check said true in a job nobody cancelled");
    return nsSince(start, double(calls));
}

//! Runs `loop` (returning ns per call) as a plain job of a 1-child pool.
template<class Loop>
double inAPoolJob(Loop &&loop)
{
    Pool pool({.maxChildren = 1, .doneCallback = false});
    double ns = 0;
    pool.submit([&] { ns = loop(); });
    if (!pool.waitIdle(QDeadlineTimer(120s)))
        fail("the cancel-check job did not end within 120 s");
    return ns;
}

Workload cancelCheckWorkload(long calls)
{
    Workload w{"cancel check in a running job's hot loop", {"ns per call"}, false, {}};
    w.peers.push_back({"ThisJob::isCancelled()", [calls] {
                           return Values(inAPoolJob([calls] {
                               return loopNs(calls,
                                             [] { return FastThreadPool::ThisJob::isCancelled(); });
                           }));
                       }});
    w.peers.push_back({"std::atomic<bool> relaxed load", [calls] {
                           std::atomic<bool> flag{false};
                           return Values(inAPoolJob([calls, &flag] {
                               return loopNs(calls, [&flag] {
                                   // relaxed: the cheapest check there is, the baseline.
                                   return flag.load(std::memory_order_relaxed);
                               });
                           }));
                       }});
    w.peers.push_back(
            {"QPromise::isCanceled()", [calls] {
                 QFuture<double> f = QtConcurrent::run([calls](QPromise<double> &promise) {
                     promise.addResult(loopNs(calls, [&promise] { return promise.isCanceled(); }));
                 });
                 return Values(f.result());
             }});
    return w;
}

// ---- progress reports to the main thread ----------------------------------------------

struct ProgressRun
{
    double signalsPerSecondPerJob;
    double jobsMs; // until both jobs returned
    double probeP99Ms;
};

//! Runs `start(onDone)` (which starts 2 reporting jobs and calls onDone() from the main
//! thread once both returned) in a local event loop with a 10 ms probe; `received` counts
//! the progress signals received meanwhile.
template<class Start>
ProgressRun runProgress(Start &&start, const int &received)
{
    QEventLoop loop;
    std::vector<double> late;
    auto lastTick = Clock::now();
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(10ms);
    QObject::connect(&probe, &QTimer::timeout, &loop, [&] {
        const auto now = Clock::now();
        late.push_back(std::max(
                0.0, std::chrono::duration<double, std::milli>(now - lastTick - 10ms).count()));
        lastTick = now;
    });
    QTimer watchdog;
    watchdog.setSingleShot(true);
    QObject::connect(&watchdog, &QTimer::timeout, &loop,
                     [] { fail("the progress run did not end within 120 s"); });
    watchdog.start(120s);
    const auto begin = Clock::now();
    Clock::time_point jobsEnded;
    probe.start();
    start([&] {
        jobsEnded = Clock::now();
        loop.quit();
    });
    loop.exec();
    probe.stop();
    const double seconds = std::chrono::duration<double>(jobsEnded - begin).count();
    if (late.empty())
        late.push_back(0);
    return {double(received) / 2 / seconds,
            std::chrono::duration<double, std::milli>(jobsEnded - begin).count(),
            percentile(late, 0.99)};
}

Workload progressWorkload(int reports)
{
    Workload w{"progress: 2 jobs reporting " + std::to_string(reports) + " times each",
               {"signals per second per job", "ms until the jobs end", "probe p99 ms"},
               false,
               {}};
    w.peers.push_back({"ThisJob::setProgress -> jobProgress", [reports] {
                           Pool pool({.maxChildren = 2});
                           int received = 0;
                           std::atomic<int> left{2};
                           QObject receiver;
                           QObject::connect(
                                   &pool, &Pool::jobProgress, &receiver,
                                   [&received](JobId, int, int, const QString &) { ++received; });
                           const ProgressRun r = runProgress(
                                   [&](auto onDone) {
                                       // The end as the watcher peer sees it: the last job
                                       // to return posts it to the main thread.
                                       auto job = [reports, &left, &receiver, onDone] {
                                           for (int i = 1; i <= reports; ++i)
                                               FastThreadPool::ThisJob::setProgress(i, reports);
                                           if (left.fetch_sub(1) == 1)
                                               QMetaObject::invokeMethod(&receiver, onDone,
                                                                         Qt::QueuedConnection);
                                       };
                                       pool.submit(job);
                                       pool.submit(job);
                                   },
                                   received);
                           return Values{r.signalsPerSecondPerJob, r.jobsMs, r.probeP99Ms};
                       }});
    w.peers.push_back(
            {"QPromise::setProgressValue -> QFutureWatcher", [reports] {
                 int received = 0;
                 QObject receiver;
                 QFutureWatcher<void> first;
                 QFutureWatcher<void> second;
                 int finished = 0;
                 const ProgressRun r = runProgress(
                         [&](auto onDone) {
                             auto job = [reports](QPromise<void> &promise) {
                                 promise.setProgressRange(0, reports);
                                 for (int i = 1; i <= reports; ++i)
                                     promise.setProgressValue(i);
                             };
                             for (QFutureWatcher<void> *watcher : {&first, &second}) {
                                 QObject::connect(watcher,
                                                  &QFutureWatcher<void>::progressValueChanged,
                                                  &receiver, [&received] { ++received; });
                                 QObject::connect(watcher, &QFutureWatcher<void>::finished,
                                                  &receiver, [&finished, onDone] {
                                                      if (++finished == 2)
                                                          onDone();
                                                  });
                                 watcher->setFuture(QtConcurrent::run(job));
                             }
                         },
                         received);
                 return Values{r.signalsPerSecondPerJob, r.jobsMs, r.probeP99Ms};
             }});
    return w;
}

// ---- cancel latency -------------------------------------------------------------------

//! A job that checks `cancelled()` every 10 us until it is true, then stamps `seen`.
template<class Cancelled>
void checkEvery10us(Cancelled &&cancelled, std::binary_semaphore &started,
                    std::atomic<Clock::rep> &seen)
{
    started.release();
    while (!cancelled())
        spinFor(10us);
    // relaxed: read after the job ended (a join-like wait orders it).
    seen.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
}

Values latencyOf(std::vector<double> &us)
{
    return Values{percentile(us, 0.5), percentile(us, 0.99)};
}

Workload cancelLatencyWorkload(int cancels)
{
    Workload w{"cancel latency, a job checking every 10 us", {"us median", "us p99"}, false, {}};
    w.peers.push_back(
            {"Pool::cancel(id) -> ThisJob::isCancelled()", [cancels] {
                 Pool pool({.maxChildren = 1});
                 std::vector<double> us;
                 for (int i = 0; i < cancels; ++i) {
                     std::binary_semaphore started(0);
                     std::atomic<Clock::rep> seen{0};
                     const JobId id = pool.submit([&] {
                         checkEvery10us([] { return FastThreadPool::ThisJob::isCancelled(); },
                                        started, seen);
                     });
                     started.acquire();
                     const auto at = Clock::now();
                     pool.cancel(id);
                     pool.waitIdle();
                     us.push_back(std::chrono::duration<double, std::micro>(
                                          Clock::time_point(Clock::duration(seen.load())) - at)
                                          .count());
                 }
                 return latencyOf(us);
             }});
    w.peers.push_back(
            {"QFuture::cancel() -> QPromise::isCanceled()", [cancels] {
                 std::vector<double> us;
                 for (int i = 0; i < cancels; ++i) {
                     std::binary_semaphore started(0);
                     std::atomic<Clock::rep> seen{0};
                     QFuture<void> f = QtConcurrent::run([&](QPromise<void> &promise) {
                         checkEvery10us([&promise] { return promise.isCanceled(); }, started, seen);
                     });
                     started.acquire();
                     const auto at = Clock::now();
                     f.cancel();
                     f.waitForFinished();
                     us.push_back(std::chrono::duration<double, std::micro>(
                                          Clock::time_point(Clock::duration(seen.load())) - at)
                                          .count());
                 }
                 return latencyOf(us);
             }});
    return w;
}

} // namespace

} // namespace Bench

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const Bench::Options options = Bench::parseOptions(
            parser, app,
            "Job control: cancel checks, progress reports and cancel latency, FastThreadPool "
            "against QPromise.",
            7);
    const bool quick = options.quick;
    std::printf("FastThreadPool job-control benchmark: %d cores, %d rounds%s\n",
                QThread::idealThreadCount(), options.rounds, quick ? " (quick)" : "");
    const std::vector<Bench::Workload> workloads{
            Bench::cancelCheckWorkload(quick ? 1'000'000 : 50'000'000),
            Bench::progressWorkload(quick ? 100'000 : 1'000'000),
            Bench::cancelLatencyWorkload(quick ? 20 : 200),
    };
    const auto records = Bench::run(workloads, options);
    Bench::printTable(records);
    if (!options.json.isEmpty())
        Bench::writeJson(records, options.json);
    return 0;
}
