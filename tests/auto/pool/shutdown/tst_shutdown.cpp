#include <fastthreadpool/pool.h>

#include "blockedpool.h"
#include "hangguard.h"
#include "testsupport.h"
#include "threadstate.h"

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qlist.h>
#include <QtCore/qmutex.h>
#include <QtTest/qtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <functional>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <vector>

using FastThreadPool::JobId;
using FastThreadPool::Pool;
using FastThreadPool::PoolOptions;
using FastThreadPool::PoolStopped;
using TestSupport::BlockedPool;
using TestSupport::Gate;
using TestSupport::GateOpener;

using TestSupport::kWaitMs;
using TestSupport::waitDeadline;

namespace {

// For helper threads (no event loop): yields until `condition` holds or `timeoutMs` pass.
bool spinUntil(const std::function<bool()> &condition, int timeoutMs = kWaitMs)
{
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= until)
            return false;
        std::this_thread::yield();
    }
    return true;
}

// Opens `gate` from another thread as soon as `pool` reports it is shutting down.
class OpenOnShutdown
{
public:
    OpenOnShutdown(Pool &pool, Gate &gate)
        : m_thread([this, &pool, &gate] {
            sawShutdown = spinUntil([&pool] { return pool.isShutdown(); });
            finishedBeforeOpen = gate.finished();
            gate.open();
        })
    { }
    ~OpenOnShutdown() { join(); }
    void join()
    {
        if (m_thread.joinable())
            m_thread.join();
    }

    std::atomic<bool> sawShutdown{false};
    std::atomic<bool> finishedBeforeOpen{false};

private:
    std::thread m_thread;
};

} // namespace

class tst_Shutdown : public QObject
{
    Q_OBJECT

private slots:
    void shutdownRunsQueuedJobsFirst();
    void shutdownEndsEveryChild();
    void isShutdownTrueFromTheCallOn();
    void shutdownSoonStopsAfterCurrentJob();
    void shutdownSoonKeepsUnstartedJobsPending();
    void shutdownReturnsFalseAtDeadline();
    void joinBehavesAsShutdownWithoutSoon();
    void submitAfterShutdownChildrenThrows();
    void clearMakesPoolUsableAfterShutdownChildren();
    void clearEmptiesPendingJobs();
    void clearEmptiesDoneAndFailedQueues();
    void clearResetsShutdown();
    void mapAfterShutdownChildrenThrows_data();
    void mapAfterShutdownChildrenThrows();
    void cleanupChildrenRemovesEndedChildren();
    void submitAfterShutdownThrowsUntilClear();
    void destructorRunsQueuedJobs();
    void destructorWaitsForBlockedJob();
    void shutdownFromJobDoesNotDeadlock();
    void shutdownFromJobWithIdleSiblingDoesNotDeadlock();
    void shutdownTwice();
    void shutdownAllNowDropsPendingJobs();
    void shutdownAllLaterFinishesQueuedJobs();
    void shutdownAllSkipsDestroyedPools();
    void shutdownWaitsForDoneCallback();
    void shutdownAllDoesNotDeadlockWhenAJobMakesAndDestroysAPool();
    void shutdownRacingClearAndSubmitNeverWaitsForAThreadItDidNotStop();
    void shutdownFromTheDoneCallbackDoesNotWaitForItself();
    void shutdownFromTheFailedCallbackDoesNotWaitForItself();
    void jobAcceptedAsAGracefulShutdownBeginsStillRuns();
    void twoJobsCallingShutdownDoNotWaitForEachOther();
    void doneAndFailedCallbacksCallingShutdownDoNotWaitForEachOther();
    void jobAcceptedWhileAStoppingChildLingersRunsAtAGracefulShutdown();
    void destructorWaitsForChildrenAJobStartedDuringIt();
    void runningChildrenDoNotKeepWakingEachOtherWhileAChildStops();
    void stoppedMessageNamesTheCall_data();
    void stoppedMessageNamesTheCall();
};

