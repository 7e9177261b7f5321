// Pool::submitFuture(): QFuture interop. Values, void, the original exception type,
// cancellation, continuations in a QObject's thread; and what a job may do with QObjects
// and a local event loop.
#include <fastthreadpool/pool.h>

#include "hangguard.h"
#include "testsupport.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qfuture.h>
#include <QtCore/qthread.h>
#include <QtCore/qtimer.h>
#include <QtTest/qtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

using FastThreadPool::Pool;
using TestSupport::Gate;
using TestSupport::GateOpener;
using TestSupport::kWaitMs;
using TestSupport::waitDeadline;

namespace {
//! An exception type of the application's own.
struct TileError : std::runtime_error
{
    explicit TileError(int index) : std::runtime_error("tile failed"), tile(index) { }
    int tile;
};

template<class T>
bool waitFinished(const QFuture<T> &future)
{
    return QTest::qWaitFor([&] { return future.isFinished(); }, kWaitMs);
}
} // namespace

class tst_Future : public QObject
{
    Q_OBJECT

private slots:
    void valueOfTheFunctionsOwnType();
    void resultOfAQueuedJobWaitsForIt();
    void voidFunction();
    void moveOnlyResultAndArguments();
    void exceptionKeepsItsType();
    void continuationRunsInTheContextsThread();
    void submitThenContinuesInTheContextsThread();
    void submitThenPassesExceptionsOn();
    void submitThenManyJobs();
    void submitThenNullContextThrows();
    void cancelledFutureNeverRuns();
    void droppedJobCancelsItsFuture();
    void nothingReachesTheQueues();
    void stoppedPoolThrows();
    void nullFunctionThrows();
    void jobMayUseQObjectsAndALocalEventLoop();
    void futureOfAJobASoonShutdownLeftIsCancelledAndFinished();
    void futureOfAJobShutdownChildrenLeftIsCancelledAndFinished();
};

void tst_Future::valueOfTheFunctionsOwnType()
{
    Pool pool({.maxChildren = 2});
    QFuture<std::string> future = pool.submitFuture(
            [](int n, char c) { return std::string(std::size_t(n), c); }, 3, 'x');
    QVERIFY(waitFinished(future));
    QCOMPARE(future.result(), std::string("xxx"));
}

void tst_Future::voidFunction()
{
    std::atomic<int> ran{0};
    Pool pool({.maxChildren = 2});
    QFuture<void> future = pool.submitFuture([&ran] { ran.fetch_add(1); });
    QVERIFY(waitFinished(future));
    QVERIFY(!future.isCanceled());
    QCOMPARE(ran.load(), 1);
}

void tst_Future::moveOnlyResultAndArguments()
{
    Pool pool({.maxChildren = 2});
    auto future = pool.submitFuture(
            [](std::unique_ptr<int> p) { return std::make_unique<int>(*p * 2); },
            std::make_unique<int>(21));
    QVERIFY(waitFinished(future));
    QCOMPARE(*future.takeResult(), 42);
}

void tst_Future::exceptionKeepsItsType()
{
    Pool pool({.maxChildren = 2});
    QFuture<int> future = pool.submitFuture([]() -> int { throw TileError(7); });
    int caughtTile = -1;
    QFuture<int> handled = future.onFailed([&](const TileError &error) {
        caughtTile = error.tile;
        return -1;
    });
    QVERIFY(waitFinished(handled));
    QCOMPARE(handled.result(), -1);
    QCOMPARE(caughtTile, 7);
    QVERIFY_THROWS_EXCEPTION(TileError, future.waitForFinished());
}

