// The Pool's signals: results, failures, idle() and the counting properties reach the
// thread the pool lives in, batched, without freezing that thread's event loop.
//
// Waiting is QTest::qWaitFor (which runs the event loop) or the test's semaphores with a
// deadline: never a sleep call.
#include <fastthreadpool/pool.h>

#include "testsupport.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qpointer.h>
#include <QtCore/qscopeguard.h>
#include <QtCore/qset.h>
#include <QtCore/qthread.h>
#include <QtCore/qtimer.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <vector>

using FastThreadPool::Failure;
using FastThreadPool::JobId;
using FastThreadPool::Pool;
using FastThreadPool::PoolOptions;
using FastThreadPool::Result;
using TestSupport::Gate;
using TestSupport::GateOpener;
using TestSupport::kWaitMs;
using TestSupport::waitDeadline;

namespace {

//! Counts the events a QObject receives.
class EventCounter : public QObject
{
public:
    int count = 0;

protected:
    bool eventFilter(QObject *, QEvent *) override
    {
        ++count;
        return false;
    }
};
} // namespace

class tst_Signals : public QObject
{
    Q_OBJECT

private slots:
    void resultsArriveInThePoolsThread();
    void idsFollowResultId();
    void failuresArriveAsJobFailed();
    void resultsReadyComesInBatches();
    void onlyTheConnectedQueueIsDrained();
    void queueUsersGetNoEvents();
    void resultsQueuedBeforeConnectingAreDelivered();
    void floodYieldsToOtherEventsBetweenSlices();
    void doneMaxBoundsResultsInFlight();
    void idleComesOnceAfterTheLastResult();
    void idleComesAfterADirectMapDeliveredBySignals();
    void countingPropertiesFollowTheWork();
    void poolDestroyedWithResultsPosted();
    void receiverDestroyedWithResultsPosted();
    void disconnectingStopsDelivery();
    void slotMayDisconnectItself();
    void slotMayDeleteThePool();
    void moveToThreadMovesDelivery();
    void signalTypesWorkByNameAndAcrossThreads();
};

void tst_Signals::resultsArriveInThePoolsThread()
{
    constexpr int kJobs = 1000;
    Pool pool({.maxChildren = 2});
    QSet<int> values;
    int wrongThread = 0;
    connect(&pool, &Pool::resultReady, this, [&](JobId, const QVariant &value) {
        if (QThread::currentThread() != thread())
            ++wrongThread;
        values.insert(value.toInt());
    });
    for (int i = 0; i < kJobs; ++i)
        pool.submit([](int v) { return v; }, i);
    QVERIFY(QTest::qWaitFor([&] { return values.size() == kJobs; }, kWaitMs));
    QCOMPARE(wrongThread, 0);
    QCOMPARE(values.size(), kJobs);
    QVERIFY(values.contains(0) && values.contains(kJobs - 1));
    // Delivered by signal: nothing stays behind in the queue.
    QVERIFY(pool.done().isEmpty());
    QCOMPARE(pool.doneCount().value(), 0);
}

void tst_Signals::idsFollowResultId()
{
    for (bool resultId : {false, true}) {
        Pool pool({.maxChildren = 1, .resultId = resultId});
        QList<JobId> seen;
        connect(&pool, &Pool::resultReady, this,
                [&](JobId id, const QVariant &) { seen.append(id); });
        QList<JobId> submitted;
        for (int i = 0; i < 10; ++i)
            submitted.append(pool.submit([] { return 1; }));
        QVERIFY(QTest::qWaitFor([&] { return seen.size() == 10; }, kWaitMs));
        // One worker: results in submission order, as the queue would hold them.
        QCOMPARE(seen, resultId ? submitted : QList<JobId>(10, 0));
    }
}

