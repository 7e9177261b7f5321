// Pool::asCompleted(): results and failures as they arrive, NoWait, deadlines, refusal
// with callbacks, and that waiting sleeps instead of polling.
#include <fastthreadpool/pool.h>

#include "testsupport.h"
#include "threadstate.h"

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qhash.h>
#include <QtTest/qtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace FastThreadPool;
using namespace std::chrono_literals;
using TestSupport::failWith;
using TestSupport::Gate;
using TestSupport::GateOpener;
using TestSupport::identity;
using TestSupport::kWaitMs;
using TestSupport::waitDeadline;

namespace {

//! Opens a gate if the test has not disarmed it in time: a broken library then makes the
//! test fail on its time checks instead of hanging. Never used to order the test.
class Watchdog
{
public:
    Watchdog(Gate &gate, int timeoutMs)
        : m_thread([this, &gate, timeoutMs] {
            if (!m_disarm.tryAcquire(1, timeoutMs))
                gate.openAll();
        })
    { }
    ~Watchdog()
    {
        m_disarm.release();
        m_thread.join();
    }

private:
    TestSupport::Semaphore m_disarm;
    std::thread m_thread;
};

} // namespace

class tst_AsCompleted : public QObject
{
    Q_OBJECT

private slots:
    void yieldsEveryResultAndFailure();
    void returnsAtOnceForNewPool();
    void waitsForRunningJobs();
    void noWaitReturnsOnlyWhatIsThereNow();
    void deadlineEndsIterationOnTime();
    void refusedWhenCallbacksTakeResults_data();
    void refusedWhenCallbacksTakeResults();
    void eachEntryTakenDecrementsCounts();
    void yieldsResultsSubmittedWhileIterating();
    void waitsWithoutPolling();
    void waitIdleHonoursDeadline();
    void waitsThatCouldNeverEndAreRefusedInsideAJob();
    void boundedWaitsWorkInsideAJob();
};

void tst_AsCompleted::yieldsEveryResultAndFailure()
{
    constexpr int kJobs = 100;
    Pool pool({.maxChildren = 2, .resultId = true});
    QHash<JobId, int> expectedValues;
    QHash<JobId, int> expectedFailures;
    for (int i = 0; i < kJobs; ++i) {
        if (i % 10 == 0)
            expectedFailures.insert(pool.submit(failWith, i), i);
        else
            expectedValues.insert(pool.submit(identity, i), i);
    }

    QHash<JobId, int> values;
    QHash<JobId, int> failures;
    for (const Completion &c : pool.asCompleted()) {
        if (c.isFailure()) {
            QVERIFY(!c.value().isValid());
            QCOMPARE(c.failure().type, QStringLiteral("std::runtime_error"));
            QVERIFY(!failures.contains(c.id()));
            failures.insert(c.id(), c.failure().message.toInt());
        } else {
            QVERIFY(!values.contains(c.id()));
            values.insert(c.id(), c.value().toInt());
        }
    }
    QCOMPARE(values, expectedValues);
    QCOMPARE(failures, expectedFailures);
    // It ended because nothing is left: nothing pending or running, both queues empty.
    QCOMPARE(pool.pending(), 0);
    QVERIFY(pool.done().isEmpty());
    QVERIFY(pool.failed().isEmpty());
}

void tst_AsCompleted::returnsAtOnceForNewPool()
{
    Pool pool;
    QElapsedTimer timer;
    timer.start();
    int entries = 0;
    for (const Completion &c : pool.asCompleted()) {
        Q_UNUSED(c);
        ++entries;
    }
    for (const Completion &c : pool.asCompleted(NoWait)) {
        Q_UNUSED(c);
        ++entries;
    }
    QCOMPARE(entries, 0);
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(pool.childCount(), 0);
}

void tst_AsCompleted::waitsForRunningJobs()
{
    Gate gate;
    Pool pool({.maxChildren = 2});
    GateOpener opener(gate);
    pool.submit(gate.valueJob(), 7);

    // The job is let go only once this thread sleeps inside the iteration.
    const long testTid = TestSupport::currentTid();
    std::atomic<bool> sawWaiterAsleep{false};
    std::thread releaser([&] {
        sawWaiterAsleep = TestSupport::waitUntilSleeping({testTid});
        gate.open();
    });
    QList<int> values;
    for (const Completion &c : pool.asCompleted(QDeadlineTimer(10s)))
        values.append(c.value().toInt());
    releaser.join();

    QVERIFY(sawWaiterAsleep.load());
    QCOMPARE(values, QList<int>{7});
    QCOMPARE(pool.pending(), 0);
}

