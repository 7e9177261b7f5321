// The done and failed queues of a Pool (take operations, the count semaphores, doneMax)
// and the pool's done/failed callbacks.
#include <fastthreadpool/pool.h>

#include "testsupport.h"
#include "threadstate.h"

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qhash.h>
#include <QtCore/qset.h>
#include <QtCore/qthread.h>
#include <QtTest/qtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
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

namespace {

//! Each of 0..count-1 exactly once in `values`.
bool eachOnce(const QList<int> &values, int count)
{
    if (values.size() != count)
        return false;
    std::vector<int> seen(std::size_t(count), 0);
    for (int v : values) {
        if (v < 0 || v >= count || seen[std::size_t(v)]++ != 0)
            return false;
    }
    return true;
}

} // namespace

#define CHECK_COUNTS(pool, expectedDone, expectedFailed)                                           \
    do {                                                                                           \
        QCOMPARE((pool).doneCount().value(), (expectedDone));                                      \
        QCOMPARE((pool).done().size(), qsizetype(expectedDone));                                   \
        QCOMPARE((pool).failedCount().value(), (expectedFailed));                                  \
        QCOMPARE((pool).failed().size(), qsizetype(expectedFailed));                               \
    } while (false)

class tst_Results : public QObject
{
    Q_OBJECT

private slots:
    void tryTakeReturnsOldestEntryOrNothing();
    void takeWaitsForLaterResult();
    void takeTimesOutWhenNoResultComes();
    void takeAllTakesEveryEntry();
    void sizeAndIsEmptyFollowEntries();
    void failedQueueTakeOperations();
    void countsEqualQueueLengths();
    void acquireThenTakeReservedIdiom();
    void takeReservedWithoutPermitThrows();
    void doneMaxBoundsDoneQueue();
    void doneMaxTryTakeLetsAllJobsFinish();
    void doneMaxAsCompletedReturnsEveryResultOnce();
    void doneMaxWithDoneCallbackDoesNotDeadlock();
    void doneCallbackRunsOnOneDedicatedThread();
    void doneCallbackKeepsCompletionOrderPerWorker();
    void doneCallbackSeesEveryResultAcrossShutdown();
    void doneCallbackFalseDiscardsResults();
    void failedCallbackRunsOnOneThreadAndSeesEveryFailure();
    void doneCallbackExceptionBecomesFailureWithIdZero();
    void callbacksLeaveQueuesEmpty();
};

void tst_Results::tryTakeReturnsOldestEntryOrNothing()
{
    Pool pool({.maxChildren = 1, .resultId = true});
    QVERIFY(!pool.done().tryTake().has_value());

    // One child runs the jobs in submission order, so the done queue holds them in order.
    QList<JobId> ids;
    for (int i = 0; i < 5; ++i)
        ids.append(pool.submit(identity, i * 10));
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));

    for (int i = 0; i < 5; ++i) {
        const auto result = pool.done().tryTake();
        QVERIFY(result.has_value());
        QCOMPARE(result->id, ids.at(i));
        QCOMPARE(result->value.toInt(), i * 10);
    }
    QVERIFY(!pool.done().tryTake().has_value());
    QVERIFY(!pool.failed().tryTake().has_value());
}

void tst_Results::takeWaitsForLaterResult()
{
    Gate gate;
    Pool pool({.maxChildren = 1});
    GateOpener opener(gate);

    // (The jobs take an argument: a job without arguments trips a warning in invoke.h.)
    pool.submit(gate.valueJob(), 42);
    QVERIFY(!pool.done().tryTake().has_value());

    // The job is let go only once this thread sleeps inside take(): the result comes later.
    const long testTid = TestSupport::currentTid();
    std::atomic<bool> sawTakerAsleep{false};
    std::thread releaser([&] {
        sawTakerAsleep = TestSupport::waitUntilSleeping({testTid});
        gate.open();
    });
    const auto result = pool.done().take(QDeadlineTimer(10s));
    releaser.join();

    QVERIFY(sawTakerAsleep.load());
    QVERIFY(result.has_value());
    QCOMPARE(result->value.toInt(), 42);
    QVERIFY(pool.done().isEmpty());
}

