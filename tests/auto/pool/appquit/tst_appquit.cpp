// A quitting application does not wait for a pool's queue: on aboutToQuit a pool stops
// taking jobs, pending ones are left unstarted, and its destructor waits only for the jobs
// already running (unless PoolOptions::keepRunningOnQuit).
#include <fastthreadpool/pool.h>

#include "testsupport.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qtimer.h>
#include <QtTest/qtest.h>

#include <atomic>
#include <memory>

using FastThreadPool::Pool;
using FastThreadPool::PoolOptions;
using TestSupport::Gate;
using TestSupport::GateOpener;
using TestSupport::kWaitMs;
using TestSupport::waitDeadline;

namespace {
//! Runs the application's event loop and quits it at once: aboutToQuit is emitted.
void runAndQuit()
{
    QTimer::singleShot(0, QCoreApplication::instance(), [] { QCoreApplication::quit(); });
    QCoreApplication::exec();
}
} // namespace

class tst_AppQuit : public QObject
{
    Q_OBJECT

private slots:
    void quitLeavesTheQueueAndDestructionWaitsOnlyForRunningJobs();
    void keepRunningOnQuitIgnoresIt();
};

void tst_AppQuit::quitLeavesTheQueueAndDestructionWaitsOnlyForRunningJobs()
{
    constexpr int kQueued = 1000;
    Gate gate;
    std::atomic<int> queuedRuns{0};
    auto pool = std::make_unique<Pool>(PoolOptions{.maxChildren = 1});
    GateOpener opener(gate);
    pool->submitDone(gate.job(), false);
    QVERIFY(gate.waitEntered());
    for (int i = 0; i < kQueued; ++i)
        pool->submitDone([&queuedRuns] { queuedRuns.fetch_add(1); }, false);

    runAndQuit();
    QVERIFY(pool->isShutdown());
    QVERIFY_THROWS_EXCEPTION(FastThreadPool::PoolStopped, pool->submit([] {}));
    try {
        pool->submit([] {});
    } catch (const FastThreadPool::PoolStopped &e) {
        // The message names the real cause, not a call the user never made.
        QVERIFY2(QString::fromUtf8(e.what()).contains("aboutToQuit"), e.what());
    }
    gate.open(); // the running job ends
    QElapsedTimer destruction;
    destruction.start();
    pool.reset();
    QVERIFY(destruction.elapsed() < kWaitMs);
    QVERIFY(gate.finished() && !gate.timedOut());
    QCOMPARE(queuedRuns.load(), 0);
}

void tst_AppQuit::keepRunningOnQuitIgnoresIt()
{
    std::atomic<int> ran{0};
    Pool pool({.maxChildren = 1, .keepRunningOnQuit = true});
    runAndQuit();
    QVERIFY(!pool.isShutdown());
    pool.submitDone([&ran] { ran.fetch_add(1); }, false);
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(ran.load(), 1);
}

QTEST_GUILESS_MAIN(tst_AppQuit)
#include "tst_appquit.moc"