void tst_Shutdown::shutdownRunsQueuedJobsFirst()
{
    BlockedPool f;
    QVERIFY(f.block());
    std::atomic<int> runs{0};
    constexpr int queued = 20;
    for (int i = 0; i < queued; ++i)
        f.pool.submit([&runs] { ++runs; });
    OpenOnShutdown opener(f.pool, f.gate);

    const bool ended = f.pool.shutdown();

    opener.join();
    QVERIFY(opener.sawShutdown);
    QVERIFY(ended);
    QCOMPARE(runs.load(), queued);
    QVERIFY(f.gate.finished());
    QVERIFY(!f.gate.timedOut());
    QCOMPARE(f.pool.pending(), 0);
    QVERIFY(f.pool.jobs().isEmpty());
}

void tst_Shutdown::shutdownEndsEveryChild()
{
    Gate gate;
    Pool pool({.maxChildren = 2});
    GateOpener guard(gate);
    pool.submit(gate.job());
    pool.submit(gate.job());
    QVERIFY(gate.waitEntered(2)); // two children
    QCOMPARE(pool.alive(), 2);
    gate.open(2);

    QVERIFY(pool.shutdown(waitDeadline()));

    QCOMPARE(pool.alive(), 0);
    for (QThread *thread : pool.childThreads())
        QVERIFY(thread->isFinished());
}

void tst_Shutdown::isShutdownTrueFromTheCallOn()
{
    BlockedPool f;
    QVERIFY(f.block());
    QVERIFY(!f.pool.isShutdown());
    OpenOnShutdown opener(f.pool, f.gate);

    QVERIFY(f.pool.shutdown(waitDeadline()));

    opener.join();
    // Seen by another thread while shutdown() still waited for the blocked job.
    QVERIFY(opener.sawShutdown);
    QVERIFY(!opener.finishedBeforeOpen);
    QVERIFY(f.pool.isShutdown());
}

void tst_Shutdown::shutdownSoonStopsAfterCurrentJob()
{
    BlockedPool f;
    QVERIFY(f.block());
    std::atomic<int> runs{0};
    for (int i = 0; i < 3; ++i)
        f.pool.submit([&runs] { ++runs; });
    OpenOnShutdown opener(f.pool, f.gate);

    const bool ended = f.pool.shutdown(waitDeadline(), true);

    opener.join();
    QVERIFY(opener.sawShutdown);
    QVERIFY(ended);
    QVERIFY(f.gate.finished()); // the current job completed
    QVERIFY(!f.gate.timedOut());
    QCOMPARE(runs.load(), 0); // the waiting ones were skipped
    QCOMPARE(f.pool.alive(), 0);
}

void tst_Shutdown::shutdownSoonKeepsUnstartedJobsPending()
{
    BlockedPool f;
    QVERIFY(f.block());
    std::atomic<int> runs{0};
    const JobId a = f.pool.submit([&runs] { ++runs; });
    const JobId b = f.pool.submit([&runs] { ++runs; });
    const JobId c = f.pool.submitFirst([&runs] { ++runs; });
    OpenOnShutdown opener(f.pool, f.gate);

    QVERIFY(f.pool.shutdown(waitDeadline(), true));

    opener.join();
    QCOMPARE(f.pool.jobs(), (QList<JobId>{c, a, b}));
    QCOMPARE(f.pool.pending(), 3);

    f.pool.clear();

    QVERIFY(f.pool.jobs().isEmpty());
    QCOMPARE(f.pool.pending(), 0);
    QCOMPARE(runs.load(), 0);
}

void tst_Shutdown::shutdownReturnsFalseAtDeadline()
{
    BlockedPool f;
    QVERIFY(f.block());

    QElapsedTimer elapsed;
    elapsed.start();
    const bool ended = f.pool.shutdown(QDeadlineTimer(100));
    const qint64 ms = elapsed.elapsed();

    QVERIFY(!ended);
    QVERIFY2(ms >= 95 && ms < 600, qPrintable(QStringLiteral("returned after %1 ms").arg(ms)));
    QCOMPARE(f.pool.alive(), 1);
    f.gate.open();
    QVERIFY(f.pool.shutdown());
    QCOMPARE(f.pool.alive(), 0);
    QVERIFY(f.gate.finished());
}