void tst_Signals::failuresArriveAsJobFailed()
{
    Pool pool({.maxChildren = 2, .resultId = true});
    QList<Failure> failures;
    connect(&pool, &Pool::jobFailed, this, [&](JobId id, const Failure &failure) {
        QCOMPARE(id, failure.id);
        failures.append(failure);
    });
    const JobId id = pool.submit([]() -> int { throw std::runtime_error("tile 7 broke"); });
    QVERIFY(QTest::qWaitFor([&] { return failures.size() == 1; }, kWaitMs));
    QCOMPARE(failures[0].id, id);
    QCOMPARE(failures[0].type, QStringLiteral("std::runtime_error"));
    QCOMPARE(failures[0].message, QStringLiteral("tile 7 broke"));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, failures[0].rethrow());
    QVERIFY(pool.failed().isEmpty());
}

void tst_Signals::resultsReadyComesInBatches()
{
    constexpr int kJobs = 5000;
    Pool pool({.maxChildren = 2});
    int batches = 0;
    qint64 sum = 0;
    int total = 0;
    qsizetype largest = 0;
    connect(&pool, &Pool::resultsReady, this, [&](const QList<Result> &results) {
        ++batches;
        largest = std::max(largest, results.size());
        total += int(results.size());
        for (const Result &r : results)
            sum += r.value.toInt();
    });
    // Submitted while the receiver's loop does not run: the results pile up and are
    // delivered in a few batches.
    for (int i = 1; i <= kJobs; ++i)
        pool.submit([](int v) { return v; }, i);
    QVERIFY(pool.waitIdle(waitDeadline()));
    QVERIFY(QTest::qWaitFor([&] { return total == kJobs; }, kWaitMs));
    QCOMPARE(sum, qint64(kJobs) * (kJobs + 1) / 2);
    QVERIFY2(batches < kJobs / 10, qPrintable(QString::number(batches)));
    QVERIFY(largest <= 64);
}

void tst_Signals::onlyTheConnectedQueueIsDrained()
{
    Pool pool({.maxChildren = 1});
    int results = 0;
    connect(&pool, &Pool::resultReady, this, [&] { ++results; });
    pool.submit([] { return 1; });
    pool.submit([]() -> int { throw std::logic_error("kept"); });
    QVERIFY(QTest::qWaitFor([&] { return results == 1 && pool.failed().size() == 1; }, kWaitMs));
    // jobFailed is not connected: the failure waits in failed(), nobody loses it.
    QCOMPARE(pool.failed().takeAll().first().message, QStringLiteral("kept"));
}

void tst_Signals::queueUsersGetNoEvents()
{
    Pool pool({.maxChildren = 2});
    EventCounter counter;
    pool.installEventFilter(&counter);
    for (int i = 0; i < 1000; ++i)
        pool.submit([] { return 1; });
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCoreApplication::processEvents();
    QCoreApplication::sendPostedEvents();
    QCOMPARE(counter.count, 0);
    QCOMPARE(pool.done().size(), 1000);
}

void tst_Signals::resultsQueuedBeforeConnectingAreDelivered()
{
    Pool pool({.maxChildren = 2});
    for (int i = 0; i < 100; ++i)
        pool.submit([] { return 1; });
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(pool.done().size(), 100);
    int results = 0;
    connect(&pool, &Pool::resultReady, this, [&] { ++results; });
    QVERIFY(QTest::qWaitFor([&] { return results == 100; }, kWaitMs));
    QVERIFY(pool.done().isEmpty());
}

void tst_Signals::floodYieldsToOtherEventsBetweenSlices()
{
    // 200,000 results wait in done() for the receiving thread; an event posted behind the
    // pool's wake-up runs after the first slice of emissions and long before the last: the
    // pump gives the loop back between slices instead of emitting everything at once. (How
    // late a timer gets during a flood is measured by fastthreadpool_delivery, not here.)
    constexpr int kJobs = 200000;
    Pool pool({.maxChildren = 2});
    int results = 0;
    connect(&pool, &Pool::resultReady, this, [&] { ++results; });
    for (int i = 0; i < kJobs; ++i)
        pool.submit([](int v) { return v; }, i);
    QVERIFY(pool.waitIdle(waitDeadline())); // the wake-up is posted; nothing was emitted yet
    QCOMPARE(results, 0);
    int resultsAtMarker = -1;
    QMetaObject::invokeMethod(
            this, [&] { resultsAtMarker = results; }, Qt::QueuedConnection);
    QVERIFY(QTest::qWaitFor([&] { return results == kJobs; }, 60000));
    QVERIFY2(resultsAtMarker > 0 && resultsAtMarker < kJobs,
             qPrintable(QStringLiteral("the other event ran after %1 of %2 results")
                                .arg(resultsAtMarker)
                                .arg(kJobs)));
}

