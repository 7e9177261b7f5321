// Delivery of results to the main (GUI) thread: jobs returning an int, their values counted
// by a receiver in the main thread's event loop. Time per result delivered (ns), and the
// responsiveness of that loop meanwhile: a 10 ms Qt::PreciseTimer probe in the main thread
// records how late each tick came (gap since the previous tick minus 10 ms, never below 0;
// a tick still due when the last result arrives counts too), printed per peer below the
// table with all rounds pooled.
//
// Peers, each run in the same process, the order rotated per round (see harness.h):
//   - FastThreadPool::Pool (default maxChildren), receiver on resultReady; and on
//     resultsReady (batches);
//   - one queued QMetaObject::invokeMethod per result, posted by jobs on the global
//     QThreadPool;
//   - one QFutureWatcher<int> per QtConcurrent::run job (finished counted);
//   - a continuation per job in the receiver's thread, .then(receiver, ...): by default on a
//     QPromise job started on the global QThreadPool after .then() was attached;
//     with --qt-run-then literally QtConcurrent::run(...).then(receiver, ...).
//
// Qt 6.4 (Debian 12 has 6.4.2): QtConcurrent::run(...).then(context, ...) crashes (SIGSEGV in
// QFutureInterfaceBase::reportStarted, in the main thread) after some 10^5..10^6 jobs.
// QFutureInterfaceBase::setContinuation runs the continuation itself when the future has
// already finished and then stores it anyway; the worker's runContinuation, right after
// the job finished, finds it stored and runs it a second time, with the QPromise already
// moved out: the posted continuation starts a null promise. Qt later added a
// continuationExecuted flag for this. Any future that finishes while .then(context) is
// being attached can hit it (FastThreadPool's submitFuture() too). So the default peer attaches
// the continuation before its job is queued: the same QPromise + QFutureInterface +
// continuation posted to the receiver per job as QtConcurrent::run().then(), without the race.
//
// The jobs are submitted from the main thread too, as a GUI does, in feeding slices of at
// most kFeedSlice posted to the loop, so that submitting never blocks the loop for long and
// every peer's submission interleaves with its delivery the same way. Each run spins a local
// QEventLoop, not QCoreApplication::exec(): quitting the application's loop would emit
// aboutToQuit, which stops every pool made while the application exists.
//
// The two per-job-future peers are some 10-40x slower per result: they deliver fewer results
// (100k instead of 1M; 10x fewer each under --quick); every figure is per result.
//
// Own executable (fastthreadpool_delivery): a run needs the main thread's event loop, and
// the goals of the issue are checked after the table.
//   fastthreadpool_delivery [--quick] [--rounds N] [--json FILE] [--filter TEXT] [--qt-run-then]
#include "harness.h"

#include <fastthreadpool/pool.h>