void tst_Results::takeTimesOutWhenNoResultComes()
{
    Gate gate;
    Pool pool({.maxChildren = 1});
    GateOpener opener(gate);
    pool.submit(gate.valueJob(), 1);

    QElapsedTimer timer;
    timer.start();
    const auto result = pool.done().take(QDeadlineTimer(150ms, Qt::PreciseTimer));
    const qint64 elapsed = timer.elapsed();
    QVERIFY(!result.has_value());
    QVERIFY2(elapsed >= 145, qPrintable(QString::number(elapsed)));
    QVERIFY2(elapsed < 5000, qPrintable(QString::number(elapsed)));

    const auto failure = pool.failed().take(QDeadlineTimer(50ms, Qt::PreciseTimer));
    QVERIFY(!failure.has_value());

    // The job still delivers once released; nothing was lost by the timed-out take.
    gate.open();
    const auto late = pool.done().take(QDeadlineTimer(10s));
    QVERIFY(late.has_value());
    QCOMPARE(late->value.toInt(), 1);
}

void tst_Results::takeAllTakesEveryEntry()
{
    Pool pool({.maxChildren = 2});
    QVERIFY(pool.done().takeAll().isEmpty());

    for (int i = 0; i < 100; ++i)
        pool.submit(identity, i);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));

    const QList<Result> all = pool.done().takeAll();
    QList<int> values;
    for (const Result &r : all)
        values.append(r.value.toInt());
    QVERIFY(eachOnce(values, 100));
    QVERIFY(pool.done().isEmpty());
    QCOMPARE(pool.doneCount().value(), 0);
    QVERIFY(pool.done().takeAll().isEmpty());
}

void tst_Results::sizeAndIsEmptyFollowEntries()
{
    Pool pool({.maxChildren = 2});
    QVERIFY(pool.done().isEmpty());
    QCOMPARE(pool.done().size(), 0);

    for (int i = 0; i < 7; ++i)
        pool.submit(identity, i);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QVERIFY(!pool.done().isEmpty());
    QCOMPARE(pool.done().size(), 7);

    for (qsizetype left = 6; left >= 0; --left) {
        QVERIFY(pool.done().tryTake().has_value());
        QCOMPARE(pool.done().size(), left);
        QCOMPARE(pool.done().isEmpty(), left == 0);
    }
}

void tst_Results::failedQueueTakeOperations()
{
    Pool pool({.maxChildren = 2});
    QVERIFY(pool.failed().isEmpty());
    QVERIFY(!pool.failed().tryTake().has_value());

    for (int i = 0; i < 6; ++i)
        pool.submit(failWith, i);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QCOMPARE(pool.failed().size(), 6);
    QVERIFY(pool.done().isEmpty());

    QList<int> messages;
    const auto first = pool.failed().tryTake();
    QVERIFY(first.has_value());
    messages.append(first->message.toInt());
    const auto second = pool.failed().take(QDeadlineTimer(10s));
    QVERIFY(second.has_value());
    messages.append(second->message.toInt());
    QCOMPARE(pool.failed().size(), 4);
    for (const Failure &f : pool.failed().takeAll()) {
        QCOMPARE(f.type, QStringLiteral("std::runtime_error"));
        messages.append(f.message.toInt());
    }
    QVERIFY(eachOnce(messages, 6));
    QVERIFY(pool.failed().isEmpty());
    QCOMPARE(pool.failedCount().value(), 0);
}

void tst_Results::countsEqualQueueLengths()
{
    Pool pool({.maxChildren = 2});
    CHECK_COUNTS(pool, 0, 0);

    for (int i = 0; i < 10; ++i)
        pool.submit(identity, i);
    for (int i = 0; i < 4; ++i)
        pool.submit(failWith, i);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    CHECK_COUNTS(pool, 10, 4);

    for (int i = 0; i < 3; ++i)
        QVERIFY(pool.done().tryTake().has_value());
    QVERIFY(pool.failed().tryTake().has_value());
    CHECK_COUNTS(pool, 7, 3);

    for (int i = 0; i < 5; ++i)
        pool.submit(identity, i);
    for (int i = 0; i < 2; ++i)
        pool.submit(failWith, i);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    CHECK_COUNTS(pool, 12, 5);

    QVERIFY(pool.done().take(QDeadlineTimer(10s)).has_value());
    QVERIFY(pool.done().take(QDeadlineTimer(10s)).has_value());
    QVERIFY(pool.failedCount().acquire());
    (void)pool.failed().takeReserved();
    CHECK_COUNTS(pool, 10, 4);

    int taken = 0;
    for (const Completion &c : pool.asCompleted(NoWait)) {
        Q_UNUSED(c);
        if (++taken == 4)
            break;
    }
    QCOMPARE(taken, 4);
    CHECK_COUNTS(pool, 6, 4);

    // The semaphores counted exactly the entries that are really there.
    QCOMPARE(pool.done().takeAll().size(), 6);
    CHECK_COUNTS(pool, 0, 4);
    QCOMPARE(pool.failed().takeAll().size(), 4);
    CHECK_COUNTS(pool, 0, 0);
}