void tst_Signals::doneMaxBoundsResultsInFlight()
{
    constexpr int kDoneMax = 10;
    constexpr int kJobs = 2000;
    std::atomic<int> ran{0}; // before the pool: its jobs end before this does
    Pool pool({.maxChildren = 2, .doneMax = kDoneMax});
    int results = 0;
    connect(&pool, &Pool::resultReady, this, [&] { ++results; });
    for (int i = 0; i < kJobs; ++i)
        pool.submit([&ran] { return ran.fetch_add(1) + 1; });
    // The receiving loop does not run: the workers stop at the bound instead of piling up.
    QVERIFY(!pool.waitIdle(QDeadlineTimer(200)));
    QVERIFY(pool.done().size() <= kDoneMax + pool.maxChildren() - 1);
    QVERIFY(ran.load() < kJobs);
    QVERIFY(QTest::qWaitFor([&] { return results == kJobs; }, 60000));
    QVERIFY(pool.waitIdle(waitDeadline()));
}

void tst_Signals::idleComesOnceAfterTheLastResult()
{
    Pool pool({.maxChildren = 2});
    int results = 0;
    QList<int> resultsAtIdle;
    connect(&pool, &Pool::resultReady, this, [&] { ++results; });
    connect(&pool, &Pool::idle, this, [&] { resultsAtIdle.append(results); });
    for (int stretch = 1; stretch <= 2; ++stretch) {
        for (int i = 0; i < 500; ++i)
            pool.submit([] { return 1; });
        QVERIFY(QTest::qWaitFor([&] { return resultsAtIdle.size() == stretch; }, kWaitMs));
        // Every result of the stretch came before idle().
        QCOMPARE(resultsAtIdle.last(), 500 * stretch);
    }
    // Nothing more happens: no further idle().
    QVERIFY(!QTest::qWaitFor([&] { return resultsAtIdle.size() > 2; }, 100));
}

void tst_Signals::idleComesAfterADirectMapDeliveredBySignals()
{
    constexpr int kItems = 2000;
    Pool pool({.maxChildren = 2});
    int results = 0;
    QList<int> resultsAtIdle;
    quint64 lastSubmitted = 0;
    quint64 lastCompleted = 0;
    connect(&pool, &Pool::resultReady, this, [&] { ++results; });
    connect(&pool, &Pool::idle, this, [&] { resultsAtIdle.append(results); });
    connect(&pool, &Pool::submittedChanged, this, [&](quint64 v) { lastSubmitted = v; });
    connect(&pool, &Pool::completedChanged, this, [&](quint64 v) { lastCompleted = v; });
    std::vector<int> items(kItems, 1);
    pool.map([](int v) { return v; }, items); // direct
    QVERIFY(QTest::qWaitFor([&] { return !resultsAtIdle.isEmpty(); }, kWaitMs));
    QCOMPARE(resultsAtIdle.front(), kItems);
    QCOMPARE(lastSubmitted, quint64(kItems));
    QCOMPARE(lastCompleted, quint64(kItems));
}