void tst_Future::continuationRunsInTheContextsThread()
{
    // The job is held until the continuation is attached: Qt 6.4 may run a continuation
    // twice when it is attached just as the future finishes (see Pool::submitThen()).
    Gate gate;
    Pool pool({.maxChildren = 2});
    QObject context; // continuations run here; none runs after it is gone
    GateOpener opener(gate);
    QThread *continuationThread = nullptr;
    int value = 0;
    QFuture<void> chain = pool.submitFuture([&gate] {
                                  gate.pass();
                                  return 20;
                              }).then(&context, [&](int v) {
        continuationThread = QThread::currentThread();
        value = v + 1;
    });
    gate.open();
    QVERIFY(waitFinished(chain));
    QCOMPARE(value, 21);
    QCOMPARE(continuationThread, QThread::currentThread());
}

void tst_Future::submitThenContinuesInTheContextsThread()
{
    QThread *jobThread = nullptr; // before the pool: its jobs end before this does
    QThread *continuationThread = nullptr;
    Pool pool({.maxChildren = 2});
    QObject context; // continuations run here; none runs after it is gone
    QFuture<int> chain = pool.submitThen(
            &context,
            [&jobThread] {
                jobThread = QThread::currentThread();
                return 20;
            },
            [&](int v) {
                continuationThread = QThread::currentThread();
                return v + 1;
            });
    QVERIFY(waitFinished(chain));
    QCOMPARE(chain.result(), 21);
    QCOMPARE(continuationThread, QThread::currentThread());
    QVERIFY(jobThread != thread());
}

void tst_Future::submitThenPassesExceptionsOn()
{
    Pool pool({.maxChildren = 2});
    QObject context; // continuations run here; none runs after it is gone
    bool continued = false;
    QFuture<void> chain = pool.submitThen(
            &context, []() -> int { throw TileError(3); }, [&](int) { continued = true; });
    QVERIFY(waitFinished(chain));
    QVERIFY(!continued);
    QVERIFY_THROWS_EXCEPTION(TileError, chain.waitForFinished());
}

void tst_Future::submitThenManyJobs()
{
    // Many jobs finishing while their continuations are set up: each continuation runs
    // exactly once, in this thread.
    constexpr int kJobs = 20000;
    Pool pool({.maxChildren = 2});
    QObject context; // continuations run here; none runs after it is gone
    int continued = 0;
    qint64 sum = 0;
    for (int i = 0; i < kJobs; ++i) {
        pool.submitThen(
                &context, [i] { return i; },
                [&](int v) {
                    ++continued;
                    sum += v;
                });
    }
    QVERIFY(QTest::qWaitFor([&] { return continued == kJobs; }, 60000));
    QCOMPARE(sum, qint64(kJobs) * (kJobs - 1) / 2);
    QVERIFY(!QTest::qWaitFor([&] { return continued > kJobs; }, 50));
}

void tst_Future::submitThenNullContextThrows()
{
    Pool pool({.maxChildren = 1});
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             pool.submitThen(
                                     nullptr, [] { return 1; }, [](int) {}));
}

void tst_Future::cancelledFutureNeverRuns()
{
    Gate gate;
    std::atomic<int> ran{0};
    Pool pool({.maxChildren = 1});
    GateOpener opener(gate);
    pool.submitDone(gate.job(), false);
    QVERIFY(gate.waitEntered());
    QFuture<int> future = pool.submitFuture([&ran] { return ran.fetch_add(1); });
    future.cancel();
    gate.open();
    QVERIFY(pool.waitIdle(waitDeadline()));
    QVERIFY(waitFinished(future));
    QVERIFY(future.isCanceled());
    QCOMPARE(ran.load(), 0);
}

void tst_Future::droppedJobCancelsItsFuture()
{
    Gate gate;
    Pool pool({.maxChildren = 1});
    GateOpener opener(gate);
    pool.submitDone(gate.job(), false);
    QVERIFY(gate.waitEntered());
    QFuture<int> future = pool.submitFuture([] { return 1; });
    QVERIFY(pool.cancelAll());
    QVERIFY(waitFinished(future));
    QVERIFY(future.isCanceled());
}

