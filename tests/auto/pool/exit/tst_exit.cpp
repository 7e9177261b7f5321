// Leaving main() with a pool that outlives the QCoreApplication (declared before it, or a
// function-local static) ends the process promptly, and the pool's timers go on firing
// without the application object. A pool destroyed from one of its own threads stops the
// process with the library's own message. Each scenario runs in a child process.
#include <fastthreadpool/pool.h>

#include "hangguard.h"
#include "testsupport.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qtimer.h>
#include <QtTest/qtest.h>

#include <atomic>
#include <chrono>

using namespace std::chrono_literals;
using FastThreadPool::Pool;
using FastThreadPool::PoolOptions;
using TestSupport::ChildResult;
using TestSupport::runScenario;

namespace {

constexpr int kChildMs = 15000;

//! Runs the application's event loop until `fired` reached `count` (or a deadline), then
//! quits it (aboutToQuit is emitted).
bool runUntil(const std::atomic<int> &fired, int count)
{
    bool reached = false;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, [&] {
        if (fired.load() >= count) {
            reached = true;
            QCoreApplication::quit();
        }
    });
    poll.start(5);
    QTimer::singleShot(TestSupport::kWaitMs, [] { QCoreApplication::quit(); });
    QCoreApplication::exec();
    return reached;
}

// Exit code 0: the scenario did what it should; anything else names what went wrong.
int poolDeclaredBeforeTheApplication(int argc, char **argv)
{
    std::atomic<int> fired{0};
    Pool pool; // destroyed after the application object
    {
        QCoreApplication app(argc, argv);
        pool.scheduleDone(
                10ms, [&fired] { fired.fetch_add(1); }, false);
        pool.submitLater(1h, [] {});
        if (!runUntil(fired, 3))
            return 2;
    }
    return 0; // ~Pool runs here, without an application object
}

int timersFireAfterTheApplicationIsGone(int argc, char **argv)
{
    TestSupport::Semaphore fires; // before the pool: its jobs end before these do
    TestSupport::Semaphore later;
    std::atomic<bool> oneShot{false};
    std::atomic<int> firedWithApp{0};
    Pool pool({.keepRunningOnQuit = true});
    {
        QCoreApplication app(argc, argv);
        pool.scheduleDone(
                10ms,
                [&] {
                    firedWithApp.fetch_add(1);
                    fires.release();
                },
                false);
        if (!runUntil(firedWithApp, 2))
            return 2;
    }
    // The application object is gone: three more runs must still come.
    while (fires.tryAcquire()) { }
    if (!fires.tryAcquire(3, TestSupport::kWaitMs))
        return 3;
    pool.submitDoneLater(
            5ms,
            [&] {
                oneShot = true;
                later.release();
            },
            false);
    if (!later.tryAcquire(1, TestSupport::kWaitMs) || !oneShot)
        return 4;
    return 0;
}

Pool &functionLocalStaticPool()
{
    static Pool pool;
    return pool;
}

int functionLocalStaticPoolWithTimers(int argc, char **argv)
{
    static std::atomic<int> fired{0};
    QCoreApplication app(argc, argv);
    functionLocalStaticPool().scheduleDone(
            10ms, [] { fired.fetch_add(1); }, false);
    functionLocalStaticPool().submitLater(1h, [] {});
    return runUntil(fired, 3) ? 0 : 2;
    // The static pool is destroyed at exit, long after the application object.
}

int poolDestroyedFromItsDoneCallback(int, char **)
{
    TestSupport::Semaphore destroyed;
    Pool *pool = nullptr;
    pool = new Pool({.doneCallback = [&pool](const FastThreadPool::Result &) { delete pool; }});
    pool->submit([] { return 1; });
    destroyed.tryAcquire(1, TestSupport::kWaitMs); // never released: qFatal ends the process
    return 5;
}

TestSupport::Scenarios scenarios()
{
    return {{"poolDeclaredBeforeTheApplication", poolDeclaredBeforeTheApplication},
            {"timersFireAfterTheApplicationIsGone", timersFireAfterTheApplicationIsGone},
            {"functionLocalStaticPoolWithTimers", functionLocalStaticPoolWithTimers},
            {"poolDestroyedFromItsDoneCallback", poolDestroyedFromItsDoneCallback}};
}

} // namespace

class tst_Exit : public QObject
{
    Q_OBJECT

private slots:
    void exitIsPromptWhenAPoolWithTimersOutlivesTheApplication();
    void timersKeepFiringWhenTheApplicationIsGone();
    void exitIsPromptWithAFunctionLocalStaticPoolThatUsedTimers();
    void destroyingAPoolFromItsDoneCallbackStopsWithAClearMessage();
};

void tst_Exit::exitIsPromptWhenAPoolWithTimersOutlivesTheApplication()
{
    const ChildResult child = runScenario("poolDeclaredBeforeTheApplication", kChildMs);
    QVERIFY2(child.finished, qPrintable("the process hung at exit: " + child.output));
    QVERIFY2(!child.crashed, qPrintable(child.output));
    QCOMPARE(child.exitCode, 0);
}

void tst_Exit::timersKeepFiringWhenTheApplicationIsGone()
{
    const ChildResult child = runScenario("timersFireAfterTheApplicationIsGone", kChildMs);
    QVERIFY2(child.finished, qPrintable("the process hung: " + child.output));
    QVERIFY2(!child.crashed, qPrintable(child.output));
    QCOMPARE(child.exitCode, 0);
}

void tst_Exit::exitIsPromptWithAFunctionLocalStaticPoolThatUsedTimers()
{
    const ChildResult child = runScenario("functionLocalStaticPoolWithTimers", kChildMs);
    QVERIFY2(child.finished, qPrintable("the process hung at exit: " + child.output));
    QVERIFY2(!child.crashed, qPrintable(child.output));
    QCOMPARE(child.exitCode, 0);
}

void tst_Exit::destroyingAPoolFromItsDoneCallbackStopsWithAClearMessage()
{
    const ChildResult child = runScenario("poolDestroyedFromItsDoneCallback", kChildMs);
    QVERIFY2(child.finished, qPrintable("the process hung: " + child.output));
    QVERIFY(child.crashed);
    QVERIFY2(child.output.contains("FastThreadPool::Pool destroyed from its own thread"),
             qPrintable(child.output));
}

FASTTHREADPOOL_SCENARIO_MAIN(tst_Exit, scenarios)
#include "tst_exit.moc"
