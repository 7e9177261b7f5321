// The timer family of Pool: submitLater, submitDoneLater, submitAt, submitDoneAt, schedule,
// scheduleDone, delayed(), scheduled(), cancel(TimerId), cancelTimers(), and what shutdown
// does to timers.
//
// Built twice from this source: tst_timers has a QCoreApplication, tst_timers_noapp
// (TIMERS_WITHOUT_APP) has no application object; the scheduler thread waits on the clock
// in both, and both must behave alike.
//
// Jobs only record (into atomics, or containers under a std::mutex); every check runs on the
// test thread. Time passes only through QTest::qWaitFor, TestSupport::Semaphore::tryAcquire
// with a timeout, or Pool::waitIdle(): never a sleep call.
#include <fastthreadpool/pool.h>

#include "hangguard.h"
#include "testsupport.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdatetime.h>
#include <QtCore/qdebug.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qlist.h>
#include <QtCore/qset.h>
#include <QtCore/qthread.h>
#include <QtTest/qtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#if defined(__SANITIZE_THREAD__)
#    define TIMERS_UNDER_TSAN 1
#elif defined(__has_feature)
#    if __has_feature(thread_sanitizer)
#        define TIMERS_UNDER_TSAN 1
#    endif
#endif

using namespace std::chrono_literals;
using FastThreadPool::JobId;
using FastThreadPool::Pool;
using FastThreadPool::PoolStopped;
using FastThreadPool::Result;
using FastThreadPool::TimerId;
using TestSupport::Gate;
using TestSupport::GateOpener;
using TestSupport::kWaitMs;
using TestSupport::waitDeadline;

namespace FastThreadPool {
// Found by QCOMPARE through ADL: failure messages show the ids.
inline char *toString(const TimerId &id) { return qstrdup(QByteArray::number(id.value)); }
} // namespace FastThreadPool

namespace {

using Clock = std::chrono::steady_clock;
using SysClock = std::chrono::system_clock;

// The timing bounds the issue states are checked as stated; ThreadSanitizer slows every
// thread down several times, so under it only these pure timing bounds are relaxed (the
// correctness checks stay: exactly once, never early, never after cancel).
#if defined(TIMERS_UNDER_TSAN)
constexpr auto kFixedRateTolerance = 200ms; // run 100 of a 10 ms timer vs start + 1000 ms
constexpr int kMinRunsIn550Ms = 3; // schedule(100 ms)
constexpr auto kSubmitAtLatest = 1500ms; // submitAt(now + 200 ms)
constexpr auto kFirstRunLatest = 1000ms; // schedule(100 ms): first run
constexpr int kMinSlowRuns = 3; // 35 ms runs of a 10 ms timer in 400 ms
constexpr double kMinOnGrid = 0.5; // share of those runs starting on the grid
#else
constexpr auto kFixedRateTolerance = 30ms;
constexpr int kMinRunsIn550Ms = 4;
constexpr auto kSubmitAtLatest = 600ms;
constexpr auto kFirstRunLatest = 400ms;
constexpr int kMinSlowRuns = 6;
constexpr double kMinOnGrid = 0.5; // started when the previous ended, none would be (~5 ms off)
#endif

double toMs(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

//! The start times of a timer's runs, recorded inside the runs (any thread).
class RunLog
{
public:
    void record()
    {
        const auto now = Clock::now();
        std::lock_guard lock(m_mutex);
        m_starts.push_back(now);
    }
    //! A job that records its start.
    auto job()
    {
        return [this] { record(); };
    }
    std::vector<Clock::time_point> starts() const
    {
        std::lock_guard lock(m_mutex);
        return m_starts;
    }
    int count() const
    {
        std::lock_guard lock(m_mutex);
        return int(m_starts.size());
    }
    //! Runs that started before `limit`.
    int countBefore(Clock::time_point limit) const
    {
        std::lock_guard lock(m_mutex);
        return int(std::count_if(m_starts.begin(), m_starts.end(),
                                 [limit](Clock::time_point t) { return t < limit; }));
    }

private:
    mutable std::mutex m_mutex;
    std::vector<Clock::time_point> m_starts;
};

//! The reference start of a measurement: a steady-clock time for comparing recorded run
//! starts, and an elapsed timer for waiting. Create it just before the call measured.
struct Stopwatch
{
    Stopwatch()
    {
        t0 = Clock::now(); // first: elapsed() >= x implies now - t0 >= x
        timer.start();
    }
    qint64 elapsed() const { return timer.elapsed(); }
    //! Waits (spinning the event loop) until `ms` have passed since the start.
    bool waitUntil(qint64 ms) const
    {
        const int timeout = int(std::max<qint64>(0, ms - timer.elapsed())) + kWaitMs;
        return QTest::qWaitFor([this, ms] { return timer.elapsed() >= ms; }, timeout);
    }

    Clock::time_point t0;
    QElapsedTimer timer;
};

//! Lets `ms` pass: a window in which something must not happen.
bool letPass(qint64 ms) { return Stopwatch().waitUntil(ms); }

QString offsetsText(const std::vector<Clock::time_point> &starts, Clock::time_point t0)
{
    QStringList parts;
    for (Clock::time_point t : starts)
        parts.append(QString::number(toMs(t - t0), 'f', 2));
    return parts.join(QStringLiteral(", "));
}

QList<TimerId> sorted(QList<TimerId> ids)
{
    std::sort(ids.begin(), ids.end());
    return ids;
}

//! The message of the `Exception` that `call` throws (a marker text otherwise).
template<class Exception, class F>
QString messageOf(F &&call)
{
    try {
        call();
    } catch (const Exception &e) {
        return QString::fromUtf8(e.what());
    } catch (...) {
        return QStringLiteral("<another exception>");
    }
    return QStringLiteral("<no exception>");
}

/*!
    Two live timers that a refused call must leave alone: one listed by delayed(), one by
    scheduled(). Create it, make the refused calls, then verifyUndisturbed().
*/
class Bystanders
{
public:
    explicit Bystanders(Pool &pool) : m_pool(pool)
    {
        m_delayed = pool.submitLater(300ms, [this] { m_delayedRuns.fetch_add(1); });
        m_scheduled = pool.submitAt(SysClock::now() + 300ms, 0ms,
                                    [this] { m_scheduledRuns.fetch_add(1); });
    }

    //! The lists are as before, nothing was queued, and both timers still fire, once.
    void verifyUndisturbed()
    {
        QCOMPARE(m_pool.delayed(), QList<TimerId>{m_delayed});
        QCOMPARE(m_pool.scheduled(), QList<TimerId>{m_scheduled});
        QCOMPARE(m_pool.pending(), qint64(0));
        QVERIFY(QTest::qWaitFor(
                [this] { return m_delayedRuns.load() >= 1 && m_scheduledRuns.load() >= 1; },
                kWaitMs));
        QVERIFY(m_pool.waitIdle(waitDeadline()));
        QCOMPARE(m_delayedRuns.load(), 1);
        QCOMPARE(m_scheduledRuns.load(), 1);
        QVERIFY(m_pool.delayed().isEmpty());
        QVERIFY(m_pool.scheduled().isEmpty());
    }

private:
    Pool &m_pool;
    TimerId m_delayed;
    TimerId m_scheduled;
    std::atomic<int> m_delayedRuns{0};
    std::atomic<int> m_scheduledRuns{0};
};

} // namespace

class tst_Timers : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    // The list.
    void submitLaterIsListedInDelayedUntilItFires();
    void submitLaterRunGoesAheadOfQueuedJobs();
    void scheduleDoesNotRunImmediately();
    void scheduleRunsFivePlusMinusOneTimesIn550Ms();
    void cancelStopsPeriodicTimer();
    void cancelBeforeFirstRunPreventsEveryRun();
    void scheduleKeepsFixedRate();
    void slowRunsAreSkippedNotPiledUp();
    void submitAtRunsAtThatTime_data();
    void submitAtRunsAtThatTime();
    void submitAtInThePastThrows();
    void submitAtWithIntervalRepeats_data();
    void submitAtWithIntervalRepeats();
    void tenThousandDelayedJobsFireOnceAndNeverEarly();
    void cancelTimersStopsEveryTimer();
    void shutdownAllDropsTimers();
    void destroyedPoolFiresNothingLate();

    // Bad input: thrown at the call, nothing else disturbed.
    void negativeDelayThrows();
    void nonPositiveScheduleIntervalThrows();
    void negativeSubmitAtIntervalThrows();
    void invalidDateTimeThrows();
    void nullFunctionThrows();
    void timerAfterShutdownChildrenThrowsPoolStopped();

    // Also.
    void submitDoneLaterHandsValueToCallableOrDiscardsIt();
    void submitDoneAtHandsValueToCallableOrDiscardsIt();
    void scheduleDoneHandsValueToCallableOrDiscardsIt();
    void periodicRunsGetNewJobIds();
    void timerIdsAreUniqueAndNonZero();
    void cancelUnknownOrFinishedTimerReturnsFalse();
    void delayedAndScheduledListTheRightKinds();
    void timersAreNotPendingAndNotWaitedFor();
    void shutdownReturnsWithTimersPendingAndNoneFiresLater();
    void moveOnlyPeriodicFunctionThrows();
    void timerIdDebugOutput();