void tst_Future::nothingReachesTheQueues()
{
    Pool pool({.maxChildren = 2});
    auto ok = pool.submitFuture([] { return 1; });
    auto bad = pool.submitFuture([]() -> int { throw std::logic_error("no"); });
    QVERIFY(pool.waitIdle(waitDeadline()));
    QVERIFY(waitFinished(ok) && waitFinished(bad));
    QVERIFY(pool.done().isEmpty());
    QVERIFY(pool.failed().isEmpty());
}

void tst_Future::stoppedPoolThrows()
{
    Pool pool({.maxChildren = 1});
    pool.shutdownChildren();
    QVERIFY_THROWS_EXCEPTION(FastThreadPool::PoolStopped, pool.submitFuture([] { return 1; }));
}

void tst_Future::nullFunctionThrows()
{
    Pool pool({.maxChildren = 1});
    int (*null)() = nullptr;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.submitFuture(null));
}

void tst_Future::jobMayUseQObjectsAndALocalEventLoop()
{
    // A job creates a QTimer and runs a local QEventLoop until it fires; the objects live
    // in the worker and are destroyed there.
    Pool pool({.maxChildren = 2});
    QFuture<bool> future = pool.submitFuture([] {
        QEventLoop loop;
        QTimer timer;
        bool fired = false;
        QObject::connect(&timer, &QTimer::timeout, &loop, [&] {
            fired = true;
            loop.quit();
        });
        timer.setSingleShot(true);
        timer.start(5);
        loop.exec();
        return fired && timer.thread() == QThread::currentThread()
                && QThread::currentThread() != QCoreApplication::instance()->thread();
    });
    QVERIFY(waitFinished(future));
    QVERIFY(future.result());
}

void tst_Future::futureOfAJobASoonShutdownLeftIsCancelledAndFinished()
{
    Gate gate;
    Pool pool({.maxChildren = 1});
    GateOpener opener(gate);
    pool.submitDone(gate.job(), false);
    QVERIFY(gate.waitEntered());
    QFuture<int> future = pool.submitFuture([] { return 1; });
    std::thread open([&] { // the running job ends once the shutdown is under way
        while (!pool.isShutdown())
            std::this_thread::yield();
        gate.open();
    });
    QVERIFY(pool.shutdown(QDeadlineTimer(QDeadlineTimer::Forever), true));
    open.join();
    {
        TestSupport::Watchdog watchdog("waitForFinished() on the future of a job a soon "
                                       "shutdown left");
        future.waitForFinished();
    }
    QVERIFY(future.isCanceled());
    QVERIFY(pool.jobs().isEmpty()); // dropped rather than left listed
}

void tst_Future::futureOfAJobShutdownChildrenLeftIsCancelledAndFinished()
{
    Gate gate;
    Pool pool({.maxChildren = 1});
    GateOpener opener(gate);
    pool.submitDone(gate.job(), false);
    QVERIFY(gate.waitEntered());
    QFuture<void> future = pool.submitFuture([] {});
    const FastThreadPool::JobId plain = pool.submitDone([] {}, false);
    pool.shutdownChildren();
    QVERIFY(QTest::qWaitFor([&] { return future.isFinished(); }, kWaitMs));
    QVERIFY(future.isCanceled());
    QCOMPARE(pool.jobs(), QList<FastThreadPool::JobId>{plain}); // an ordinary job stays listed
    gate.open();
}

void tst_Future::resultOfAQueuedJobWaitsForIt()
{
    // QFuture::result() and waitForFinished() wait only for a future that was started: the
    // future of a job still in the queue must be, or they return at once with no result.
    Pool pool({.maxChildren = 1});
    Gate gate;
    GateOpener opener(gate);
    pool.submit(gate.job());
    QVERIFY(gate.waitEntered());
    QFuture<int> future = pool.submitFuture([] { return 7; });
    QVERIFY(future.isStarted());
    QVERIFY(!future.isFinished());
    std::thread release([&] { gate.openAll(); });
    const int value = future.result(); // waits: the job runs once the gate opens
    release.join();
    QCOMPARE(value, 7);
}

QTEST_GUILESS_MAIN(tst_Future)
#include "tst_future.moc"