void tst_Shutdown::joinBehavesAsShutdownWithoutSoon()
{
    BlockedPool f;
    QVERIFY(f.block());
    std::atomic<int> runs{0};
    constexpr int queued = 5;
    for (int i = 0; i < queued; ++i)
        f.pool.submit([&runs] { ++runs; });

    QElapsedTimer elapsed;
    elapsed.start();
    const bool endedEarly = f.pool.join(QDeadlineTimer(100));
    const qint64 ms = elapsed.elapsed();

    QVERIFY(!endedEarly);
    QVERIFY2(ms >= 95 && ms < 600, qPrintable(QStringLiteral("returned after %1 ms").arg(ms)));
    QVERIFY(f.pool.isShutdown());
    QVERIFY_THROWS_EXCEPTION(PoolStopped, f.pool.submit([] {}));
    f.gate.open();
    QVERIFY(f.pool.join(waitDeadline()));
    QCOMPARE(runs.load(), queued); // not skipped: soon == false
    QCOMPARE(f.pool.alive(), 0);
    QCOMPARE(f.pool.pending(), 0);
}

void tst_Shutdown::submitAfterShutdownChildrenThrows()
{
    Pool pool({.maxChildren = 1});
    pool.submit([] {});
    QVERIFY(pool.waitIdle(waitDeadline()));

    pool.shutdownChildren();

    QVERIFY(pool.isShutdown());
    QVERIFY_THROWS_EXCEPTION(PoolStopped, pool.submit([] { return 1; }));
    QVERIFY_THROWS_EXCEPTION(PoolStopped, pool.submitFirst([] { return 1; }));
    QVERIFY_THROWS_EXCEPTION(PoolStopped, pool.submitDone([] { return 1; }, false));
    QCOMPARE(pool.pending(), 0);
    QVERIFY(pool.jobs().isEmpty());
}

void tst_Shutdown::clearMakesPoolUsableAfterShutdownChildren()
{
    Pool pool({.maxChildren = 1, .resultId = true});
    pool.submit([] {});
    QVERIFY(pool.waitIdle(waitDeadline()));
    pool.shutdownChildren();
    QVERIFY(QTest::qWaitFor([&pool] { return pool.alive() == 0; }, kWaitMs));
    QVERIFY_THROWS_EXCEPTION(PoolStopped, pool.submit([] {}));

    pool.clear();

    QVERIFY(!pool.isShutdown());
    const JobId id = pool.submit([](int v) { return v + 1; }, 41);
    QVERIFY(pool.waitIdle(waitDeadline()));
    const auto result = pool.done().take(waitDeadline());
    QVERIFY(result);
    QCOMPARE(result->id, id);
    QCOMPARE(result->value.toInt(), 42);
}

void tst_Shutdown::clearEmptiesPendingJobs()
{
    BlockedPool f;
    QVERIFY(f.block());
    std::atomic<int> runs{0};
    for (int i = 0; i < 4; ++i)
        f.pool.submit([&runs] { ++runs; });
    f.pool.shutdownChildren();
    f.gate.open();
    QVERIFY(QTest::qWaitFor([&f] { return f.pool.alive() == 0; }, kWaitMs));
    QCOMPARE(f.pool.pending(), 4);
    QCOMPARE(f.pool.jobs().size(), 4);

    f.pool.clear();

    QCOMPARE(f.pool.pending(), 0);
    QVERIFY(f.pool.jobs().isEmpty());
    QVERIFY(f.pool.waitIdle(QDeadlineTimer(0)));
    QCOMPARE(runs.load(), 0);
}

void tst_Shutdown::clearEmptiesDoneAndFailedQueues()
{
    Pool pool({.maxChildren = 1});
    constexpr int good = 3;
    constexpr int bad = 2;
    for (int i = 0; i < good; ++i)
        pool.submit([i] { return i; });
    for (int i = 0; i < bad; ++i)
        pool.submit([]() -> int { throw std::runtime_error("boom"); });
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(pool.done().size(), good);
    QCOMPARE(pool.doneCount().value(), good);
    QCOMPARE(pool.failed().size(), bad);
    QCOMPARE(pool.failedCount().value(), bad);

    pool.clear();

    QCOMPARE(pool.done().size(), 0);
    QCOMPARE(pool.doneCount().value(), 0);
    QCOMPARE(pool.failed().size(), 0);
    QCOMPARE(pool.failedCount().value(), 0);
    QVERIFY(!pool.done().tryTake());
    QVERIFY(!pool.failed().tryTake());
}