void tst_Results::acquireThenTakeReservedIdiom()
{
    constexpr int kJobs = 50;
    Pool pool({.maxChildren = 2});
    for (int i = 0; i < kJobs; ++i)
        pool.submit(identity, i);

    // Python: done_cnt.acquire(); done.popleft(), without waiting for idle first.
    QList<int> values;
    for (int i = 0; i < kJobs; ++i) {
        QVERIFY(pool.doneCount().tryAcquire(QDeadlineTimer(10s)));
        values.append(pool.done().takeReserved().value.toInt());
    }
    QVERIFY(eachOnce(values, kJobs));
    CHECK_COUNTS(pool, 0, 0);

    pool.submit(failWith, 7);
    QVERIFY(pool.failedCount().acquire());
    QCOMPARE(pool.failed().takeReserved().message, QStringLiteral("7"));
    CHECK_COUNTS(pool, 0, 0);
}

void tst_Results::takeReservedWithoutPermitThrows()
{
    Pool pool({.maxChildren = 1});
    QVERIFY_THROWS_EXCEPTION(std::logic_error, pool.done().takeReserved());
    QVERIFY_THROWS_EXCEPTION(std::logic_error, pool.failed().takeReserved());
    CHECK_COUNTS(pool, 0, 0);

    // The queue still works afterwards.
    pool.submit(identity, 5);
    const auto result = pool.done().take(QDeadlineTimer(10s));
    QVERIFY(result.has_value());
    QCOMPARE(result->value.toInt(), 5);
}

void tst_Results::doneMaxBoundsDoneQueue()
{
    constexpr int kJobs = 40;
    constexpr int kMax = 4;
    Pool pool({.maxChildren = 2, .doneMax = kMax});
    for (int i = 0; i < kJobs; ++i)
        pool.submit(identity, i);

    QVERIFY(QTest::qWaitFor([&] { return pool.done().size() == kMax; }, 10000));
    // Every child is inside a job, held back from delivering (how many children a burst
    // starts depends on how fast the first ones get going).
    QVERIFY(QTest::qWaitFor([&] { return pool.busy() == pool.childCount(); }, 10000));
    QVERIFY(pool.pending() > 0);

    // Nobody takes: however long the children keep trying, the bound holds.
    qsizetype largest = 0;
    QElapsedTimer watch;
    watch.start();
    while (watch.elapsed() < 300) {
        largest = std::max(largest, pool.done().size());
        QThread::yieldCurrentThread();
    }
    QCOMPARE(largest, qsizetype(kMax));
    QVERIFY(pool.pending() > 0);
    QCOMPARE(pool.doneCount().value(), kMax);

    // Taking lets the rest through; the bound holds all the way.
    QList<int> values;
    while (values.size() < kJobs) {
        const auto result = pool.done().take(QDeadlineTimer(10s));
        QVERIFY(result.has_value());
        values.append(result->value.toInt());
        QVERIFY(pool.done().size() <= kMax);
    }
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QVERIFY(eachOnce(values, kJobs));
    CHECK_COUNTS(pool, 0, 0);
}

void tst_Results::doneMaxTryTakeLetsAllJobsFinish()
{
    constexpr int kJobs = 1000;
    constexpr int kMax = 5;
    Pool pool({.maxChildren = 2, .doneMax = kMax});
    for (int i = 0; i < kJobs; ++i)
        pool.submit(identity, i);

    QList<int> values;
    qsizetype largest = 0;
    QElapsedTimer timer;
    timer.start();
    while (values.size() < kJobs && timer.elapsed() < 15000) {
        largest = std::max(largest, pool.done().size());
        if (const auto result = pool.done().tryTake())
            values.append(result->value.toInt());
        else
            QThread::yieldCurrentThread();
    }
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QVERIFY(largest <= kMax);
    QVERIFY(eachOnce(values, kJobs));
    CHECK_COUNTS(pool, 0, 0);
}

void tst_Results::doneMaxAsCompletedReturnsEveryResultOnce()
{
    constexpr int kJobs = 1000;
    constexpr int kMax = 8;
    Pool pool({.maxChildren = 2, .doneMax = kMax});
    for (int i = 0; i < kJobs; ++i)
        pool.submit(identity, i);

    QList<int> values;
    qsizetype largest = 0;
    for (const Completion &c : pool.asCompleted(QDeadlineTimer(15s))) {
        QVERIFY(!c.isFailure());
        values.append(c.value().toInt());
        largest = std::max(largest, pool.done().size());
    }
    QVERIFY(largest <= kMax);
    QVERIFY(eachOnce(values, kJobs));
    QCOMPARE(pool.pending(), 0);
    CHECK_COUNTS(pool, 0, 0);
}