    // Beyond the list.
    void cancelQueuedRunNeverStarts_data();
    void cancelQueuedRunNeverStarts();
    void timerFiresWhileCallerBlocks();
    void timersFromManyThreadsFireOnceOrNeverWhenCancelled();
    void firedRunIsQueuedWhenItLeavesDelayed();
    void cancelAllJobsKeepsPeriodicTimerAlive();
    void cancelAllJobsEndsOneShotTimerWhoseRunItDropped();

    // Time arithmetic at the extremes: saturates, never overflows, never fires early.
    void scheduleWithTheLongestIntervalStaysCancellable();
    void extremeDelaysAreAcceptedAndNeverFireEarly_data();
    void extremeDelaysAreAcceptedAndNeverFireEarly();
    void extremeNegativeDelaysAreRejectedAsNegative_data();
    void extremeNegativeDelaysAreRejectedAsNegative();
    void notANumberIsRejected();
    void farFutureTimesAreNotInThePast_data();
    void farFutureTimesAreNotInThePast();
    void pastTimeMessageSaysHowLongAgo();
};

void tst_Timers::initTestCase()
{
#if defined(TIMERS_WITHOUT_APP)
    QVERIFY(!QCoreApplication::instance());
#else
    QVERIFY(QCoreApplication::instance());
#endif
}

// ---- the list ----------------------------------------------------------------------

void tst_Timers::submitLaterIsListedInDelayedUntilItFires()
{
    RunLog runs;
    Pool pool({.maxChildren = 1});
    const Stopwatch watch;
    const TimerId id = pool.submitLater(200ms, runs.job());
    QVERIFY(id);
    const QList<TimerId> listed = pool.delayed();
    if (watch.elapsed() < 150) // a loaded machine (or a sanitizer) may take longer
        QCOMPARE(listed, QList<TimerId>{id});
    QVERIFY(pool.scheduled().isEmpty());

    // Half way: not due, so still listed (looked at before the clock, so it cannot be late).
    QVERIFY(watch.waitUntil(100));
    const QList<TimerId> halfWay = pool.delayed();
    if (watch.elapsed() < 200) {
        QCOMPARE(halfWay, QList<TimerId>{id});
        QCOMPARE(runs.count(), 0);
    }

    QVERIFY(QTest::qWaitFor([&] { return pool.delayed().isEmpty(); }, kWaitMs));
    const auto unlisted = Clock::now();
    QVERIFY(QTest::qWaitFor([&] { return runs.count() == 1; }, kWaitMs));
    QVERIFY(pool.waitIdle(waitDeadline()));

    QVERIFY2(unlisted - watch.t0 >= 200ms,
             qPrintable(
                     QStringLiteral("left delayed() after %1 ms").arg(toMs(unlisted - watch.t0))));
    const auto ranAfter = runs.starts().front() - watch.t0;
    QVERIFY2(ranAfter >= 200ms, qPrintable(QStringLiteral("ran after %1 ms").arg(toMs(ranAfter))));
    QVERIFY(pool.delayed().isEmpty());
    QCOMPARE(runs.count(), 1);
}

void tst_Timers::submitLaterRunGoesAheadOfQueuedJobs()
{
    Gate gate;
    std::mutex mutex;
    QString order;
    auto record = [&](QChar name) {
        return [&mutex, &order, name] {
            std::lock_guard lock(mutex);
            order.append(name);
        };
    };
    Pool pool({.maxChildren = 1});
    GateOpener opener(gate);
    pool.submit(gate.job());
    QVERIFY(gate.waitEntered()); // the one child is held from here on
    const JobId a = pool.submit(record(u'A'));
    const JobId b = pool.submit(record(u'B'));
    QElapsedTimer sinceSubmit;
    sinceSubmit.start();
    const TimerId timer = pool.submitLater(200ms, record(u'T'));
    const QList<TimerId> listed = pool.delayed();
    if (sinceSubmit.elapsed() < 150) // a loaded machine (or a sanitizer) may take longer
        QCOMPARE(listed, QList<TimerId>{timer});

    // The timer fires while the child is held.
    QVERIFY(QTest::qWaitFor([&] { return pool.delayed().isEmpty(); }, kWaitMs));
    // Its run is queued at the head (waited for: see firedRunIsQueuedWhenItLeavesDelayed).
    QVERIFY(QTest::qWaitFor([&] { return pool.jobs().size() == 3; }, kWaitMs));
    const QList<JobId> waiting = pool.jobs();
    QCOMPARE(waiting.mid(1), (QList<JobId>{a, b}));
    {
        std::lock_guard lock(mutex);
        QVERIFY(order.isEmpty());
    }

    gate.open();
    QVERIFY(pool.waitIdle(waitDeadline()));
    std::lock_guard lock(mutex);
    QCOMPARE(order, QStringLiteral("TAB"));
}

void tst_Timers::scheduleDoesNotRunImmediately()
{
    RunLog runs;
    Pool pool({.maxChildren = 1});
    const Stopwatch watch;
    const TimerId id = pool.schedule(100ms, runs.job());
    QVERIFY(id);
    QCOMPARE(pool.scheduled(), QList<TimerId>{id});
    QVERIFY(pool.delayed().isEmpty());
    const qint64 pendingAtCall = pool.pending();
    const int runsAtCall = runs.count();
    if (watch.elapsed() < 100) { // a loaded machine (or a sanitizer) may take longer
        QCOMPARE(pendingAtCall, qint64(0)); // nothing queued at the call
        QCOMPARE(runsAtCall, 0);
    }

    QVERIFY(QTest::qWaitFor([&] { return runs.count() >= 1; }, kWaitMs));
    QVERIFY(pool.cancel(id));
    QVERIFY(pool.waitIdle(waitDeadline()));
    const auto first = runs.starts().front() - watch.t0;
    QVERIFY2(first >= 100ms && first < kFirstRunLatest,
             qPrintable(QStringLiteral("first run after %1 ms").arg(toMs(first))));
}

void tst_Timers::scheduleRunsFivePlusMinusOneTimesIn550Ms()
{
    RunLog runs;
    Pool pool({.maxChildren = 2});
    const Stopwatch watch;
    const TimerId id = pool.schedule(100ms, runs.job());
    QVERIFY(watch.waitUntil(550));
    QVERIFY(pool.cancel(id));
    QVERIFY(pool.waitIdle(waitDeadline()));

    // Counted by start time, so a late end of the wait does not count extra runs.
    const int inWindow = runs.countBefore(watch.t0 + 550ms);
    QVERIFY2(inWindow >= kMinRunsIn550Ms && inWindow <= 6,
             qPrintable(QStringLiteral("%1 runs in 550 ms, at %2 ms")
                                .arg(inWindow)
                                .arg(offsetsText(runs.starts(), watch.t0))));
}

void tst_Timers::cancelStopsPeriodicTimer()
{
    RunLog runs;
    Pool pool({.maxChildren = 2});
    const TimerId id = pool.schedule(100ms, runs.job());
    QVERIFY(QTest::qWaitFor([&] { return runs.count() >= 2; }, kWaitMs));
    // Cancel half way between two runs.
    const auto last = runs.starts().back();
    QVERIFY(QTest::qWaitFor([&] { return Clock::now() >= last + 50ms; }, kWaitMs));
    QVERIFY(pool.cancel(id));
    const auto cancelReturned = Clock::now();
    QVERIFY(!pool.scheduled().contains(id));

    QVERIFY(letPass(350)); // three and a half intervals
    QVERIFY(pool.waitIdle(waitDeadline()));
    const auto starts = runs.starts();
    for (Clock::time_point start : starts)
        QVERIFY2(start < cancelReturned,
                 qPrintable(QStringLiteral("a run started %1 ms after cancel() returned")
                                    .arg(toMs(start - cancelReturned))));
    QVERIFY(pool.scheduled().isEmpty());
    QCOMPARE(pool.pending(), qint64(0));
}

void tst_Timers::cancelBeforeFirstRunPreventsEveryRun()
{
    std::atomic<int> runs{0};
    auto count = [&runs] { runs.fetch_add(1); };
    Pool pool({.maxChildren = 2});
    const Stopwatch watch;
    const TimerId periodic = pool.schedule(200ms, count);
    const TimerId later = pool.submitLater(200ms, count);
    const TimerId at = pool.submitAt(SysClock::now() + 200ms, 0ms, count);
    const TimerId atRepeating = pool.submitAt(SysClock::now() + 200ms, 100ms, count);
    QVERIFY(pool.cancel(periodic));
    QVERIFY(pool.cancel(later));
    QVERIFY(pool.cancel(at));
    QVERIFY(pool.cancel(atRepeating));
    const bool beforeAnyWasDue = watch.elapsed() < 200;
    QVERIFY(pool.delayed().isEmpty());
    QVERIFY(pool.scheduled().isEmpty());

    QVERIFY(watch.waitUntil(500));
    QVERIFY(pool.waitIdle(waitDeadline()));
    if (!beforeAnyWasDue)
        QSKIP("the machine took 200 ms for four calls: the timers may have fired already");
    QCOMPARE(runs.load(), 0);
    QCOMPARE(pool.pending(), qint64(0));
}