void tst_Shutdown::clearResetsShutdown()
{
    Pool pool({.maxChildren = 1});
    QVERIFY(pool.shutdown(waitDeadline()));
    QVERIFY(pool.isShutdown());

    pool.clear();

    QVERIFY(!pool.isShutdown());
    std::atomic<bool> ran{false};
    pool.submit([&ran] { ran = true; });
    QVERIFY(pool.waitIdle(waitDeadline()));
    QVERIFY(ran);
}

void tst_Shutdown::mapAfterShutdownChildrenThrows_data()
{
    QTest::addColumn<bool>("direct");
    QTest::newRow("direct") << true;
    QTest::newRow("queued") << false;
}

void tst_Shutdown::mapAfterShutdownChildrenThrows()
{
    QFETCH(bool, direct);
    Pool pool({.maxChildren = 2});
    pool.shutdownChildren();
    std::atomic<int> runs{0};
    const std::vector<int> items{1, 2, 3, 4};

    QVERIFY_THROWS_EXCEPTION(PoolStopped,
                             pool.map(
                                     [&runs](int v) {
                                         ++runs;
                                         return v;
                                     },
                                     items, true, direct));

    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(runs.load(), 0);
    QCOMPARE(pool.done().size(), 0);
}

void tst_Shutdown::cleanupChildrenRemovesEndedChildren()
{
    Gate gate;
    Pool pool({.maxChildren = 2});
    GateOpener guard(gate);
    pool.submit(gate.job());
    pool.submit(gate.job());
    QVERIFY(gate.waitEntered(2));
    gate.open(2);
    QVERIFY(pool.shutdown(waitDeadline()));
    const int created = pool.childCount();
    QCOMPARE(created, 2);

    const int removed = pool.cleanupChildren();

    QCOMPARE(removed, created);
    QCOMPARE(pool.childCount(), 0);
    QVERIFY(pool.childThreads().isEmpty());
    QCOMPARE(pool.pending(), 0); // the removed children's finished jobs stay counted
    QVERIFY(pool.waitIdle(QDeadlineTimer(0)));
}

void tst_Shutdown::submitAfterShutdownThrowsUntilClear()
{
    Pool pool({.maxChildren = 1});
    pool.submit([] {});
    QVERIFY(pool.shutdown(waitDeadline()));

    QVERIFY_THROWS_EXCEPTION(PoolStopped, pool.submit([] {}));
    QVERIFY_THROWS_EXCEPTION(PoolStopped, pool.submit([] {})); // still, until clear()

    pool.clear();
    std::atomic<bool> ran{false};
    pool.submit([&ran] { ran = true; });
    QVERIFY(pool.waitIdle(waitDeadline()));
    QVERIFY(ran);
}

void tst_Shutdown::destructorRunsQueuedJobs()
{
    Gate gate;
    std::atomic<int> runs{0};
    std::atomic<int> runsAtOpen{-1};
    std::atomic<bool> sawDestructorWaiting{false};
    constexpr int queued = 20;
    const long testTid = TestSupport::currentTid();
    std::thread opener;
    {
        Pool pool({.maxChildren = 1});
        pool.submit(gate.job());
        for (int i = 0; i < queued; ++i)
            pool.submit([&runs] { ++runs; });
        opener = std::thread([&] {
            if (gate.waitEntered())
                sawDestructorWaiting
                        = spinUntil([testTid] { return TestSupport::isSleeping(testTid); });
            runsAtOpen = runs.load();
            gate.open();
        });
    } // ~Pool: waits for the blocked job and the queued ones
    const int runsAfterDestructor = runs.load();
    opener.join();

    QVERIFY(sawDestructorWaiting);
    QCOMPARE(runsAtOpen.load(), 0); // still queued while the destructor waited
    QCOMPARE(runsAfterDestructor, queued);
    QVERIFY(gate.finished());
    QVERIFY(!gate.timedOut());
}