void tst_Results::doneMaxWithDoneCallbackDoesNotDeadlock()
{
    constexpr int kJobs = 1000;
    std::mutex mutex;
    QList<int> values;
    Pool pool({.maxChildren = 2,
               .doneCallback =
                       [&](const Result &r) {
                           std::lock_guard lock(mutex);
                           values.append(r.value.toInt());
                       },
               .doneMax = 2});
    for (int i = 0; i < kJobs; ++i)
        pool.submit(identity, i);

    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QVERIFY(QTest::qWaitFor(
            [&] {
                std::lock_guard lock(mutex);
                return values.size() == kJobs;
            },
            10000));
    QVERIFY(pool.shutdown(QDeadlineTimer(10s)));
    std::lock_guard lock(mutex);
    QVERIFY(eachOnce(values, kJobs));
}

void tst_Results::doneCallbackRunsOnOneDedicatedThread()
{
    constexpr int kJobs = 200;
    std::mutex mutex;
    QSet<QString> names;
    QSet<QThread *> threads;
    QList<int> values;
    Pool pool({.maxChildren = 2, .doneCallback = [&](const Result &r) {
                   std::lock_guard lock(mutex);
                   names.insert(QThread::currentThread()->objectName());
                   threads.insert(QThread::currentThread());
                   values.append(r.value.toInt());
               }});
    for (int i = 0; i < kJobs; ++i)
        pool.submit(identity, i);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    const QList<QThread *> children = pool.childThreads();
    QVERIFY(pool.shutdown(QDeadlineTimer(10s)));

    std::lock_guard lock(mutex);
    QVERIFY(eachOnce(values, kJobs));
    QCOMPARE(names, QSet<QString>{QStringLiteral("ThreadPoolDone")});
    QCOMPARE(threads.size(), 1);
    QThread *callbackThread = *threads.cbegin();
    QVERIFY(callbackThread != QThread::currentThread());
    QVERIFY(!children.contains(callbackThread));
}

void tst_Results::doneCallbackKeepsCompletionOrderPerWorker()
{
    constexpr int kJobs = 2000;
    std::mutex mutex;
    QHash<QThread *, QList<int>> completedBy; // per worker, in the order its jobs ended
    QHash<int, QThread *> workerOf;
    QList<int> handedOut; // in the order the callback saw them
    Pool pool({.maxChildren = 2, .doneCallback = [&](const Result &r) {
                   std::lock_guard lock(mutex);
                   handedOut.append(r.value.toInt());
               }});
    for (int i = 0; i < kJobs; ++i) {
        pool.submit(
                [&](int v) {
                    std::lock_guard lock(mutex);
                    completedBy[QThread::currentThread()].append(v);
                    workerOf.insert(v, QThread::currentThread());
                    return v;
                },
                i);
    }
    QVERIFY(pool.shutdown(QDeadlineTimer(10s)));

    std::lock_guard lock(mutex);
    QVERIFY(eachOnce(handedOut, kJobs));
    QVERIFY(!completedBy.isEmpty());
    for (auto it = completedBy.cbegin(); it != completedBy.cend(); ++it) {
        QList<int> seenForWorker;
        for (int v : handedOut)
            if (workerOf.value(v) == it.key())
                seenForWorker.append(v);
        QCOMPARE(seenForWorker, it.value());
    }
}

void tst_Results::doneCallbackSeesEveryResultAcrossShutdown()
{
    constexpr int kJobs = 20000;
    std::mutex mutex;
    std::vector<int> seen(kJobs, 0);
    int total = 0;
    Pool pool({.doneCallback = [&](const Result &r) {
        std::lock_guard lock(mutex);
        const int v = r.value.toInt();
        if (v >= 0 && v < kJobs)
            ++seen[std::size_t(v)];
        ++total;
    }});
    for (int i = 0; i < kJobs; ++i)
        pool.submit(identity, i);
    // No waiting first: shutdown() itself must let every result reach the callback.
    QVERIFY(pool.shutdown());

    std::lock_guard lock(mutex);
    QCOMPARE(total, kJobs);
    QCOMPARE(std::count(seen.cbegin(), seen.cend(), 1), std::ptrdiff_t(kJobs));
}