void tst_Timers::scheduleKeepsFixedRate()
{
    constexpr int kRuns = 100;
    RunLog runs;
    Pool pool({.maxChildren = 2});
    const Stopwatch watch; // just before schedule()
    const TimerId id = pool.schedule(10ms, runs.job());
    QVERIFY(QTest::qWaitFor([&] { return runs.count() >= kRuns; }, kWaitMs));
    QVERIFY(pool.cancel(id));
    QVERIFY(pool.waitIdle(waitDeadline()));

    const auto starts = runs.starts();
    // Never early: run k (from 1) starts no earlier than start + k * interval (a skipped run
    // only moves the later ones further on).
    for (std::size_t i = 0; i < starts.size(); ++i)
        QVERIFY2(starts[i] >= watch.t0 + (i + 1) * 10ms,
                 qPrintable(QStringLiteral("run %1 started at %2 ms")
                                    .arg(i + 1)
                                    .arg(toMs(starts[i] - watch.t0))));
    // No drift: run 100 starts near start + 1000 ms.
    const auto late = starts[kRuns - 1] - (watch.t0 + 1000ms);
    QVERIFY2(
            late <= kFixedRateTolerance,
            qPrintable(
                    QStringLiteral("run 100 started %1 ms after start + 1000 ms").arg(toMs(late))));
}

void tst_Timers::slowRunsAreSkippedNotPiledUp()
{
    constexpr auto kInterval = 10ms;
    constexpr int kRunMs = 35;
    TestSupport::Semaphore never; // never released: tryAcquire(1, kRunMs) holds a run 35 ms
    std::atomic<int> active{0};
    std::atomic<int> maxActive{0};
    RunLog runs;
    auto slow = [&] {
        runs.record();
        const int now = active.fetch_add(1) + 1;
        int seen = maxActive.load();
        while (now > seen && !maxActive.compare_exchange_weak(seen, now)) { }
        never.tryAcquire(1, kRunMs);
        active.fetch_sub(1);
    };
    Pool pool({.maxChildren = 2}); // two children: piled-up runs would overlap
    const Stopwatch watch;
    const TimerId id = pool.schedule(kInterval, slow);
    QVERIFY(watch.waitUntil(400));
    QVERIFY(pool.cancel(id));
    QVERIFY(pool.waitIdle(waitDeadline()));

    const auto starts = runs.starts();
    const QString seen = offsetsText(starts, watch.t0);
    QCOMPARE(maxActive.load(), 1); // runs never overlap
    // A run takes >= 35 ms and the next starts at a later grid point: >= 40 ms apart, so at
    // most 10 runs start in 400 ms (at 10, 50, ..., 370 ms).
    const int inWindow = runs.countBefore(watch.t0 + 400ms);
    QVERIFY2(inWindow <= 10 && inWindow >= kMinSlowRuns,
             qPrintable(QStringLiteral("%1 runs in 400 ms, at %2 ms").arg(inWindow).arg(seen)));
    for (std::size_t i = 1; i < starts.size(); ++i)
        QVERIFY2(starts[i] - starts[i - 1] >= std::chrono::milliseconds(kRunMs),
                 qPrintable(QStringLiteral("runs at %1 ms").arg(seen)));
    // The starts stay on the 10 ms grid of the schedule() call (a run started when the
    // previous one ended would be about 5 ms off it).
    int onGrid = 0;
    for (Clock::time_point start : starts) {
        const auto offset = (start - watch.t0) % kInterval;
        if (offset < 3ms)
            ++onGrid;
    }
    QVERIFY2(onGrid >= kMinOnGrid * double(starts.size()),
             qPrintable(QStringLiteral("%1 of %2 runs on the grid; runs at %3 ms")
                                .arg(onGrid)
                                .arg(starts.size())
                                .arg(seen)));
}

void tst_Timers::submitAtRunsAtThatTime_data()
{
    QTest::addColumn<int>("overload");
    QTest::newRow("QDateTime local") << 0;
    QTest::newRow("QDateTime UTC") << 1;
    QTest::newRow("system_clock") << 2;
}

void tst_Timers::submitAtRunsAtThatTime()
{
    QFETCH(int, overload);
    RunLog runs;
    Pool pool({.maxChildren = 1});
    const Stopwatch watch;
    TimerId id;
    switch (overload) {
    case 0:
        id = pool.submitAt(QDateTime::currentDateTime().addMSecs(200), 0ms, runs.job());
        break;
    case 1:
        id = pool.submitAt(QDateTime::currentDateTimeUtc().addMSecs(200), 0ms, runs.job());
        break;
    default:
        id = pool.submitAt(SysClock::now() + 200ms, 0ms, runs.job());
        break;
    }
    QVERIFY(id);
    QCOMPARE(pool.scheduled(), QList<TimerId>{id});
    QVERIFY(pool.delayed().isEmpty());

    QVERIFY(QTest::qWaitFor([&] { return runs.count() == 1; }, kWaitMs));
    QVERIFY(pool.waitIdle(waitDeadline()));
    const auto ranAfter = runs.starts().front() - watch.t0;
    // >= 195: a QDateTime has whole milliseconds.
    QVERIFY2(ranAfter >= 195ms && ranAfter < kSubmitAtLatest,
             qPrintable(QStringLiteral("ran after %1 ms").arg(toMs(ranAfter))));
    QVERIFY(pool.scheduled().isEmpty()); // a one-shot leaves the list when it fires
    QCOMPARE(runs.count(), 1);
}

void tst_Timers::submitAtInThePastThrows()
{
    std::atomic<int> runs{0};
    auto count = [&runs] { runs.fetch_add(1); };
    Pool pool({.maxChildren = 1});
    Bystanders bystanders(pool);

    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             pool.submitAt(SysClock::now() - 1s, 0ms, count));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             pool.submitAt(QDateTime::currentDateTime().addSecs(-1), 0ms, count));
    QVERIFY_THROWS_EXCEPTION(
            std::invalid_argument,
            pool.submitAt(QDateTime::currentDateTimeUtc().addSecs(-3600), 50ms, count));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             pool.submitDoneAt(SysClock::now() - 100ms, 50ms, count, false));
    const QString message = messageOf<std::invalid_argument>(
            [&] { pool.submitAt(SysClock::now() - 1s, 0ms, count); });
    QVERIFY2(message.contains(QStringLiteral("past")), qPrintable(message));

    bystanders.verifyUndisturbed();
    QCOMPARE(runs.load(), 0);

    // "Now" is not the past: it runs at once.
    pool.submitAt(SysClock::now(), 0ms, count);
    QVERIFY(QTest::qWaitFor([&] { return runs.load() == 1; }, kWaitMs));
}

void tst_Timers::submitAtWithIntervalRepeats_data()
{
    QTest::addColumn<bool>("useQDateTime");
    QTest::newRow("system_clock") << false;
    QTest::newRow("QDateTime") << true;
}

void tst_Timers::submitAtWithIntervalRepeats()
{
    QFETCH(bool, useQDateTime);
    constexpr int kRuns = 4;
    RunLog runs;
    Pool pool({.maxChildren = 2});
    const Stopwatch watch;
    const TimerId id = useQDateTime
            ? pool.submitAt(QDateTime::currentDateTimeUtc().addMSecs(100), 50ms, runs.job())
            : pool.submitAt(SysClock::now() + 100ms, 50ms, runs.job());
    QCOMPARE(pool.scheduled(), QList<TimerId>{id});
    QVERIFY(QTest::qWaitFor([&] { return runs.count() >= kRuns; }, kWaitMs));
    QCOMPARE(pool.scheduled(), QList<TimerId>{id}); // still live between runs
    QVERIFY(pool.cancel(id));
    QVERIFY(pool.waitIdle(waitDeadline()));

    // Run k (from 0) at time + k * interval, never earlier (1 ms: a QDateTime's rounding).
    const auto starts = runs.starts();
    for (std::size_t k = 0; k < starts.size(); ++k)
        QVERIFY2(starts[k] >= watch.t0 + 100ms + k * 50ms - 1ms,
                 qPrintable(QStringLiteral("runs at %1 ms").arg(offsetsText(starts, watch.t0))));
    QVERIFY(pool.scheduled().isEmpty());
}

void tst_Timers::tenThousandDelayedJobsFireOnceAndNeverEarly()
{
    constexpr int kJobs = 10000;
    std::vector<std::atomic<int>> fired(kJobs);
    std::atomic<int> early{0};
    std::atomic<int> total{0};
    std::mt19937 random(20240611);
    std::uniform_int_distribution<int> delayUs(0, 200000);
    Pool pool({.maxChildren = 2});
    for (int i = 0; i < kJobs; ++i) {
        const auto delay = std::chrono::microseconds(delayUs(random));
        const Clock::time_point due = Clock::now() + delay; // before the call: a lower bound
        pool.submitDoneLater(
                delay,
                [&fired, &early, &total, due, i] {
                    if (Clock::now() < due)
                        early.fetch_add(1);
                    fired[std::size_t(i)].fetch_add(1);
                    total.fetch_add(1);
                },
                false);
    }
    QVERIFY(QTest::qWaitFor([&] { return total.load() >= kJobs; }, kWaitMs));
    QVERIFY(pool.waitIdle(waitDeadline()));
    QVERIFY(pool.delayed().isEmpty());
    QVERIFY(letPass(100)); // room for a second firing, if there were one
    QVERIFY(pool.waitIdle(waitDeadline()));

    QCOMPARE(early.load(), 0);
    QCOMPARE(total.load(), kJobs);
    for (int i = 0; i < kJobs; ++i)
        QVERIFY2(fired[std::size_t(i)].load() == 1,
                 qPrintable(QStringLiteral("job %1 fired %2 times")
                                    .arg(i)
                                    .arg(fired[std::size_t(i)].load())));
}