void tst_Shutdown::destructorWaitsForBlockedJob()
{
    Gate gate;
    std::atomic<bool> sawDestructorWaiting{false};
    const long testTid = TestSupport::currentTid();
    std::thread opener;
    {
        Pool pool({.maxChildren = 1});
        pool.submit(gate.job());
        opener = std::thread([&] {
            if (gate.waitEntered())
                sawDestructorWaiting
                        = spinUntil([testTid] { return TestSupport::isSleeping(testTid); });
            gate.open();
        });
    } // ~Pool
    const bool finishedWhenDestroyed = gate.finished();
    opener.join();

    QVERIFY(sawDestructorWaiting);
    QVERIFY(finishedWhenDestroyed);
    QVERIFY(!gate.timedOut());
}

void tst_Shutdown::shutdownFromJobDoesNotDeadlock()
{
    Pool pool({.maxChildren = 1});
    std::atomic<int> returned{-1};
    TestSupport::Semaphore jobDone;
    // A deadline only so that a deadlock fails the test instead of hanging it.
    pool.submit([&] {
        returned = pool.shutdown(QDeadlineTimer(5000)) ? 1 : 0;
        jobDone.release();
    });

    QVERIFY(jobDone.tryAcquire(1, kWaitMs));

    QCOMPARE(returned.load(), 1);
    QVERIFY(pool.isShutdown());
    QVERIFY(QTest::qWaitFor([&pool] { return pool.alive() == 0; }, kWaitMs));
    QVERIFY(pool.shutdown(waitDeadline()));
}

void tst_Shutdown::shutdownFromJobWithIdleSiblingDoesNotDeadlock()
{
    Gate gate;
    Pool pool({.maxChildren = 2});
    GateOpener guard(gate);
    pool.submit(gate.job());
    pool.submit(gate.job());
    QVERIFY(gate.waitEntered(2)); // two children
    gate.open(2);
    QVERIFY(pool.waitIdle(waitDeadline())); // both idle now
    std::atomic<int> returned{-1};
    TestSupport::Semaphore jobDone;

    pool.submit([&] {
        returned = pool.shutdown(QDeadlineTimer(5000)) ? 1 : 0;
        jobDone.release();
    });

    QVERIFY(jobDone.tryAcquire(1, kWaitMs));
    QCOMPARE(returned.load(), 1); // the sibling ended; only the calling thread was skipped
    QVERIFY(QTest::qWaitFor([&pool] { return pool.alive() == 0; }, kWaitMs));
    QVERIFY(pool.shutdown(waitDeadline()));
}

void tst_Shutdown::shutdownTwice()
{
    Pool pool({.maxChildren = 2});
    std::atomic<int> runs{0};
    for (int i = 0; i < 5; ++i)
        pool.submit([&runs] { ++runs; });

    QVERIFY(pool.shutdown(waitDeadline()));
    QVERIFY(pool.shutdown(waitDeadline()));
    QVERIFY(pool.shutdown(waitDeadline(), true));

    QCOMPARE(runs.load(), 5);
    QVERIFY(pool.isShutdown());
    QCOMPARE(pool.alive(), 0);
}

void tst_Shutdown::shutdownAllNowDropsPendingJobs()
{
    BlockedPool a;
    BlockedPool b;
    QVERIFY(a.block());
    QVERIFY(b.block());
    std::atomic<int> runs{0};
    for (int i = 0; i < 5; ++i) {
        a.pool.submit([&runs] { ++runs; });
        b.pool.submit([&runs] { ++runs; });
    }
    std::thread opener([&] {
        spinUntil([&] { return a.pool.isShutdown() && b.pool.isShutdown(); });
        a.gate.open();
        b.gate.open();
    });

    const bool ended = FastThreadPool::shutdownAll(true);

    opener.join();
    QVERIFY(ended);
    QCOMPARE(runs.load(), 0);
    for (BlockedPool *f : {&a, &b}) {
        QVERIFY(f->pool.isShutdown());
        QVERIFY(f->gate.finished()); // the running job was not interrupted
        QVERIFY(!f->gate.timedOut());
        QCOMPARE(f->pool.alive(), 0);
        QCOMPARE(f->pool.pending(), 0);
        QVERIFY(f->pool.jobs().isEmpty());
    }
}