void tst_AsCompleted::noWaitReturnsOnlyWhatIsThereNow()
{
    Gate gate;
    Pool pool({.maxChildren = 2});
    GateOpener opener(gate);
    pool.submit(gate.valueJob(), -1);
    for (int i = 0; i < 3; ++i)
        pool.submit(identity, i);
    pool.submit(failWith, 3);
    QVERIFY(QTest::qWaitFor([&] { return pool.done().size() == 3 && pool.failed().size() == 1; },
                            10000));

    QList<int> values;
    int failures = 0;
    QElapsedTimer timer;
    timer.start();
    {
        Watchdog watchdog(gate, 5000);
        for (const Completion &c : pool.asCompleted(NoWait)) {
            if (c.isFailure())
                ++failures;
            else
                values.append(c.value().toInt());
        }
    }
    QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
    std::sort(values.begin(), values.end());
    QCOMPARE(values, (QList<int>{0, 1, 2}));
    QCOMPARE(failures, 1);
    // The blocked job was not waited for: it is still running.
    QCOMPARE(pool.pending(), 1);

    // Nothing new: a second pass yields nothing.
    int more = 0;
    for (const Completion &c : pool.asCompleted(NoWait)) {
        Q_UNUSED(c);
        ++more;
    }
    QCOMPARE(more, 0);

    gate.open();
    const auto last = pool.done().take(QDeadlineTimer(10s));
    QVERIFY(last.has_value());
    QCOMPARE(last->value.toInt(), -1);
}

void tst_AsCompleted::deadlineEndsIterationOnTime()
{
    Gate gate;
    Pool pool({.maxChildren = 2});
    GateOpener opener(gate);
    pool.submit(gate.valueJob(), -1); // blocked until the test ends
    for (int i = 0; i < 5; ++i)
        pool.submit(identity, i);

    QList<int> values;
    QElapsedTimer timer;
    timer.start();
    {
        Watchdog watchdog(gate, 5000);
        for (const Completion &c : pool.asCompleted(QDeadlineTimer(200ms, Qt::PreciseTimer)))
            values.append(c.value().toInt());
    }
    const qint64 elapsed = timer.elapsed();
    QVERIFY2(elapsed >= 195, qPrintable(QString::number(elapsed)));
    QVERIFY2(elapsed < 250, qPrintable(QString::number(elapsed)));
    // What arrived before the deadline was yielded; the blocked job still runs.
    std::sort(values.begin(), values.end());
    QCOMPARE(values, (QList<int>{0, 1, 2, 3, 4}));
    QCOMPARE(pool.pending(), 1);
}

void tst_AsCompleted::waitIdleHonoursDeadline()
{
    Gate gate;
    Pool pool({.maxChildren = 1});
    GateOpener opener(gate);
    pool.submit(gate.job());
    QVERIFY(gate.waitEntered());
    QElapsedTimer timer;
    timer.start();
    QVERIFY(!pool.waitIdle(QDeadlineTimer(100ms, Qt::PreciseTimer)));
    const qint64 elapsed = timer.elapsed();
    QVERIFY2(elapsed >= 95 && elapsed < 1000, qPrintable(QString::number(elapsed)));
    gate.open();
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
}

void tst_AsCompleted::refusedWhenCallbacksTakeResults_data()
{
    QTest::addColumn<bool>("withDoneCallback");
    QTest::addColumn<bool>("withFailedCallback");
    QTest::newRow("doneCallback") << true << false;
    QTest::newRow("failedCallback") << false << true;
    QTest::newRow("both") << true << true;
}

void tst_AsCompleted::refusedWhenCallbacksTakeResults()
{
    QFETCH(bool, withDoneCallback);
    QFETCH(bool, withFailedCallback);
    std::atomic<int> handled{0};
    PoolOptions options{.maxChildren = 2};
    if (withDoneCallback)
        options.doneCallback = [&handled](const Result &) { handled.fetch_add(1); };
    if (withFailedCallback)
        options.failedCallback = [&handled](const Failure &) { handled.fetch_add(1); };
    Pool pool(options);
    pool.submit(identity, 1);
    pool.submit(failWith, 2);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));

    QVERIFY_THROWS_EXCEPTION(PoolCallback, (void)pool.asCompleted());
    QVERIFY_THROWS_EXCEPTION(PoolCallback, (void)pool.asCompleted(NoWait));
    QVERIFY_THROWS_EXCEPTION(PoolCallback, (void)pool.asCompleted(QDeadlineTimer(100ms)));
    try {
        (void)pool.asCompleted();
    } catch (const PoolCallback &e) {
        QVERIFY(std::string(e.what()).find("callback") != std::string::npos);
    }
    QVERIFY(pool.shutdown(QDeadlineTimer(10s)));
    const int expected = (withDoneCallback ? 1 : 0) + (withFailedCallback ? 1 : 0);
    QCOMPARE(handled.load(), expected);
}