void tst_Timers::cancelTimersStopsEveryTimer()
{
    std::atomic<int> oneShots{0};
    std::atomic<int> periodic{0};
    auto countOneShot = [&oneShots] { oneShots.fetch_add(1); };
    auto countPeriodic = [&periodic] { periodic.fetch_add(1); };
    Pool pool({.maxChildren = 2});
    const Stopwatch watch;
    pool.submitLater(300ms, countOneShot);
    pool.submitDoneLater(300ms, countOneShot, false);
    pool.submitAt(SysClock::now() + 300ms, 0ms, countOneShot);
    pool.schedule(20ms, countPeriodic);
    pool.scheduleDone(30ms, countPeriodic, false);
    pool.submitAt(SysClock::now() + 20ms, 20ms, countPeriodic);
    QCOMPARE(pool.delayed().size(), 2);
    QCOMPARE(pool.scheduled().size(), 4);
    QVERIFY(QTest::qWaitFor([&] { return periodic.load() >= 3; }, kWaitMs));

    pool.cancelTimers();
    const bool beforeOneShotsWereDue = watch.elapsed() < 300;
    QVERIFY(pool.delayed().isEmpty());
    QVERIFY(pool.scheduled().isEmpty());
    QVERIFY(pool.waitIdle(waitDeadline())); // a run that started before may still end
    const int oneShotsAtCancel = oneShots.load();
    const int periodicAtCancel = periodic.load();

    QVERIFY(letPass(300));
    QVERIFY(watch.waitUntil(400)); // past the one-shots' due time too
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(oneShots.load(), oneShotsAtCancel);
    QCOMPARE(periodic.load(), periodicAtCancel);
    if (beforeOneShotsWereDue)
        QCOMPARE(oneShotsAtCancel, 0);
    QVERIFY(pool.delayed().isEmpty());
    QVERIFY(pool.scheduled().isEmpty());
    QCOMPARE(pool.pending(), qint64(0));

    // Only the timers went: the pool still takes new ones.
    QVERIFY(!pool.isShutdown());
    pool.submitLater(1ms, countOneShot);
    QVERIFY(QTest::qWaitFor([&] { return oneShots.load() == oneShotsAtCancel + 1; }, kWaitMs));
}

void tst_Timers::shutdownAllDropsTimers()
{
    std::atomic<int> oneShots{0};
    std::atomic<int> periodic{0};
    auto countOneShot = [&oneShots] { oneShots.fetch_add(1); };
    auto countPeriodic = [&periodic] { periodic.fetch_add(1); };
    Pool pool({.maxChildren = 2});
    const Stopwatch watch;
    pool.submitLater(300ms, countOneShot);
    pool.submitAt(SysClock::now() + 300ms, 0ms, countOneShot);
    pool.schedule(20ms, countPeriodic);
    pool.submitAt(SysClock::now() + 20ms, 20ms, countPeriodic);
    QVERIFY(QTest::qWaitFor([&] { return periodic.load() >= 2; }, kWaitMs));

    QVERIFY(FastThreadPool::shutdownAll(true)); // waits until every child ended
    const bool beforeOneShotsWereDue = watch.elapsed() < 300;
    const int oneShotsAtShutdown = oneShots.load();
    const int periodicAtShutdown = periodic.load();
    QVERIFY(pool.isShutdown());
    QVERIFY(pool.delayed().isEmpty());
    QVERIFY(pool.scheduled().isEmpty());
    QCOMPARE(pool.alive(), 0);

    QVERIFY(letPass(300));
    QVERIFY(watch.waitUntil(400)); // past the one-shots' due time too
    QCOMPARE(oneShots.load(), oneShotsAtShutdown);
    QCOMPARE(periodic.load(), periodicAtShutdown);
    if (beforeOneShotsWereDue)
        QCOMPARE(oneShotsAtShutdown, 0);
    QVERIFY_THROWS_EXCEPTION(PoolStopped, pool.submitLater(1ms, countOneShot));
}

void tst_Timers::destroyedPoolFiresNothingLate()
{
    std::atomic<int> touched{0};
    auto touch = [&touched] { touched.fetch_add(1); };
    const Stopwatch watch;
    {
        Pool pool({.maxChildren = 1});
        pool.submitLater(150ms, touch);
        pool.submitDoneLater(200ms, touch, false);
        pool.schedule(50ms, touch);
        pool.submitAt(SysClock::now() + 150ms, 0ms, touch);
        pool.submitAt(SysClock::now() + 100ms, 50ms, touch);
        QCOMPARE(pool.delayed().size(), 2);
        QCOMPARE(pool.scheduled().size(), 3);
    } // destroyed with every timer pending
    const bool destroyedBeforeAnyWasDue = watch.elapsed() < 50;
    const int atDestruction = touched.load();

    QVERIFY(watch.waitUntil(500)); // well past every due time
    QCOMPARE(touched.load(), atDestruction);
    if (destroyedBeforeAnyWasDue)
        QCOMPARE(atDestruction, 0);
}

// ---- bad input -----------------------------------------------------------------------------

void tst_Timers::negativeDelayThrows()
{
    std::atomic<int> runs{0};
    auto count = [&runs] { runs.fetch_add(1); };
    Pool pool({.maxChildren = 1});
    Bystanders bystanders(pool);

    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.submitLater(-1ms, count));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.submitLater(-1ns, count));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.submitDoneLater(-5s, count, false));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             pool.submitLater(std::chrono::duration<double>(-0.25), count));
    const QString message
            = messageOf<std::invalid_argument>([&] { pool.submitLater(-1ms, count); });
    QVERIFY2(message.contains(QStringLiteral("negative")), qPrintable(message));

    bystanders.verifyUndisturbed();
    QCOMPARE(runs.load(), 0);

    // Zero is not negative: it runs at once.
    pool.submitLater(0ms, count);
    QVERIFY(QTest::qWaitFor([&] { return runs.load() == 1; }, kWaitMs));
}

void tst_Timers::nonPositiveScheduleIntervalThrows()
{
    std::atomic<int> runs{0};
    auto count = [&runs] { runs.fetch_add(1); };
    Pool pool({.maxChildren = 1});
    Bystanders bystanders(pool);

    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.schedule(0ms, count));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.schedule(-10ms, count));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.scheduleDone(0ns, count, true));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.scheduleDone(-1s, count, false));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             pool.schedule(std::chrono::duration<double>(0.0), count));
    const QString zero = messageOf<std::invalid_argument>([&] { pool.schedule(0ms, count); });
    QVERIFY2(zero.contains(QStringLiteral("interval")), qPrintable(zero));

    bystanders.verifyUndisturbed();
    QCOMPARE(runs.load(), 0);
}

void tst_Timers::negativeSubmitAtIntervalThrows()
{
    std::atomic<int> runs{0};
    auto count = [&runs] { runs.fetch_add(1); };
    Pool pool({.maxChildren = 1});
    Bystanders bystanders(pool);

    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             pool.submitAt(SysClock::now() + 1s, -1ms, count));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             pool.submitAt(QDateTime::currentDateTime().addSecs(1), -10ms, count));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             pool.submitDoneAt(SysClock::now() + 1s, -1ns, count, false));
    const QString message = messageOf<std::invalid_argument>(
            [&] { pool.submitAt(SysClock::now() + 1s, -1ms, count); });
    QVERIFY2(message.contains(QStringLiteral("negative")), qPrintable(message));

    bystanders.verifyUndisturbed();
    QCOMPARE(runs.load(), 0);
}

void tst_Timers::invalidDateTimeThrows()
{
    std::atomic<int> runs{0};
    auto count = [&runs] { runs.fetch_add(1); };
    Pool pool({.maxChildren = 1});
    Bystanders bystanders(pool);

    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.submitAt(QDateTime(), 0ms, count));
    QVERIFY_THROWS_EXCEPTION(
            std::invalid_argument,
            pool.submitAt(QDateTime(QDate(2030, 2, 30), QTime(12, 0)), 0ms, count));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             pool.submitDoneAt(QDateTime(), 10ms, count, true));
    const QString message
            = messageOf<std::invalid_argument>([&] { pool.submitAt(QDateTime(), 0ms, count); });
    QVERIFY2(message.contains(QStringLiteral("valid")), qPrintable(message));

    bystanders.verifyUndisturbed();
    QCOMPARE(runs.load(), 0);
}