void tst_Signals::countingPropertiesFollowTheWork()
{
    constexpr int kJobs = 6;
    Gate gate;
    Pool pool({.maxChildren = 2});
    GateOpener opener(gate);
    QList<qint64> pendingSeen;
    QList<int> busySeen;
    quint64 lastCompleted = 0;
    quint64 lastSubmitted = 0;
    int childCount = 0;
    int idles = 0;
    connect(&pool, &Pool::pendingChanged, this, [&](qint64 v) { pendingSeen.append(v); });
    connect(&pool, &Pool::busyChanged, this, [&](int v) { busySeen.append(v); });
    connect(&pool, &Pool::completedChanged, this, [&](quint64 v) { lastCompleted = v; });
    connect(&pool, &Pool::submittedChanged, this, [&](quint64 v) { lastSubmitted = v; });
    connect(&pool, &Pool::childCountChanged, this, [&](int v) { childCount = v; });
    connect(&pool, &Pool::idle, this, [&] { ++idles; });

    for (int i = 0; i < kJobs; ++i)
        pool.submitDone(gate.job(), false);
    QVERIFY(gate.waitEntered(2));
    // Both children hold a job: the properties say so, through their signals.
    QVERIFY(QTest::qWaitFor([&] { return !busySeen.isEmpty() && busySeen.last() == 2; }, kWaitMs));
    QVERIFY(QTest::qWaitFor([&] { return lastSubmitted == kJobs; }, kWaitMs));
    QCOMPARE(childCount, 2);
    QCOMPARE(pool.property("busy").toInt(), 2);
    QVERIFY(!pendingSeen.isEmpty() && pendingSeen.last() == kJobs);
    QCOMPARE(idles, 0);

    gate.openAll();
    QVERIFY(QTest::qWaitFor([&] { return idles == 1; }, kWaitMs));
    QCOMPARE(lastCompleted, quint64(kJobs));
    QCOMPARE(pendingSeen.last(), 0);
    QCOMPARE(busySeen.last(), 0);
}

void tst_Signals::poolDestroyedWithResultsPosted()
{
    int results = 0;
    {
        Pool pool({.maxChildren = 2});
        connect(&pool, &Pool::resultReady, this, [&] { ++results; });
        for (int i = 0; i < 10000; ++i)
            pool.submit([] { return 1; });
        QVERIFY(pool.waitIdle(waitDeadline()));
        // Its wake-up event is posted and not delivered: the pool goes first.
    }
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    QCOMPARE(results, 0);
}

void tst_Signals::receiverDestroyedWithResultsPosted()
{
    Pool pool({.maxChildren = 2});
    int results = 0;
    auto receiver = std::make_unique<QObject>();
    connect(&pool, &Pool::resultReady, receiver.get(), [&] { ++results; });
    for (int i = 0; i < 1000; ++i)
        pool.submit([] { return 1; });
    QVERIFY(pool.waitIdle(waitDeadline()));
    receiver.reset(); // disconnects: the pool stops draining into a signal nobody hears
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    QCOMPARE(results, 0);
    QCOMPARE(pool.done().size(), 1000); // nothing lost: the results stay in the queue
}

void tst_Signals::disconnectingStopsDelivery()
{
    Pool pool({.maxChildren = 2});
    int results = 0;
    const auto connection = connect(&pool, &Pool::resultReady, this, [&] { ++results; });
    for (int i = 0; i < 100; ++i)
        pool.submit([] { return 1; });
    QVERIFY(QTest::qWaitFor([&] { return results == 100; }, kWaitMs));
    QVERIFY(disconnect(connection));
    for (int i = 0; i < 100; ++i)
        pool.submit([] { return 1; });
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    QCOMPARE(results, 100);
    QCOMPARE(pool.done().size(), 100); // back to the queue's rule
}

void tst_Signals::slotMayDisconnectItself()
{
    // The slot disconnects after 10 results: the others stay in the queue, none is lost.
    Pool pool({.maxChildren = 2});
    int results = 0;
    QMetaObject::Connection connection;
    connection = connect(&pool, &Pool::resultReady, this, [&] {
        if (++results == 10)
            disconnect(connection);
    });
    for (int i = 0; i < 1000; ++i)
        pool.submit([] { return 1; });
    QVERIFY(pool.waitIdle(waitDeadline()));
    QVERIFY(QTest::qWaitFor([&] { return results == 10 && pool.done().size() == 990; }, kWaitMs));
    QCoreApplication::processEvents();
    QCOMPARE(results, 10);
    QCOMPARE(pool.done().size(), 990);
}