#include <QtConcurrent/qtconcurrentrun.h>
#include <QtCore/qcommandlineparser.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qfuturewatcher.h>
#include <QtCore/qpromise.h>
#include <QtCore/qrunnable.h>
#include <QtCore/qthread.h>
#include <QtCore/qthreadpool.h>
#include <QtCore/qtimer.h>

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace Bench {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kProbeInterval = 10ms;
constexpr auto kFeedSlice = 500us; // longest the main thread submits before the loop runs
constexpr auto kWatchdog = 120s; // a run that takes longer is a failure, not a figure

// The goals.
constexpr double kGoalVsWatcher = 10; // ours >= 10x faster than a watcher per job
constexpr double kGoalVsInvoke = 3; // ours >= 3x faster than invokeMethod per result
constexpr double kGoalProbeP99Ms = 16; // the probe's p99 lateness, ours

// What one run of one peer measured.
struct Outcome
{
    double nsPerResult;
    double submitNs; // of nsPerResult: the main thread submitting (per job)
    double mainCpuNs; // CPU time of the main thread, per result
    double cpuNs; // CPU time of the whole process, per result
    double preemptedPerS; // involuntary context switches of the main thread, per second
    std::vector<double> lateMs; // one per probe tick
};

// Every run of every peer, by peer name, in run order (one per round): the goals below the
// table are computed from these, as the table's ratios are (median of per-round ratios).
std::map<std::string, std::vector<Outcome>> &outcomes()
{
    static std::map<std::string, std::vector<Outcome>> all;
    return all;
}

double cpuNs(clockid_t clock)
{
    timespec now{};
    clock_gettime(clock, &now);
    return double(now.tv_sec) * 1e9 + double(now.tv_nsec);
}

long mainPreemptions()
{
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    return usage.ru_nivcsw;
}

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// One run: `submit(i)` starts job i (which returns i) from the main thread; the peer's
// delivery calls received(value) in the main thread. run() returns once all `n` values
// arrived, checking their sum (nothing lost, nothing twice).
class Delivery
{
public:
    explicit Delivery(int n) : m_n(n) { }

    //! The receiver: the context object of every connection, in the main thread.
    QObject *context() { return &m_receiver; }

    //! Main thread: one value arrived.
    void received(int value)
    {
        m_sum += value;
        if (++m_count == m_n) {
            m_end = Clock::now();
            m_loop.quit();
        }
    }

    template<class Submit>
    Outcome run(const std::string &peer, Submit &&submit,
                const std::function<std::string()> &state = {})
    {
        Outcome outcome;
        outcome.lateMs.reserve(1024);
        Clock::time_point lastTick;
        QTimer probe;
        probe.setTimerType(Qt::PreciseTimer);
        probe.setInterval(kProbeInterval);
        QObject::connect(&probe, &QTimer::timeout, &m_receiver, [&] {
            const auto now = Clock::now();
            outcome.lateMs.push_back(std::max(0.0, ms(now - lastTick - kProbeInterval)));
            lastTick = now;
        });

        bool timedOut = false;
        QTimer watchdog;
        watchdog.setSingleShot(true);
        watchdog.setInterval(kWatchdog);
        QObject::connect(&watchdog, &QTimer::timeout, &m_receiver, [&] {
            timedOut = true;
            m_loop.quit();
        });

        int next = 0;
        Clock::duration submitting{};
        std::function<void()> feed = [&] {
            const auto from = Clock::now();
            auto now = from;
            while (next < m_n) {
                const int end = std::min(m_n, next + 16);
                for (; next < end; ++next)
                    submit(next);
                now = Clock::now();
                if (now - from >= kFeedSlice)
                    break;
            }
            submitting += now - from;
            if (next < m_n)
                QMetaObject::invokeMethod(&m_receiver, feed, Qt::QueuedConnection);
        };

        const double mainCpu = cpuNs(CLOCK_THREAD_CPUTIME_ID);
        const double cpu = cpuNs(CLOCK_PROCESS_CPUTIME_ID);
        const long preempted = mainPreemptions();
        const auto start = Clock::now();
        lastTick = start;
        probe.start();
        watchdog.start();
        QMetaObject::invokeMethod(&m_receiver, feed, Qt::QueuedConnection);
        m_loop.exec();
        outcome.mainCpuNs = (cpuNs(CLOCK_THREAD_CPUTIME_ID) - mainCpu) / double(m_n);
        outcome.cpuNs = (cpuNs(CLOCK_PROCESS_CPUTIME_ID) - cpu) / double(m_n);
        outcome.preemptedPerS = double(mainPreemptions() - preempted)
                / std::chrono::duration<double>(Clock::now() - start).count();
        probe.stop();
        watchdog.stop();

        if (timedOut) {
            std::ostringstream out;
            out << peer << ": only " << m_count << " of " << m_n << " results arrived in "
                << std::chrono::duration_cast<std::chrono::seconds>(kWatchdog).count() << " s ("
                << next << " jobs submitted, " << outcome.lateMs.size() << " probe ticks)";
            if (state)
                out << "; " << state();
            fail(out.str());
        }
        const qint64 expected = qint64(m_n) * (m_n - 1) / 2;
        if (m_sum != expected)
            fail(peer + ": the values received sum to " + std::to_string(m_sum) + ", expected "
                 + std::to_string(expected));
        // The tick due and not yet served when the last result arrived is late too.
        if (m_end - lastTick > kProbeInterval)
            outcome.lateMs.push_back(ms(m_end - lastTick - kProbeInterval));
        outcome.nsPerResult
                = std::chrono::duration<double, std::nano>(m_end - start).count() / double(m_n);
        outcome.submitNs
                = std::chrono::duration<double, std::nano>(submitting).count() / double(m_n);
        return outcome;
    }

private:
    QObject m_receiver;
    QEventLoop m_loop;
    const int m_n;
    int m_count = 0;
    qint64 m_sum = 0;
    Clock::time_point m_end;
};

// Records a run's outcome for the goals and the probe's table; the harness gets the time.
Values report(const std::string &peer, Outcome outcome)
{
    const double ns = outcome.nsPerResult;
    outcomes()[peer].push_back(std::move(outcome));
    return ns;
}

const std::string kOursEach = "FastThreadPool resultReady";
const std::string kOursBatched = "FastThreadPool resultsReady (batches)";
const std::string kInvoke = "invokeMethod per result (QThreadPool)";
const std::string kWatcher = "QFutureWatcher per job (QtConcurrent)";
const std::string kThenPromise = "QPromise job + .then(receiver)";
const std::string kThenRun = "QtConcurrent::run().then(receiver)";
std::string thenPeer = kThenPromise; // the continuation peer: kThenRun with --qt-run-then

std::string poolState(const FastThreadPool::Pool &pool)
{
    return "pool: pending " + std::to_string(pool.pending()) + ", busy "
            + std::to_string(pool.busy()) + ", done() queue " + std::to_string(pool.doneQueued())
            + ", failed() queue " + std::to_string(pool.failedQueued()) + ", submitted "
            + std::to_string(pool.submitted()) + ", completed " + std::to_string(pool.completed())
            + ", alive " + std::to_string(pool.alive());
}

Outcome oursEach(int n)
{
    FastThreadPool::Pool pool;
    Delivery delivery(n);
    QObject::connect(&pool, &FastThreadPool::Pool::resultReady, delivery.context(),
                     [&delivery](FastThreadPool::JobId, const QVariant &value) {
                         delivery.received(value.toInt());
                     });
    return delivery.run(
            kOursEach, [&pool](int i) { pool.submit([i] { return i; }); },
            [&pool] { return poolState(pool); });
}

Outcome oursBatched(int n)
{
    FastThreadPool::Pool pool;
    Delivery delivery(n);
    QObject::connect(&pool, &FastThreadPool::Pool::resultsReady, delivery.context(),
                     [&delivery](const QList<FastThreadPool::Result> &results) {
                         for (const FastThreadPool::Result &result : results)
                             delivery.received(result.value.toInt());
                     });
    return delivery.run(
            kOursBatched, [&pool](int i) { pool.submit([i] { return i; }); },
            [&pool] { return poolState(pool); });
}

std::string globalPoolState()
{
    return "QThreadPool::globalInstance: active threads "
            + std::to_string(QThreadPool::globalInstance()->activeThreadCount());
}

Outcome invokePerResult(int n)
{
    QThreadPool *threads = QThreadPool::globalInstance();
    Delivery delivery(n);
    QObject *receiver = delivery.context();
    Outcome outcome = delivery.run(
            kInvoke,
            [threads, receiver, &delivery](int i) {
                threads->start([receiver, &delivery, i] {
                    QMetaObject::invokeMethod(
                            receiver, [&delivery, i] { delivery.received(i); },
                            Qt::QueuedConnection);
                });
            },
            globalPoolState);
    threads->waitForDone(); // the jobs return after posting: none outlives the receiver
    return outcome;
}

Outcome watcherPerJob(int n)
{
    Delivery delivery(n);
    QObject *receiver = delivery.context();
    Outcome outcome = delivery.run(
            kWatcher,
            [receiver, &delivery](int i) {
                auto *watcher = new QFutureWatcher<int>(receiver);
                QObject::connect(watcher, &QFutureWatcherBase::finished, receiver,
                                 [watcher, &delivery] {
                                     delivery.received(watcher->result());
                                     watcher->deleteLater();
                                 });
                watcher->setFuture(QtConcurrent::run([i] { return i; }));
            },
            globalPoolState);
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    return outcome;
}

// What QtConcurrent::run() starts (RunFunctionTask: a QRunnable reporting to a promise), the
// future taken before the job is queued, so that .then() is attached before it can finish.
class PromiseJob : public QRunnable
{
public:
    explicit PromiseJob(int value) : m_value(value) { }
    QFuture<int> future() { return m_promise.future(); }
    void run() override
    {
        m_promise.start();
        m_promise.addResult(m_value);
        m_promise.finish();
    }

private:
    QPromise<int> m_promise;
    const int m_value;
};

Outcome thenPerJob(int n)
{
    Delivery delivery(n);
    QObject *receiver = delivery.context();
    const auto deliver = [&delivery](int value) { delivery.received(value); };
    Outcome outcome = thenPeer == kThenRun
            ? delivery.run(
                    thenPeer,
                    [receiver, &deliver](int i) {
                        QtConcurrent::run([i] { return i; }).then(receiver, deliver);
                    },
                    globalPoolState)
            : delivery.run(
                    thenPeer,
                    [receiver, &deliver](int i) {
                        auto *job = new PromiseJob(i); // the pool deletes it
                        job->future().then(receiver, deliver);
                        QThreadPool::globalInstance()->start(job);
                    },
                    globalPoolState);
    QThreadPool::globalInstance()->waitForDone();
    return outcome;
}

struct Sizes
{
    int many; // ours and invokeMethod
    int few; // a future per job
};

std::string count(int n)
{
    return n % 1'000'000 == 0 ? std::to_string(n / 1'000'000) + "M"
                              : std::to_string(n / 1000) + "k";
}

std::vector<Workload> deliveryWorkloads(Sizes sizes)
{
    Workload w{count(sizes.many) + " int results to the main thread (futures: " + count(sizes.few)
                       + ")",
               {"ns/result"},
               false,
               {}};
    const auto peer = [](const std::string &name, Outcome (*run)(int), int n) {
        return Peer{name, [=] { return report(name, run(n)); }};
    };
    w.peers = {peer(kOursEach, oursEach, sizes.many), peer(kOursBatched, oursBatched, sizes.many),
               peer(kInvoke, invokePerResult, sizes.many), peer(kWatcher, watcherPerJob, sizes.few),
               peer(thenPeer, thenPerJob, sizes.few)};
    return {w};
}

// Median and quartiles over rounds of theirs / ours ("x faster"): both peers ran once in
// every round, so run k of one and run k of the other are from the same round.
struct Speedup
{
    double median, low, high;
};

Speedup speedup(const std::string &ours, const std::string &theirs)
{
    const auto &a = outcomes().at(ours);
    const auto &b = outcomes().at(theirs);
    std::vector<double> ratios;
    for (std::size_t k = 0; k < std::min(a.size(), b.size()); ++k)
        ratios.push_back(b[k].nsPerResult / a[k].nsPerResult);
    return {percentile(ratios, 0.5), percentile(ratios, 0.25), percentile(ratios, 0.75)};
}

const char *verdict(bool met) { return met ? "met" : "NOT MET"; }

void printGoals(Sizes sizes)
{
    if (outcomes().count(kOursEach) == 0)
        return; // filtered out
    std::printf("\nDelivery to the main thread: %s results per run for FastThreadPool and "
                "invokeMethod, %s for the future-per-job peers (fewer: they are slow); all "
                "figures per result. Jobs submitted from the main thread in slices of <= %lld "
                "us.\n",
                count(sizes.many).c_str(), count(sizes.few).c_str(),
                static_cast<long long>(std::chrono::microseconds(kFeedSlice).count()));
    std::printf("\nGoals of the issue (speed-up = median over rounds of theirs/ours ns per "
                "result, 25%%..75%%):\n");
    for (const std::string &ours : {kOursEach, kOursBatched}) {
        const struct
        {
            const std::string &peer;
            double goal;
        } goals[] = {{kWatcher, kGoalVsWatcher}, {kInvoke, kGoalVsInvoke}, {thenPeer, 0}};
        for (const auto &g : goals) {
            const Speedup s = speedup(ours, g.peer);
            std::printf("  %-38s vs %-38s %7.2fx faster (%.2f..%.2f)", ours.c_str(), g.peer.c_str(),
                        s.median, s.low, s.high);
            if (g.goal > 0)
                std::printf("   goal >= %gx: %s\n", g.goal, verdict(s.median >= g.goal));
            else
                std::printf("   (no goal)\n");
        }
    }
    std::printf("\nProbe: lateness of a 10 ms PreciseTimer in the main thread during the runs, "
                "all rounds pooled (ms); goal for ours: p99 <= %g ms. ns/result: median over "
                "rounds; (submit): the part of it the main thread spent submitting; main CPU, "
                "all CPU: ns of CPU per result, the main thread's and the process's; preempt/s: "
                "involuntary context switches of the main thread per second (medians).\n",
                kGoalProbeP99Ms);
    std::printf("  %-40s %6s %7s %7s %7s %10s %8s %9s %9s %10s\n", "peer", "ticks", "p50", "p99",
                "max", "ns/result", "(submit)", "main CPU", "all CPU", "preempt/s");
    for (const std::string &peer : {kOursEach, kOursBatched, kInvoke, kWatcher, thenPeer}) {
        std::vector<double> late, ns, submitNs, mainCpu, cpu, preempted;
        for (const Outcome &o : outcomes().at(peer)) {
            late.insert(late.end(), o.lateMs.begin(), o.lateMs.end());
            ns.push_back(o.nsPerResult);
            submitNs.push_back(o.submitNs);
            mainCpu.push_back(o.mainCpuNs);
            cpu.push_back(o.cpuNs);
            preempted.push_back(o.preemptedPerS);
        }
        const std::size_t ticks = late.size();
        if (late.empty())
            late.push_back(0);
        const double p99 = percentile(late, 0.99);
        std::printf("  %-40s %6zu %7.3f %7.3f %7.3f %10.0f %8.0f %9.0f %9.0f %10.0f", peer.c_str(),
                    ticks, percentile(late, 0.5), p99, *std::max_element(late.begin(), late.end()),
                    percentile(ns, 0.5), percentile(submitNs, 0.5), percentile(mainCpu, 0.5),
                    percentile(cpu, 0.5), percentile(preempted, 0.5));
        if (peer == kOursEach || peer == kOursBatched)
            std::printf("   goal p99 <= %g ms: %s", kGoalProbeP99Ms,
                        verdict(p99 <= kGoalProbeP99Ms));
        std::printf("\n");
    }
}

} // namespace

} // namespace Bench

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption({"qt-run-then",
                      "The continuation peer as QtConcurrent::run().then(receiver) "
                      "(crashes on Qt 6.4, see delivery.cpp) instead of a QPromise "
                      "job with .then(receiver) attached first."});
    const Bench::Options options = Bench::parseOptions(
            parser, app,
            "Results delivered to the main thread: FastThreadPool's signals against "
            "invokeMethod, QFutureWatcher and QFuture::then per job, with a 10 ms "
            "responsiveness probe.",
            15);
    if (parser.isSet("qt-run-then"))
        Bench::thenPeer = Bench::kThenRun;

    const Bench::Sizes sizes
            = options.quick ? Bench::Sizes{100'000, 10'000} : Bench::Sizes{1'000'000, 100'000};
    std::printf("FastThreadPool delivery benchmark: %d cores, %d rounds%s\n",
                QThread::idealThreadCount(), options.rounds, options.quick ? " (quick)" : "");

    // One small untimed run of each peer first: thread start-up, first allocations.
    auto workloads = Bench::deliveryWorkloads({2'000, 2'000});
    if (options.filter.isEmpty()
        || QString::fromStdString(workloads.front().name).contains(options.filter)) {
        for (const Bench::Peer &peer : workloads.front().peers)
            peer.run();
    }
    Bench::outcomes().clear();

    workloads = Bench::deliveryWorkloads(sizes);
    const auto records = Bench::run(workloads, options);
    Bench::printTable(records);
    Bench::printGoals(sizes);
    if (!options.json.isEmpty())
        Bench::writeJson(records, options.json);
    return 0;
}