void tst_Timers::nullFunctionThrows()
{
    Pool pool({.maxChildren = 1});
    Bystanders bystanders(pool);

    int (*nullFunction)() = nullptr;
    std::function<int()> emptyFunction;
    void (*nullDone)(int) = nullptr;
    std::function<void(int)> emptyDone;
    auto value = [] { return 1; };
    const auto soon = SysClock::now() + 1s;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.submitLater(10ms, nullFunction));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.submitLater(10ms, emptyFunction));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.submitDoneLater(10ms, value, emptyDone));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.submitDoneLater(10ms, value, nullDone));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.submitAt(soon, 0ms, nullFunction));
    QVERIFY_THROWS_EXCEPTION(
            std::invalid_argument,
            pool.submitAt(QDateTime::currentDateTime().addSecs(1), 0ms, emptyFunction));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.submitAt(soon, 10ms, emptyFunction));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.submitDoneAt(soon, 0ms, value, emptyDone));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.schedule(10ms, nullFunction));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.schedule(10ms, emptyFunction));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.scheduleDone(10ms, value, emptyDone));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.scheduleDone(10ms, value, nullDone));
    const QString message
            = messageOf<std::invalid_argument>([&] { pool.schedule(10ms, emptyFunction); });
    QVERIFY2(message.contains(QStringLiteral("null")), qPrintable(message));

    bystanders.verifyUndisturbed();
    QVERIFY(pool.failed().isEmpty());
}

void tst_Timers::timerAfterShutdownChildrenThrowsPoolStopped()
{
    std::atomic<int> runs{0};
    auto count = [&runs] { runs.fetch_add(1); };
    Pool pool({.maxChildren = 1});
    pool.submit([] { return 5; });
    QVERIFY(pool.waitIdle(waitDeadline()));
    const TimerId before = pool.submitLater(100ms, count);
    const TimerId periodic = pool.schedule(20ms, count);

    pool.shutdownChildren(); // cancels every timer
    QVERIFY(pool.isShutdown());
    QVERIFY(pool.delayed().isEmpty());
    QVERIFY(pool.scheduled().isEmpty());
    QVERIFY(!pool.cancel(before));
    QVERIFY(!pool.cancel(periodic));
    const int atShutdown = runs.load(); // the periodic timer may have run once

    const auto soon = SysClock::now() + 1s;
    QVERIFY_THROWS_EXCEPTION(PoolStopped, pool.submitLater(10ms, count));
    QVERIFY_THROWS_EXCEPTION(PoolStopped, pool.submitDoneLater(10ms, count, false));
    QVERIFY_THROWS_EXCEPTION(PoolStopped, pool.submitAt(soon, 0ms, count));
    QVERIFY_THROWS_EXCEPTION(PoolStopped,
                             pool.submitAt(QDateTime::currentDateTime().addSecs(1), 0ms, count));
    QVERIFY_THROWS_EXCEPTION(PoolStopped, pool.submitDoneAt(soon, 10ms, count, true));
    QVERIFY_THROWS_EXCEPTION(PoolStopped, pool.schedule(10ms, count));
    QVERIFY_THROWS_EXCEPTION(PoolStopped, pool.scheduleDone(10ms, count, false));
    const QString message = messageOf<PoolStopped>([&] { pool.submitLater(10ms, count); });
    QVERIFY2(message.contains(QStringLiteral("stopped")), qPrintable(message));
    QVERIFY(pool.delayed().isEmpty());
    QVERIFY(pool.scheduled().isEmpty());

    QVERIFY(letPass(200)); // past the cancelled one-shot's due time
    QCOMPARE(runs.load(), atShutdown);
    // The result produced before is still there.
    const QList<Result> done = pool.done().takeAll();
    QVERIFY(!done.isEmpty());
    QCOMPARE(done.first().value.toInt(), 5);

    // Until clear(): then timers work again.
    pool.clear();
    QVERIFY(!pool.isShutdown());
    pool.submitLater(1ms, count);
    QVERIFY(QTest::qWaitFor([&] { return runs.load() == atShutdown + 1; }, kWaitMs));
}

// ---- also ----------------------------------------------------------------------------------

void tst_Timers::submitDoneLaterHandsValueToCallableOrDiscardsIt()
{
    std::mutex mutex;
    QList<int> values;
    QList<QThread *> threads;
    std::atomic<int> discardedRan{0};
    Pool pool({.maxChildren = 1, .resultId = true});
    pool.submitDoneLater(
            20ms, [](int x) { return x * 2; },
            [&](int v) {
                std::lock_guard lock(mutex);
                values.append(v);
                threads.append(QThread::currentThread());
            },
            21);
    pool.submitDoneLater(
            20ms,
            [&discardedRan] {
                discardedRan.fetch_add(1);
                return 5;
            },
            false);
    pool.submitDoneLater(
            30ms, [] { return 9; }, true);
    QVERIFY(QTest::qWaitFor(
            [&] {
                std::lock_guard lock(mutex);
                return values.size() == 1 && discardedRan.load() == 1 && pool.done().size() == 1;
            },
            kWaitMs));
    QVERIFY(pool.waitIdle(waitDeadline()));

    std::lock_guard lock(mutex);
    QCOMPARE(values, QList<int>{42});
    QVERIFY(pool.childThreads().contains(threads.first())); // in the worker
    QVERIFY(threads.first() != QThread::currentThread());
    const QList<Result> done = pool.done().takeAll(); // only the `true` one
    QCOMPARE(done.size(), 1);
    QCOMPARE(done.first().value.toInt(), 9);
    QVERIFY(done.first().id != 0);
    QVERIFY(pool.failed().isEmpty());
}

void tst_Timers::submitDoneAtHandsValueToCallableOrDiscardsIt()
{
    std::mutex mutex;
    QList<int> values;
    QList<QThread *> threads;
    std::atomic<int> discardedRan{0};
    auto keep = [&](int v) {
        std::lock_guard lock(mutex);
        values.append(v);
        threads.append(QThread::currentThread());
    };
    Pool pool({.maxChildren = 1});
    pool.submitDoneAt(
            QDateTime::currentDateTime().addMSecs(20), 0ms, [] { return 1; }, keep);
    const TimerId repeating = pool.submitDoneAt(
            SysClock::now() + 20ms, 20ms, [] { return 2; }, keep);
    pool.submitDoneAt(
            SysClock::now() + 20ms, 0ms,
            [&discardedRan] {
                discardedRan.fetch_add(1);
                return 3;
            },
            false);
    QVERIFY(QTest::qWaitFor(
            [&] {
                std::lock_guard lock(mutex);
                return values.count(1) == 1 && values.count(2) >= 2 && discardedRan.load() == 1;
            },
            kWaitMs));
    QVERIFY(pool.cancel(repeating));
    QVERIFY(pool.waitIdle(waitDeadline()));

    std::lock_guard lock(mutex);
    QCOMPARE(values.count(1), 1);
    QCOMPARE(values.count(1) + values.count(2), values.size());
    for (QThread *thread : threads)
        QVERIFY(pool.childThreads().contains(thread));
    QCOMPARE(discardedRan.load(), 1);
    QVERIFY(pool.done().isEmpty());
    QCOMPARE(pool.doneCount().value(), 0);
    QVERIFY(pool.failed().isEmpty());
}

void tst_Timers::scheduleDoneHandsValueToCallableOrDiscardsIt()
{
    std::mutex mutex;
    QList<int> values;
    QList<QThread *> threads;
    std::atomic<int> discardedRuns{0};
    std::atomic<int> counter{0};
    Pool pool({.maxChildren = 2});
    const TimerId kept = pool.scheduleDone(
            20ms, [&counter] { return counter.fetch_add(1) + 1; },
            [&](int v) {
                std::lock_guard lock(mutex);
                values.append(v);
                threads.append(QThread::currentThread());
            });
    const TimerId discarded = pool.scheduleDone(
            20ms,
            [&discardedRuns] {
                discardedRuns.fetch_add(1);
                return 7;
            },
            false);
    QVERIFY(QTest::qWaitFor(
            [&] {
                std::lock_guard lock(mutex);
                return values.size() >= 3 && discardedRuns.load() >= 3;
            },
            kWaitMs));
    QVERIFY(pool.cancel(kept));
    QVERIFY(pool.cancel(discarded));
    QVERIFY(pool.waitIdle(waitDeadline()));

    std::lock_guard lock(mutex);
    QList<int> expected;
    for (int i = 1; i <= values.size(); ++i)
        expected.append(i);
    QCOMPARE(values, expected); // one call per run, in order, with that run's value
    for (QThread *thread : threads) {
        QVERIFY(pool.childThreads().contains(thread));
        QVERIFY(thread != QThread::currentThread());
    }
    QVERIFY(pool.done().isEmpty());
    QCOMPARE(pool.doneCount().value(), 0);
    QVERIFY(pool.failed().isEmpty());
}