void tst_Shutdown::shutdownAllLaterFinishesQueuedJobs()
{
    BlockedPool a;
    BlockedPool b;
    QVERIFY(a.block());
    QVERIFY(b.block());
    std::atomic<int> runsA{0};
    std::atomic<int> runsB{0};
    constexpr int queued = 5;
    for (int i = 0; i < queued; ++i) {
        a.pool.submit([&runsA] { ++runsA; });
        b.pool.submit([&runsB] { ++runsB; });
    }
    std::thread opener([&] {
        spinUntil([&] { return a.pool.isShutdown() && b.pool.isShutdown(); });
        a.gate.open();
        b.gate.open();
    });

    const bool ended = FastThreadPool::shutdownAll(false);

    opener.join();
    QVERIFY(ended);
    QCOMPARE(runsA.load(), queued);
    QCOMPARE(runsB.load(), queued);
    for (BlockedPool *f : {&a, &b}) {
        QVERIFY(f->pool.isShutdown());
        QCOMPARE(f->pool.alive(), 0);
        QCOMPARE(f->pool.pending(), 0);
    }
}

void tst_Shutdown::shutdownAllSkipsDestroyedPools()
{
    auto doomed = std::make_unique<Pool>(PoolOptions{.maxChildren = 1});
    doomed->submit([] { return 1; });
    doomed.reset();
    Pool live({.maxChildren = 1});
    live.submit([] { return 2; });

    QVERIFY(FastThreadPool::shutdownAll(true));

    QVERIFY(live.isShutdown());
    QCOMPARE(live.alive(), 0);
    QVERIFY(live.jobs().isEmpty());
}

void tst_Shutdown::shutdownWaitsForDoneCallback()
{
    Gate callbackGate;
    QMutex mutex;
    QList<int> handled;
    std::atomic<bool> firstCall{true};
    std::atomic<bool> handledBeforeOpen{false};
    constexpr int count = 10;
    Pool pool({.maxChildren = 2, .doneCallback = [&](const FastThreadPool::Result &result) {
                   if (firstCall.exchange(false))
                       callbackGate.pass();
                   QMutexLocker lock(&mutex);
                   handled.append(result.value.toInt());
               }});
    GateOpener guard(callbackGate);
    for (int i = 0; i < count; ++i)
        pool.submit([i] { return i; });
    QVERIFY(callbackGate.waitEntered()); // the callback thread is busy with the first one
    std::thread opener([&] {
        spinUntil([&pool] { return pool.isShutdown(); });
        QMutexLocker lock(&mutex);
        handledBeforeOpen = !handled.isEmpty();
        lock.unlock();
        callbackGate.open();
    });

    const bool ended = pool.shutdown(waitDeadline());

    opener.join();
    QVERIFY(ended);
    QVERIFY(!handledBeforeOpen); // shutdown() really had to wait for the callback thread
    QVERIFY(!callbackGate.timedOut());
    QMutexLocker lock(&mutex);
    QList<int> sorted = handled;
    std::sort(sorted.begin(), sorted.end());
    QList<int> expected(count);
    std::iota(expected.begin(), expected.end(), 0);
    QCOMPARE(sorted, expected);
}

void tst_Shutdown::shutdownAllDoesNotDeadlockWhenAJobMakesAndDestroysAPool()
{
    Gate gate;
    std::atomic<bool> innerMade{false};
    Pool pool({.maxChildren = 1});
    GateOpener opener(gate);
    pool.submitDone(
            [&] {
                gate.pass();
                // Made and destroyed while shutdownAll() waits for this very job.
                Pool inner({.maxChildren = 1});
                innerMade = true;
                try {
                    inner.submitDone([] {}, false);
                } catch (const PoolStopped &) {
                    // shutdownAll() visits pools made while it runs too
                }
            },
            false);
    QVERIFY(gate.waitEntered());
    OpenOnShutdown open(pool, gate);
    {
        TestSupport::Watchdog watchdog("shutdownAll() while a job makes and destroys a pool");
        QVERIFY(FastThreadPool::shutdownAll(false));
    }
    open.join();
    QVERIFY(open.sawShutdown);
    QVERIFY(innerMade);
}