void tst_Signals::slotMayDeleteThePool()
{
    QPointer<Pool> pool = new Pool({.maxChildren = 2});
    int results = 0;
    connect(pool, &Pool::resultReady, this, [&] {
        if (++results == 10)
            delete pool.data();
    });
    for (int i = 0; i < 1000; ++i)
        pool->submit([] { return 1; });
    QVERIFY(QTest::qWaitFor([&] { return pool.isNull(); }, kWaitMs));
    QCOMPARE(results, 10);
}

void tst_Signals::moveToThreadMovesDelivery()
{
    std::atomic<int> results{0};
    std::atomic<int> wrongThread{0};
    QThread thread;
    thread.setObjectName(QStringLiteral("receiving thread"));
    thread.start();
    auto *pool = new Pool({.maxChildren = 2});
    // Destroyed in its own thread, from an object living there, however the test ends.
    QObject context;
    context.moveToThread(&thread);
    const auto cleanup = qScopeGuard([&] {
        QMetaObject::invokeMethod(
                &context, [pool] { delete pool; }, Qt::BlockingQueuedConnection);
        thread.quit();
        thread.wait();
    });
    // A direct connection: the slot runs wherever the pool emits, that is in its thread.
    connect(
            pool, &Pool::resultReady, pool,
            [&](JobId, const QVariant &) {
                if (QThread::currentThread() != &thread)
                    wrongThread.fetch_add(1);
                results.fetch_add(1);
            },
            Qt::DirectConnection);
    pool->moveToThread(&thread);
    for (int i = 0; i < 1000; ++i)
        pool->submit([] { return 1; });
    QVERIFY(QTest::qWaitFor([&] { return results.load() == 1000; }, kWaitMs));
    QCOMPARE(wrongThread.load(), 0);
}

void tst_Signals::signalTypesWorkByNameAndAcrossThreads()
{
    // The signals' types are registered by the names moc gives them (what string-based
    // connections and QML look up), and queued connections to another thread carry them.
    class Receiver : public QObject
    {
    public:
        std::atomic<int> failures{0};
        std::atomic<int> batches{0};
        void onFailed(FastThreadPool::JobId, const FastThreadPool::Failure &f)
        {
            if (f.message == QLatin1String("queued"))
                failures.fetch_add(1);
        }
        void onResults(const QList<FastThreadPool::Result> &) { batches.fetch_add(1); }
    };
    Pool pool({.maxChildren = 1});
    QVERIFY(QMetaType::fromName("FastThreadPool::JobId").isValid());
    QVERIFY(QMetaType::fromName("FastThreadPool::Failure").isValid());
    QThread thread;
    thread.start();
    Receiver receiver;
    receiver.moveToThread(&thread);
    const QMetaMethod failed = pool.metaObject()->method(pool.metaObject()->indexOfSignal(
            "jobFailed(FastThreadPool::JobId,FastThreadPool::Failure)"));
    const QMetaMethod results = pool.metaObject()->method(
            pool.metaObject()->indexOfSignal("resultsReady(QList<FastThreadPool::Result>)"));
    QVERIFY(failed.isValid() && results.isValid());
    QVERIFY(connect(&pool, &Pool::jobFailed, &receiver, &Receiver::onFailed, Qt::QueuedConnection));
    QVERIFY(connect(&pool, &Pool::resultsReady, &receiver, &Receiver::onResults,
                    Qt::QueuedConnection));
    pool.submit([]() -> int { throw std::runtime_error("queued"); });
    pool.submit([] { return 1; });
    QVERIFY(QTest::qWaitFor(
            [&] { return receiver.failures.load() == 1 && receiver.batches.load() >= 1; },
            kWaitMs));
    thread.quit();
    QVERIFY(thread.wait(kWaitMs));
}

QTEST_GUILESS_MAIN(tst_Signals)
#include "tst_signals.moc"