void tst_Timers::periodicRunsGetNewJobIds()
{
    std::atomic<int> runs{0}; // before the pool: its runs end before this does
    Pool pool({.maxChildren = 2, .resultId = true});
    const TimerId values = pool.schedule(20ms, [&runs] { return runs.fetch_add(1); });
    const TimerId failing
            = pool.schedule(20ms, []() -> int { throw std::runtime_error("run failed"); });
    QVERIFY(QTest::qWaitFor([&] { return pool.done().size() >= 3 && pool.failed().size() >= 3; },
                            kWaitMs));
    QVERIFY(pool.cancel(values));
    QVERIFY(pool.cancel(failing)); // a failing run does not end a periodic timer
    QVERIFY(pool.waitIdle(waitDeadline()));

    // (Entries of different workers interleave in done(), so only uniqueness is checked.)
    const QList<Result> done = pool.done().takeAll();
    const QList<FastThreadPool::Failure> failed = pool.failed().takeAll();
    QSet<JobId> ids;
    for (const Result &result : done) {
        QVERIFY(result.id != 0);
        ids.insert(result.id);
    }
    for (const auto &failure : failed) {
        QVERIFY(failure.id != 0);
        QCOMPARE(failure.message, QStringLiteral("run failed"));
        ids.insert(failure.id);
    }
    QCOMPARE(ids.size(), done.size() + failed.size()); // every run its own id
}

void tst_Timers::timerIdsAreUniqueAndNonZero()
{
    constexpr int kTimers = 300;
    Pool pool({.maxChildren = 1});
    auto noop = [] {};
    QList<TimerId> issued;
    auto create = [&](int i) {
        switch (i % 5) {
        case 0:
            return pool.submitLater(60s, noop);
        case 1:
            return pool.submitDoneLater(60s, noop, false);
        case 2:
            return pool.submitAt(SysClock::now() + 60s, 0ms, noop);
        case 3:
            return pool.submitAt(SysClock::now() + 60s, 1s, noop);
        default:
            return pool.schedule(60s, noop);
        }
    };
    for (int i = 0; i < kTimers; ++i)
        issued.append(create(i));
    // Freed handles are not handed out again.
    for (int i = 0; i < kTimers; i += 2)
        QVERIFY(pool.cancel(issued.at(i)));
    for (int i = 0; i < kTimers / 2; ++i)
        issued.append(create(i));

    QSet<TimerId> unique;
    for (TimerId id : issued) {
        QVERIFY(id);
        QVERIFY(id.value != 0);
        unique.insert(id);
    }
    QCOMPARE(unique.size(), issued.size());
    QCOMPARE(pool.delayed().size() + pool.scheduled().size(), qsizetype(kTimers));
    pool.cancelTimers();
    QVERIFY(pool.delayed().isEmpty());
    QVERIFY(pool.scheduled().isEmpty());
}

void tst_Timers::cancelUnknownOrFinishedTimerReturnsFalse()
{
    Pool pool({.maxChildren = 1});
    auto noop = [] {};
    QVERIFY(!pool.cancel(TimerId{}));
    QVERIFY(!pool.cancel(TimerId{0x1234'5678'9abcULL}));
    QVERIFY(!pool.cancel(TimerId{~quint64(0)}));

    const TimerId later = pool.submitLater(10s, noop);
    QVERIFY(pool.cancel(later));
    QVERIFY(!pool.cancel(later)); // twice

    const TimerId periodic = pool.schedule(10s, noop);
    QVERIFY(pool.cancel(periodic));
    QVERIFY(!pool.cancel(periodic));

    // A one-shot that has run is over.
    std::atomic<bool> ran{false};
    const TimerId once = pool.submitLater(0ms, [&ran] { ran.store(true); });
    QVERIFY(QTest::qWaitFor([&] { return ran.load(); }, kWaitMs));
    QVERIFY(pool.waitIdle(waitDeadline()));
    QVERIFY(!pool.cancel(once));

    // A stale handle does not cancel the timer that took its place.
    const TimerId successor = pool.submitLater(10s, noop);
    QVERIFY(!pool.cancel(later));
    QVERIFY(!pool.cancel(periodic));
    QVERIFY(!pool.cancel(once));
    QCOMPARE(pool.delayed(), QList<TimerId>{successor});
    QVERIFY(pool.cancel(successor));
}

void tst_Timers::delayedAndScheduledListTheRightKinds()
{
    Pool pool({.maxChildren = 1});
    auto noop = [] { return 0; };
    const TimerId later = pool.submitLater(10s, noop);
    const TimerId laterDone = pool.submitDoneLater(10s, noop, false);
    const TimerId atOnce = pool.submitAt(SysClock::now() + 10s, 0ms, noop);
    const TimerId atOnceQt = pool.submitAt(QDateTime::currentDateTime().addSecs(10), 0ms, noop);
    const TimerId atRepeating = pool.submitDoneAt(SysClock::now() + 10s, 1s, noop, false);
    const TimerId periodic = pool.schedule(10s, noop);
    const TimerId periodicDone = pool.scheduleDone(10s, noop, false);
    QCOMPARE(sorted(pool.delayed()), sorted({later, laterDone}));
    QCOMPARE(sorted(pool.scheduled()),
             sorted({atOnce, atOnceQt, atRepeating, periodic, periodicDone}));

    QVERIFY(pool.cancel(laterDone));
    QVERIFY(pool.cancel(periodic));
    QVERIFY(pool.cancel(atOnceQt));
    QCOMPARE(pool.delayed(), QList<TimerId>{later});
    QCOMPARE(sorted(pool.scheduled()), sorted({atOnce, atRepeating, periodicDone}));

    // A periodic timer stays listed across its runs; a one-shot leaves when it fires.
    RunLog periodicRuns;
    RunLog oneShotRuns;
    RunLog laterRuns;
    const TimerId fast = pool.schedule(20ms, periodicRuns.job());
    const TimerId soon = pool.submitAt(SysClock::now() + 20ms, 0ms, oneShotRuns.job());
    const TimerId soonLater = pool.submitLater(20ms, laterRuns.job());
    QVERIFY(QTest::qWaitFor(
            [&] {
                return periodicRuns.count() >= 2 && oneShotRuns.count() == 1
                        && laterRuns.count() == 1;
            },
            kWaitMs));
    QVERIFY(pool.scheduled().contains(fast));
    QVERIFY(!pool.scheduled().contains(soon));
    QVERIFY(!pool.delayed().contains(soonLater));
    QCOMPARE(pool.delayed(), QList<TimerId>{later});
    pool.cancelTimers();
    QVERIFY(pool.delayed().isEmpty());
    QVERIFY(pool.scheduled().isEmpty());
}

void tst_Timers::timersAreNotPendingAndNotWaitedFor()
{
    Pool pool({.maxChildren = 1});
    auto noop = [] { return 0; };
    pool.submitLater(5s, noop);
    pool.schedule(5s, noop);
    pool.submitAt(SysClock::now() + 5s, 0ms, noop);
    pool.submitAt(SysClock::now() + 5s, 1s, noop);
    QCOMPARE(pool.pending(), qint64(0));
    QVERIFY(pool.jobs().isEmpty());
    QCOMPARE(pool.busy(), 0);

    QElapsedTimer waited;
    waited.start();
    QVERIFY(pool.waitIdle(waitDeadline()));
    int entries = 0;
    for ([[maybe_unused]] const FastThreadPool::Completion &entry : pool.asCompleted())
        ++entries;
    QCOMPARE(entries, 0);
    QVERIFY2(waited.elapsed() < 2000,
             qPrintable(QStringLiteral("waited %1 ms").arg(waited.elapsed())));
    QCOMPARE(pool.delayed().size(), 1); // still there
    QCOMPARE(pool.scheduled().size(), 3);
    pool.cancelTimers();
}

void tst_Timers::shutdownReturnsWithTimersPendingAndNoneFiresLater()
{
    std::atomic<int> runs{0};
    auto count = [&runs] { runs.fetch_add(1); };
    Pool pool({.maxChildren = 2});
    const Stopwatch watch;
    pool.submitLater(500ms, count);
    pool.submitDoneLater(500ms, count, false);
    pool.schedule(500ms, count);
    pool.scheduleDone(500ms, count, false);
    pool.submitAt(SysClock::now() + 500ms, 0ms, count);
    pool.submitAt(SysClock::now() + 500ms, 100ms, count);

    QVERIFY(pool.shutdown(waitDeadline()));
    const qint64 shutdownAt = watch.elapsed();
    QVERIFY2(shutdownAt < 450,
             qPrintable(QStringLiteral("shutdown() returned after %1 ms")
                                .arg(shutdownAt))); // did not wait for them
    QVERIFY(pool.isShutdown());
    QVERIFY(pool.delayed().isEmpty());
    QVERIFY(pool.scheduled().isEmpty());
    QCOMPARE(pool.alive(), 0);

    QVERIFY(watch.waitUntil(800)); // past every due time
    QCOMPARE(runs.load(), 0);
    QVERIFY_THROWS_EXCEPTION(PoolStopped, pool.submitLater(1ms, count));
    QVERIFY_THROWS_EXCEPTION(PoolStopped, pool.schedule(1ms, count));
}