void tst_Results::doneCallbackFalseDiscardsResults()
{
    constexpr int kJobs = 50;
    std::atomic<int> ran{0};
    Pool pool({.maxChildren = 2, .doneCallback = DoneCallback(false)});
    for (int i = 0; i < kJobs; ++i)
        pool.submit(
                [&ran](int v) {
                    ran.fetch_add(1);
                    return v;
                },
                i);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QCOMPARE(ran.load(), kJobs);
    QVERIFY(pool.done().isEmpty());
    QVERIFY(!pool.done().tryTake().has_value());
    CHECK_COUNTS(pool, 0, 0);
}

void tst_Results::failedCallbackRunsOnOneThreadAndSeesEveryFailure()
{
    constexpr int kJobs = 50;
    std::mutex mutex;
    QSet<QString> names;
    QSet<QThread *> threads;
    QList<int> messages;
    Pool pool({.maxChildren = 2, .failedCallback = [&](const Failure &f) {
                   std::lock_guard lock(mutex);
                   names.insert(QThread::currentThread()->objectName());
                   threads.insert(QThread::currentThread());
                   messages.append(f.message.toInt());
               }});
    for (int i = 0; i < kJobs; ++i)
        pool.submit(failWith, i);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    const QList<QThread *> children = pool.childThreads();
    QVERIFY(pool.shutdown(QDeadlineTimer(10s)));

    std::lock_guard lock(mutex);
    QVERIFY(eachOnce(messages, kJobs));
    QCOMPARE(names, QSet<QString>{QStringLiteral("ThreadPoolFailed")});
    QCOMPARE(threads.size(), 1);
    QThread *callbackThread = *threads.cbegin();
    QVERIFY(callbackThread != QThread::currentThread());
    QVERIFY(!children.contains(callbackThread));
    QVERIFY(pool.failed().isEmpty());
}

void tst_Results::doneCallbackExceptionBecomesFailureWithIdZero()
{
    constexpr int kJobs = 6;
    std::atomic<int> calls{0};
    Pool pool({.maxChildren = 2,
               .doneCallback =
                       [&calls](const Result &r) {
                           calls.fetch_add(1);
                           if (r.value.toInt() == 3)
                               throw std::runtime_error("boom");
                       },
               .resultId = true});
    for (int i = 0; i < kJobs; ++i)
        pool.submit(identity, i);
    // A job failure, for contrast: with resultId it carries its (non-zero) job id.
    const JobId failingJob = pool.submit(failWith, 99);
    QVERIFY(pool.shutdown(QDeadlineTimer(10s)));

    QCOMPARE(calls.load(), kJobs);
    QVERIFY(pool.done().isEmpty());
    QCOMPARE(pool.failed().size(), 2);
    bool sawCallbackFailure = false;
    bool sawJobFailure = false;
    for (const Failure &f : pool.failed().takeAll()) {
        if (f.message.contains(QStringLiteral("boom"))) {
            QCOMPARE(f.id, JobId(0));
            // The original exception is kept, so its type survives the trip.
            QVERIFY_THROWS_EXCEPTION(std::runtime_error, f.rethrow());
            QCOMPARE(f.type, QStringLiteral("std::runtime_error"));
            sawCallbackFailure = true;
        } else {
            QCOMPARE(f.message, QStringLiteral("99"));
            QCOMPARE(f.id, failingJob);
            sawJobFailure = true;
        }
    }
    QVERIFY(sawCallbackFailure);
    QVERIFY(sawJobFailure);
}

void tst_Results::callbacksLeaveQueuesEmpty()
{
    constexpr int kDone = 30;
    constexpr int kFailed = 10;
    std::atomic<int> results{0};
    std::atomic<int> failures{0};
    Pool pool({.maxChildren = 2,
               .doneCallback = [&results](const Result &) { results.fetch_add(1); },
               .failedCallback = [&failures](const Failure &) { failures.fetch_add(1); }});
    for (int i = 0; i < kDone; ++i)
        pool.submit(identity, i);
    for (int i = 0; i < kFailed; ++i)
        pool.submit(failWith, i);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QVERIFY(QTest::qWaitFor([&] { return results == kDone && failures == kFailed; }, 10000));
    CHECK_COUNTS(pool, 0, 0);
    QVERIFY(pool.shutdown(QDeadlineTimer(10s)));
    QCOMPARE(results.load(), kDone);
    QCOMPARE(failures.load(), kFailed);
    CHECK_COUNTS(pool, 0, 0);
}

QTEST_GUILESS_MAIN(tst_Results)
#include "tst_results.moc"