void tst_AsCompleted::eachEntryTakenDecrementsCounts()
{
    Pool pool({.maxChildren = 2});
    for (int i = 0; i < 10; ++i)
        pool.submit(identity, i);
    for (int i = 0; i < 5; ++i)
        pool.submit(failWith, i);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));

    int done = 10;
    int failed = 5;
    QCOMPARE(pool.doneCount().value(), done);
    QCOMPARE(pool.failedCount().value(), failed);
    for (const Completion &c : pool.asCompleted()) {
        if (c.isFailure())
            --failed;
        else
            --done;
        QCOMPARE(pool.doneCount().value(), done);
        QCOMPARE(pool.failedCount().value(), failed);
        QCOMPARE(pool.done().size(), qsizetype(done));
        QCOMPARE(pool.failed().size(), qsizetype(failed));
    }
    QCOMPARE(done, 0);
    QCOMPARE(failed, 0);
}

void tst_AsCompleted::yieldsResultsSubmittedWhileIterating()
{
    constexpr int kFirst = 5;
    constexpr int kMore = 20;
    Pool pool({.maxChildren = 2});
    QList<int> expected;
    for (int i = 0; i < kFirst; ++i) {
        pool.submit(identity, i);
        expected.append(i);
    }

    QList<int> values;
    int submitted = 0;
    for (const Completion &c : pool.asCompleted(QDeadlineTimer(10s))) {
        QVERIFY(!c.isFailure());
        values.append(c.value().toInt());
        if (submitted < kMore) {
            const int value = 1000 + submitted++;
            pool.submit(identity, value);
            expected.append(value);
        }
    }
    QCOMPARE(submitted, kMore);
    std::sort(values.begin(), values.end());
    std::sort(expected.begin(), expected.end());
    QCOMPARE(values, expected);
    QCOMPARE(pool.pending(), 0);
}

void tst_AsCompleted::waitsWithoutPolling()
{
    Gate gate;
    Pool pool({.maxChildren = 2});
    GateOpener opener(gate);
    pool.submit(gate.valueJob(), -1);
    QVERIFY(QTest::qWaitFor([&] { return pool.busy() == 1; }, 10000));

    QElapsedTimer timer;
    timer.start();
    const std::clock_t cpuBefore = std::clock();
    int entries = 0;
    {
        Watchdog watchdog(gate, 5000);
        for (const Completion &c : pool.asCompleted(QDeadlineTimer(300ms, Qt::PreciseTimer))) {
            Q_UNUSED(c);
            ++entries;
        }
    }
    const std::clock_t cpuAfter = std::clock();
    const qint64 elapsed = timer.elapsed();
    const double cpuMs = 1000.0 * double(cpuAfter - cpuBefore) / CLOCKS_PER_SEC;

    QCOMPARE(entries, 0);
    QVERIFY2(elapsed >= 295, qPrintable(QString::number(elapsed)));
    // The whole process (waiter, blocked job, idle pool) used next to no CPU meanwhile.
    QVERIFY2(cpuMs < 50.0, qPrintable(QStringLiteral("%1 ms CPU").arg(cpuMs)));
}

void tst_AsCompleted::waitsThatCouldNeverEndAreRefusedInsideAJob()
{
    // The calling job keeps its pool busy: waitIdle() and asCompleted() without a deadline
    // could never end there, so they throw instead of hanging.
    std::atomic<int> refused{0};
    Pool pool({.maxChildren = 1});
    pool.submitDone(
            [&] {
                try {
                    pool.waitIdle();
                } catch (const WouldDeadlock &) {
                    refused.fetch_add(1);
                }
                try {
                    for (const Completion &c : pool.asCompleted())
                        Q_UNUSED(c);
                } catch (const WouldDeadlock &) {
                    refused.fetch_add(1);
                }
            },
            false);
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(refused.load(), 2);
}

void tst_AsCompleted::boundedWaitsWorkInsideAJob()
{
    std::atomic<int> seen{-1};
    Pool pool({.maxChildren = 2});
    pool.submit(identity, 7);
    QVERIFY(QTest::qWaitFor([&] { return pool.doneQueued() == 1; }, kWaitMs));
    pool.submitDone(
            [&] {
                int n = 0;
                for (const Completion &c : pool.asCompleted(NoWait))
                    n += c.value().toInt();
                seen = n;
            },
            false);
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(seen.load(), 7);
}

QTEST_GUILESS_MAIN(tst_AsCompleted)
#include "tst_ascompleted.moc"