void tst_Timers::moveOnlyPeriodicFunctionThrows()
{
    std::atomic<int> oneShotValues{0};
    Pool pool({.maxChildren = 1});
    Bystanders bystanders(pool);

    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             pool.schedule(10ms, [p = std::make_unique<int>(1)] { return *p; }));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             pool.scheduleDone(
                                     10ms, [](const std::unique_ptr<int> &p) { return *p; }, true,
                                     std::make_unique<int>(2)));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             pool.submitAt(SysClock::now() + 1s, 10ms,
                                           [p = std::make_unique<int>(3)] { return *p; }));
    const QString message = messageOf<std::invalid_argument>(
            [&] { pool.schedule(10ms, [p = std::make_unique<int>(1)] { return *p; }); });
    QVERIFY2(message.contains(QStringLiteral("cop")), qPrintable(message));
    bystanders.verifyUndisturbed();

    // A one-shot timer takes a move-only function and arguments: it runs once.
    auto add = [&oneShotValues](int v) { oneShotValues.fetch_add(v); };
    pool.submitDoneLater(
            1ms, [p = std::make_unique<int>(40)] { return *p; }, add);
    pool.submitDoneAt(
            SysClock::now() + 1ms, 0ms, [](std::unique_ptr<int> p) { return *p; }, add,
            std::make_unique<int>(2));
    QVERIFY(QTest::qWaitFor([&] { return oneShotValues.load() == 42; }, kWaitMs));
}

void tst_Timers::timerIdDebugOutput()
{
    auto print = [](TimerId id) {
        QString text;
        QDebug(&text) << id;
        return text.trimmed();
    };
    QCOMPARE(print(TimerId{42}), QStringLiteral("FastThreadPool::TimerId(42)"));
    QCOMPARE(print(TimerId{}), QStringLiteral("FastThreadPool::TimerId(0)"));

    Pool pool({.maxChildren = 1});
    const TimerId id = pool.submitLater(10s, [] {});
    QCOMPARE(print(id), QStringLiteral("FastThreadPool::TimerId(%1)").arg(id.value));
    QVERIFY(pool.cancel(id));

    QTest::ignoreMessage(QtDebugMsg, "FastThreadPool::TimerId(7)");
    qDebug() << TimerId{7};

    // A metatype too: it travels in a QVariant.
    const QVariant variant = QVariant::fromValue(id);
    QCOMPARE(variant.value<TimerId>(), id);
}

// ---- beyond the list -----------------------------------------------------------------------

void tst_Timers::cancelQueuedRunNeverStarts_data()
{
    QTest::addColumn<int>("kind");
    QTest::newRow("submitLater") << 0;
    QTest::newRow("submitAt") << 1;
    QTest::newRow("schedule") << 2;
}

void tst_Timers::cancelQueuedRunNeverStarts()
{
    QFETCH(int, kind);
    Gate gate;
    std::atomic<int> runs{0};
    auto count = [&runs] { runs.fetch_add(1); };
    Pool pool({.maxChildren = 1});
    GateOpener opener(gate);
    pool.submit(gate.job());
    QVERIFY(gate.waitEntered()); // the one child is held
    TimerId id;
    switch (kind) {
    case 0:
        id = pool.submitLater(10ms, count);
        break;
    case 1:
        id = pool.submitAt(SysClock::now() + 10ms, 0ms, count);
        break;
    default:
        id = pool.schedule(10ms, count);
        break;
    }
    // It fires, and its run waits in the queue behind the held child...
    QVERIFY(QTest::qWaitFor([&] { return pool.jobs().size() == 1; }, kWaitMs));
    // ...alone: ten more intervals do not queue a second run of a periodic timer.
    QVERIFY(letPass(100));
    QCOMPARE(pool.jobs().size(), 1);

    QVERIFY(pool.cancel(id)); // it stops that run
    QVERIFY(pool.delayed().isEmpty());
    QVERIFY(pool.scheduled().isEmpty());
    gate.open();
    QVERIFY(pool.waitIdle(waitDeadline()));
    QVERIFY(letPass(100));
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(runs.load(), 0);
    QCOMPARE(pool.pending(), qint64(0));
    QVERIFY(!pool.cancel(id));
}

void tst_Timers::timerFiresWhileCallerBlocks()
{
    // The scheduler has a thread of its own: nothing needs the caller's event loop.
    TestSupport::Semaphore fired;
    Pool pool({.maxChildren = 1});
    pool.submitLater(50ms, [&fired] { fired.release(); });
    QVERIFY(fired.tryAcquire(1, kWaitMs));
    const TimerId periodic = pool.schedule(10ms, [&fired] { fired.release(); });
    QVERIFY(fired.tryAcquire(3, kWaitMs));
    QVERIFY(pool.cancel(periodic));
}

void tst_Timers::timersFromManyThreadsFireOnceOrNeverWhenCancelled()
{
    constexpr int kThreads = 4;
    constexpr int kPerThread = 250;
    constexpr int kTotal = kThreads * kPerThread;
    std::vector<std::atomic<int>> fired(kTotal);
    std::vector<int> cancelled(kTotal, 0); // each thread writes its own part; read after join
    std::vector<TimerId> ids(kTotal);
    Pool pool({.maxChildren = 2});
    {
        std::vector<std::jthread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&, t] {
                std::mt19937 random(unsigned(t + 1));
                std::uniform_int_distribution<int> delayUs(0, 20000);
                for (int i = t * kPerThread; i < (t + 1) * kPerThread; ++i) {
                    ids[std::size_t(i)] = pool.submitDoneLater(
                            std::chrono::microseconds(delayUs(random)),
                            [&fired, i] { fired[std::size_t(i)].fetch_add(1); }, false);
                    if (i % 3 == 0) // cancel some at once, racing with their firing
                        cancelled[std::size_t(i)] = pool.cancel(ids[std::size_t(i)]) ? 1 : 0;
                }
            });
    }
    QVERIFY(QTest::qWaitFor([&] { return pool.delayed().isEmpty(); }, kWaitMs));
    QVERIFY(letPass(50)); // the last fired runs reach the queue
    QVERIFY(pool.waitIdle(waitDeadline()));

    QSet<TimerId> unique;
    for (int i = 0; i < kTotal; ++i) {
        QVERIFY(ids[std::size_t(i)]);
        unique.insert(ids[std::size_t(i)]);
        // cancel() true: it never runs; false (or not cancelled): it ran exactly once.
        const int expected = cancelled[std::size_t(i)] ? 0 : 1;
        QVERIFY2(fired[std::size_t(i)].load() == expected,
                 qPrintable(QStringLiteral("timer %1 (cancel returned %2) fired %3 times")
                                    .arg(i)
                                    .arg(cancelled[std::size_t(i)])
                                    .arg(fired[std::size_t(i)].load())));
    }
    QCOMPARE(unique.size(), qsizetype(kTotal));
}

void tst_Timers::firedRunIsQueuedWhenItLeavesDelayed()
{
    // "delayed() lists it until the job enters the queue": a timer that left delayed() is
    // pending in the pool, so delayed().isEmpty() followed by waitIdle() sees every run.
    constexpr int kTimers = 4000;
    Gate gate;
    Pool pool({.maxChildren = 1});
    GateOpener opener(gate);
    pool.submitDone(gate.job(), false);
    QVERIFY(gate.waitEntered()); // the child is held: fired runs stay in the queue
    const Clock::time_point due = Clock::now() + 200ms; // all due together
    for (int i = 0; i < kTimers; ++i)
        pool.submitDoneLater(
                std::max(Clock::duration(0), due - Clock::now()), [] {}, false);

    // While the child is held no run ends, so every timer is either still listed by
    // delayed() or queued (pending() counts the held job too). Looked at as often as the
    // test thread can (no event loop is involved), until every timer has fired.
    // delayed() is read first: a timer moving in between is counted twice, never missed.
    QDeadlineTimer deadline(kWaitMs);
    qint64 fewestAccounted = kTimers;
    qsizetype listed = kTimers;
    while (listed > 0 && !deadline.hasExpired()) {
        listed = pool.delayed().size();
        const qint64 accounted = listed + pool.pending() - 1;
        fewestAccounted = std::min(fewestAccounted, accounted);
    }
    QCOMPARE(listed, qsizetype(0));
    QVERIFY2(fewestAccounted == kTimers,
             qPrintable(QStringLiteral("at one moment only %1 of %2 timers were listed by "
                                       "delayed() or queued")
                                .arg(fewestAccounted)
                                .arg(kTimers)));
    gate.open();
    QVERIFY(pool.waitIdle(waitDeadline()));
}

void tst_Timers::cancelAllJobsKeepsPeriodicTimerAlive()
{
    // cancelAll() drops pending jobs, "not timers": a periodic timer whose run it dropped
    // still runs at its next due time.
    Gate gate;
    std::atomic<int> runs{0};
    Pool pool({.maxChildren = 1});
    GateOpener opener(gate);
    pool.submitDone(gate.job(), false);
    QVERIFY(gate.waitEntered());
    const TimerId id = pool.schedule(20ms, [&runs] { runs.fetch_add(1); });
    QVERIFY(QTest::qWaitFor([&] { return pool.jobs().size() == 1; }, kWaitMs)); // its run waits
    QVERIFY(pool.cancelAll());
    QVERIFY(pool.jobs().isEmpty());
    gate.open();
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(pool.scheduled(), QList<TimerId>{id});

    const bool ranAgain = QTest::qWaitFor([&] { return runs.load() >= 2; }, 2000);
    QVERIFY(pool.cancel(id));
    QVERIFY2(ranAgain,
             qPrintable(QStringLiteral("the 20 ms timer ran %1 times in 2 s after "
                                       "cancelAll() dropped one of its runs")
                                .arg(runs.load())));
}