void tst_Shutdown::shutdownRacingClearAndSubmitNeverWaitsForAThreadItDidNotStop()
{
    // A child that a clear() and submit() racing the shutdown start is not one the shutdown
    // asked to stop: it must not wait for it (with the default deadline: for ever).
    for (int round = 0; round < 300; ++round) {
        Pool pool({.maxChildren = 2});
        pool.submitDone([] {}, false);
        std::atomic<bool> go{false};
        std::thread other([&] {
            while (!go.load()) { }
            pool.clear();
            try {
                pool.submitDone([] {}, false);
            } catch (const PoolStopped &) { }
        });
        go = true;
        {
            TestSupport::Watchdog watchdog("shutdown() racing clear() and submit()");
            pool.shutdown();
        }
        other.join();
    }
}

void tst_Shutdown::shutdownFromTheDoneCallbackDoesNotWaitForItself()
{
    TestSupport::Semaphore returned;
    std::atomic<bool> result{false};
    Pool *self = nullptr;
    Pool pool({.doneCallback = [&](const FastThreadPool::Result &) {
        result = self->shutdown(waitDeadline());
        returned.release();
    }});
    self = &pool;
    pool.submit([] { return 1; });
    QVERIFY(returned.tryAcquire(1, kWaitMs));
    QVERIFY(result);
    QVERIFY(pool.isShutdown());
}

void tst_Shutdown::shutdownFromTheFailedCallbackDoesNotWaitForItself()
{
    TestSupport::Semaphore returned;
    std::atomic<bool> result{false};
    Pool *self = nullptr;
    Pool pool({.failedCallback = [&](const FastThreadPool::Failure &) {
        result = self->shutdown(waitDeadline(), true);
        returned.release();
    }});
    self = &pool;
    pool.submit(TestSupport::failWith, 1);
    QVERIFY(returned.tryAcquire(1, kWaitMs));
    QVERIFY(result);
}

void tst_Shutdown::jobAcceptedAsAGracefulShutdownBeginsStillRuns()
{
    // The submit is accepted, but its child is refused (the stop came first): a graceful
    // shutdown still runs every job it did not refuse.
    for (int round = 0; round < 300; ++round) {
        std::atomic<int> ran{0};
        Pool pool({.maxChildren = 1});
        std::atomic<bool> go{false};
        std::thread stopper([&] {
            while (!go.load()) { }
            pool.shutdown(waitDeadline());
        });
        bool accepted = true;
        go = true;
        try {
            pool.submitDone([&ran] { ran.fetch_add(1); }, false);
        } catch (const PoolStopped &) {
            accepted = false;
        }
        stopper.join();
        QVERIFY(pool.shutdown(waitDeadline()));
        QCOMPARE(ran.load(), accepted ? 1 : 0);
    }
}

void tst_Shutdown::twoJobsCallingShutdownDoNotWaitForEachOther()
{
    std::atomic<int> entered{0};
    std::atomic<int> returned{0};
    Pool pool({.maxChildren = 2});
    auto job = [&] {
        entered.fetch_add(1);
        while (entered.load() < 2) // both are running before either shuts down
            std::this_thread::yield();
        if (pool.shutdown(waitDeadline()))
            returned.fetch_add(1);
    };
    TestSupport::Watchdog watchdog("two jobs calling shutdown()");
    pool.submitDone(job, false);
    pool.submitDone(job, false);
    QVERIFY(QTest::qWaitFor([&] { return returned.load() == 2; }, kWaitMs));
    QVERIFY(pool.shutdown(waitDeadline()));
}

void tst_Shutdown::doneAndFailedCallbacksCallingShutdownDoNotWaitForEachOther()
{
    std::atomic<int> entered{0};
    std::atomic<int> returned{0};
    Pool *self = nullptr;
    auto stopFromCallback = [&] {
        entered.fetch_add(1);
        while (entered.load() < 2)
            std::this_thread::yield();
        if (self->shutdown(waitDeadline()))
            returned.fetch_add(1);
    };
    Pool pool({.maxChildren = 2,
               .doneCallback = [&](const FastThreadPool::Result &) { stopFromCallback(); },
               .failedCallback = [&](const FastThreadPool::Failure &) { stopFromCallback(); }});
    self = &pool;
    TestSupport::Watchdog watchdog("the done and the failed callback calling shutdown()");
    pool.submit(TestSupport::identity, 1);
    pool.submit(TestSupport::failWith, 2);
    QVERIFY(QTest::qWaitFor([&] { return returned.load() == 2; }, kWaitMs));
}