void tst_Timers::cancelAllJobsEndsOneShotTimerWhoseRunItDropped()
{
    // A one-shot timer whose only run cancelAll() dropped is over: not listed, and
    // cancel() reports it as no longer live.
    Gate gate;
    std::atomic<int> runs{0};
    Pool pool({.maxChildren = 1});
    GateOpener opener(gate);
    pool.submitDone(gate.job(), false);
    QVERIFY(gate.waitEntered());
    const TimerId id = pool.submitLater(0ms, [&runs] { runs.fetch_add(1); });
    QVERIFY(QTest::qWaitFor([&] { return pool.jobs().size() == 1; }, kWaitMs));
    QVERIFY(QTest::qWaitFor([&] { return pool.delayed().isEmpty(); }, kWaitMs));
    QVERIFY(pool.cancelAll());
    QVERIFY(!pool.cancel(id));
    gate.open();
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(runs.load(), 0);
}

// ---- time arithmetic at the extremes ----------------------------------------------------

namespace {
//! Submits a one-shot timer (`periodic` false) or a schedule() with the duration `kind`
//! names, counting its runs into `runs`.
TimerId startExtreme(Pool &pool, int kind, bool periodic, std::atomic<int> &runs)
{
    auto job = [&runs] { runs.fetch_add(1); };
    auto start = [&](auto duration) {
        return periodic ? pool.scheduleDone(duration, job, false)
                        : pool.submitDoneLater(duration, job, false);
    };
    using namespace std::chrono;
    switch (kind) {
    case 0:
        return start(nanoseconds::max());
    case 1:
        return start(microseconds::max());
    case 2:
        return start(milliseconds::max());
    case 3:
        return start(seconds::max());
    case 4:
        return start(minutes::max());
    case 5:
        return start(hours::max());
    case 6:
        return start(days::max());
    case 7:
        return start(years::max());
    case 8:
        return start(years(300));
    case 9:
        return start(duration<double>(std::numeric_limits<double>::infinity()));
    case 10:
        return start(duration<double, std::ratio<86400 * 365>>(1e30));
    default:
        return start(duration<std::uint64_t>(std::numeric_limits<std::uint64_t>::max()));
    }
}

void addExtremeRows()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<bool>("periodic");
    const char *names[]
            = {"nanoseconds::max", "microseconds::max", "milliseconds::max", "seconds::max",
               "minutes::max",     "hours::max",        "days::max",         "years::max",
               "years(300)",       "double infinity",   "1e30 years",        "uint64 seconds max"};
    for (int kind = 0; kind < 12; ++kind) {
        QTest::newRow((std::string(names[kind]) + " later").c_str()) << kind << false;
        QTest::newRow((std::string(names[kind]) + " schedule").c_str()) << kind << true;
    }
}
} // namespace

void tst_Timers::scheduleWithTheLongestIntervalStaysCancellable()
{
    std::atomic<int> runs{0};
    Pool pool({.maxChildren = 1});
    TestSupport::Watchdog watchdog("schedule(nanoseconds::max()) then cancel and shutdown");
    const TimerId timer = pool.scheduleDone(
            std::chrono::nanoseconds::max(), [&runs] { runs.fetch_add(1); }, false);
    QVERIFY(pool.scheduled().contains(timer));
    const TimerId other = pool.submitDoneLater(
            1ms, [&runs] { runs.fetch_add(1); }, false);
    QVERIFY(QTest::qWaitFor([&] { return runs.load() == 1; }, kWaitMs)); // the other fires
    QVERIFY(pool.cancel(timer));
    QVERIFY(!pool.cancel(other));
    pool.scheduleDone(
            std::chrono::nanoseconds::max(), [] {}, false);
    pool.cancelTimers();
    QVERIFY(pool.shutdown(waitDeadline()));
    QCOMPARE(runs.load(), 1);
}

void tst_Timers::extremeDelaysAreAcceptedAndNeverFireEarly_data() { addExtremeRows(); }

void tst_Timers::extremeDelaysAreAcceptedAndNeverFireEarly()
{
    QFETCH(int, kind);
    QFETCH(bool, periodic);
    std::atomic<int> runs{0};
    TestSupport::Semaphore soon; // before the pool: its jobs end before this does
    Pool pool({.maxChildren = 1});
    TestSupport::Watchdog watchdog("an extreme timer");
    const TimerId timer = startExtreme(pool, kind, periodic, runs);
    QVERIFY((periodic ? pool.scheduled() : pool.delayed()).contains(timer));
    // A timer after it that is due soon fires; the extreme one does not.
    pool.submitDoneLater(
            5ms, [&soon] { soon.release(); }, false);
    QVERIFY(soon.tryAcquire(1, kWaitMs));
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(runs.load(), 0);
    QVERIFY((periodic ? pool.scheduled() : pool.delayed()).contains(timer));
    QVERIFY(pool.cancel(timer));
}

void tst_Timers::extremeNegativeDelaysAreRejectedAsNegative_data()
{
    QTest::addColumn<int>("kind");
    QTest::newRow("nanoseconds::min") << 0;
    QTest::newRow("milliseconds::min") << 1;
    QTest::newRow("hours::min") << 2;
    QTest::newRow("-1 ns") << 3;
    QTest::newRow("double -infinity") << 4;
}

void tst_Timers::extremeNegativeDelaysAreRejectedAsNegative()
{
    QFETCH(int, kind);
    Pool pool({.maxChildren = 1});
    auto later = [&](auto d) { pool.submitLater(d, [] {}); };
    try {
        switch (kind) {
        case 0:
            later(std::chrono::nanoseconds::min());
            break;
        case 1:
            later(std::chrono::milliseconds::min());
            break;
        case 2:
            later(std::chrono::hours::min());
            break;
        case 3:
            later(-1ns);
            break;
        default:
            later(std::chrono::duration<double>(-std::numeric_limits<double>::infinity()));
            break;
        }
        QFAIL("a negative delay was accepted");
    } catch (const std::invalid_argument &e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains("must not be negative"), e.what());
    }
    QVERIFY(pool.delayed().isEmpty());
}

void tst_Timers::notANumberIsRejected()
{
    Pool pool({.maxChildren = 1});
    const auto nan = std::chrono::duration<double>(std::numeric_limits<double>::quiet_NaN());
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.submitLater(nan, [] {}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.schedule(nan, [] {}));
    QVERIFY_THROWS_EXCEPTION(
            std::invalid_argument,
            pool.submitAt(QDateTime::currentDateTimeUtc().addSecs(60), nan, [] {}));
    QVERIFY(pool.delayed().isEmpty());
    QVERIFY(pool.scheduled().isEmpty());
}

void tst_Timers::farFutureTimesAreNotInThePast_data()
{
    QTest::addColumn<QDateTime>("time");
    QTest::newRow("2300-01-01") << QDateTime(QDate(2300, 1, 1), QTime(0, 0), Qt::UTC);
    QTest::newRow("2611-01-01") << QDateTime(QDate(2611, 1, 1), QTime(0, 0), Qt::UTC);
    QTest::newRow("year 100000") << QDateTime(QDate(100000, 1, 1), QTime(0, 0), Qt::UTC);
}

void tst_Timers::farFutureTimesAreNotInThePast()
{
    QFETCH(QDateTime, time);
    std::atomic<int> runs{0};
    TestSupport::Semaphore soon; // before the pool: its jobs end before this does
    Pool pool({.maxChildren = 1});
    const TimerId timer = pool.submitDoneAt(
            time, 0ms, [&runs] { runs.fetch_add(1); }, false);
    const TimerId viaChrono = pool.submitDoneAt(
            SysClock::time_point::max(), 0ms, [&runs] { runs.fetch_add(1); }, false);
    pool.submitDoneLater(
            5ms, [&soon] { soon.release(); }, false);
    QVERIFY(soon.tryAcquire(1, kWaitMs));
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(runs.load(), 0); // neither fired at once
    QVERIFY(pool.scheduled().contains(timer));
    QVERIFY(pool.scheduled().contains(viaChrono));
}

void tst_Timers::pastTimeMessageSaysHowLongAgo()
{
    Pool pool({.maxChildren = 1});
    try {
        pool.submitAt(QDateTime::currentDateTimeUtc().addSecs(-2), 0ms, [] {});
        QFAIL("a time in the past was accepted");
    } catch (const std::invalid_argument &e) {
        const QString message = QString::fromUtf8(e.what());
        QVERIFY2(message.contains("in the past") && !message.contains("-"), e.what());
    }
}

#if defined(TIMERS_WITHOUT_APP)
QTEST_APPLESS_MAIN(tst_Timers)
#else
QTEST_GUILESS_MAIN(tst_Timers)
#endif
#include "tst_timers.moc"