void tst_Shutdown::jobAcceptedWhileAStoppingChildLingersRunsAtAGracefulShutdown()
{
    // A child told to stop now (shutdownChildren()) is still running a long job after a
    // clear(); a job accepted just as a graceful shutdown comes must still run: the
    // lingering child does not drain the queue for it.
    for (int round = 0; round < 100; ++round) {
        Gate gate;
        std::atomic<int> ran{0};
        Pool pool({.maxChildren = 2});
        GateOpener opener(gate);
        pool.submitDone(gate.job(), false);
        QVERIFY(gate.waitEntered());
        pool.shutdownChildren();
        pool.clear();
        std::atomic<bool> go{false};
        bool accepted = true;
        std::thread submitter([&] {
            while (!go.load()) { }
            try {
                pool.submitDone([&ran] { ran.fetch_add(1); }, false);
            } catch (const PoolStopped &) {
                accepted = false;
            }
        });
        OpenOnShutdown open(pool, gate);
        go = true;
        QVERIFY(pool.shutdown(waitDeadline()));
        submitter.join();
        open.join();
        QCOMPARE(ran.load(), accepted ? 1 : 0);
    }
}

void tst_Shutdown::destructorWaitsForChildrenAJobStartedDuringIt()
{
    // A job restarts the pool while the destructor shuts it down (clear() and a submit):
    // the destructor stops and waits again, so no thread of the pool outlives it.
    std::atomic<int> lateRuns{0};
    {
        auto pool = std::make_unique<Pool>(PoolOptions{.maxChildren = 1});
        Pool *raw = pool.get();
        pool->submitDone(
                [raw, &lateRuns] {
                    while (!raw->isShutdown())
                        std::this_thread::yield();
                    raw->clear();
                    raw->submitDone([&lateRuns] { lateRuns.fetch_add(1); }, false);
                },
                false);
        TestSupport::Watchdog watchdog("~Pool() with a job restarting the pool");
        pool.reset();
    }
    QCOMPARE(lateRuns.load(), 1);
}

void tst_Shutdown::runningChildrenDoNotKeepWakingEachOtherWhileAChildStops()
{
    // Child A, told to stop now, runs a long job; children started after clear() sleep.
    // A submit wakes one of them: it must not start a chain of wake-ups between running
    // children that lasts as long as A's job (it would burn a core).
    Gate gate;
    Pool pool({.maxChildren = 3});
    GateOpener opener(gate);
    pool.submitDone(gate.job(), false);
    QVERIFY(gate.waitEntered());
    pool.shutdownChildren();
    pool.clear();
    std::atomic<int> ran{0};
    for (int i = 0; i < 4; ++i) {
        pool.submitDone([&ran] { ran.fetch_add(1); }, false);
        QVERIFY(QTest::qWaitFor([&] { return ran.load() == i + 1; }, kWaitMs));
    }
    const std::clock_t cpuBefore = std::clock();
    QTest::qWait(300); // the window in which a chain of wake-ups would show
    const double cpuMs = 1000.0 * double(std::clock() - cpuBefore) / CLOCKS_PER_SEC;
    QVERIFY2(cpuMs < 100.0, qPrintable(QStringLiteral("%1 ms CPU in 300 ms").arg(cpuMs)));
}

void tst_Shutdown::stoppedMessageNamesTheCall_data()
{
    QTest::addColumn<int>("how");
    QTest::addColumn<QString>("named");
    QTest::newRow("shutdown") << 0 << "shutdown() was called";
    QTest::newRow("shutdownChildren") << 1 << "shutdownChildren() was called";
    QTest::newRow("shutdownAll") << 2 << "shutdownAll() was called";
}

void tst_Shutdown::stoppedMessageNamesTheCall()
{
    QFETCH(int, how);
    QFETCH(QString, named);
    Pool pool({.maxChildren = 1});
    if (how == 0)
        QVERIFY(pool.shutdown(waitDeadline()));
    else if (how == 1)
        pool.shutdownChildren();
    else
        QVERIFY(FastThreadPool::shutdownAll(true));
    try {
        pool.submit([] {});
        QFAIL("submit() on a stopped pool did not throw");
    } catch (const PoolStopped &e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(named), e.what());
    }
}

QTEST_GUILESS_MAIN(tst_Shutdown)
#include "tst_shutdown.moc"
