// Fault injection: threads that cannot be started and job-record memory that cannot be
// allocated. Each failure gets the documented error at the call (or a failure entry where
// there is no caller), the counts stay right, nothing is lost, and the pool recovers as
// soon as the system does. Linked to the test-only build of the library with the hooks of
// core/faultinjection.h.
#include <fastthreadpool/pool.h>

#include "core/faultinjection.h"
#include "testsupport.h"

#include <QtTest/qtest.h>

#include <atomic>
#include <chrono>
#include <new>
#include <vector>

using namespace std::chrono_literals;
using namespace FastThreadPool;
namespace fault = FastThreadPool::detail::fault;
using TestSupport::Gate;
using TestSupport::GateOpener;
using TestSupport::kWaitMs;
using TestSupport::waitDeadline;

namespace {

std::vector<int> iota(int count)
{
    std::vector<int> items(std::size_t(count), 0);
    for (int i = 0; i < count; ++i)
        items[std::size_t(i)] = i;
    return items;
}

//! Nothing waits or runs, and the counts agree with that.
bool settled(Pool &pool)
{
    return pool.waitIdle(waitDeadline()) && pool.pending() == 0 && pool.jobs().isEmpty()
            && pool.completed() + pool.cancelled() == pool.submitted();
}

} // namespace

class tst_Faults : public QObject
{
    Q_OBJECT

private slots:
    void init() { fault::reset(); }
    void cleanup() { fault::reset(); }

    void submitThrowsWhenNoChildCanStartAndRecovers();
    void submitGoesOnWithFewerChildrenWhenOneCannotStart();
    void directMapThrowsHavingRunNoItemWhenNoThreadStarts();
    void directMapGoesOnWithTheThreadsThatStarted();
    void pooledMapThrowsHavingRunNoItemWhenNoChildStarts();
    void timerIsNotAddedWhenTheTimerThreadCannotStart();
    void oneShotTimerWhoseRunCannotStartBecomesAFailure();
    void doneCallbackThreadThatCannotStartLosesNoResult();
    void recordAllocationFailureThrowsAndTheCountsStayRight();
    void recordAllocationFailureInAPooledMapRunsNoItem();
};

void tst_Faults::submitThrowsWhenNoChildCanStartAndRecovers()
{
    std::atomic<int> ran{0};
    Pool pool({.maxChildren = 2});
    fault::arm(fault::Point::ThreadStart, 1000);
    QVERIFY_THROWS_EXCEPTION(ThreadStartFailed, pool.submitDone([&] { ran.fetch_add(1); }, false));
    QVERIFY(fault::hits(fault::Point::ThreadStart) >= 1);
    QCOMPARE(pool.childCount(), 0);
    QCOMPARE(pool.alive(), 0);
    QVERIFY(settled(pool));
    QCOMPARE(ran.load(), 0);

    fault::arm(fault::Point::ThreadStart, 0); // resources are back
    pool.submitDone([&] { ran.fetch_add(1); }, false);
    QVERIFY(settled(pool));
    QCOMPARE(ran.load(), 1);
    QCOMPARE(pool.childCount(), 1);
}

void tst_Faults::submitGoesOnWithFewerChildrenWhenOneCannotStart()
{
    Gate gate;
    std::atomic<int> ran{0};
    Pool pool({.maxChildren = 2});
    GateOpener opener(gate);
    pool.submitDone(gate.job(), false);
    QVERIFY(gate.waitEntered());
    fault::arm(fault::Point::ThreadStart, 1);
    pool.submitDone([&] { ran.fetch_add(1); }, false); // no throw: the child there runs it
    QCOMPARE(fault::hits(fault::Point::ThreadStart), 1);
    QCOMPARE(pool.childCount(), 1);
    gate.open();
    QVERIFY(settled(pool));
    QCOMPARE(ran.load(), 1);
}

void tst_Faults::directMapThrowsHavingRunNoItemWhenNoThreadStarts()
{
    std::atomic<int> ran{0};
    Pool pool({.maxChildren = 2});
    fault::arm(fault::Point::ThreadStart, 1000);
    QVERIFY_THROWS_EXCEPTION(ThreadStartFailed,
                             pool.map([&](int) { ran.fetch_add(1); }, iota(100), false, true));
    QVERIFY(settled(pool));
    QCOMPARE(ran.load(), 0);
    QCOMPARE(pool.alive(), 0);

    fault::arm(fault::Point::ThreadStart, 0);
    pool.map([&](int) { ran.fetch_add(1); }, iota(100), false, true);
    QVERIFY(settled(pool));
    QCOMPARE(ran.load(), 100);
}

void tst_Faults::directMapGoesOnWithTheThreadsThatStarted()
{
    std::atomic<int> ran{0};
    Pool pool({.maxChildren = 4});
    fault::arm(fault::Point::ThreadStart, 3);
    pool.map([&](int) { ran.fetch_add(1); }, iota(1000), false, true);
    QVERIFY(settled(pool));
    QCOMPARE(ran.load(), 1000);
    QCOMPARE(fault::hits(fault::Point::ThreadStart), 3);
}

void tst_Faults::pooledMapThrowsHavingRunNoItemWhenNoChildStarts()
{
    std::atomic<int> ran{0};
    Pool pool({.maxChildren = 2});
    fault::arm(fault::Point::ThreadStart, 1000);
    QVERIFY_THROWS_EXCEPTION(ThreadStartFailed,
                             pool.map([&](int) { ran.fetch_add(1); }, iota(100), false, false));
    QVERIFY(settled(pool));
    QCOMPARE(ran.load(), 0);

    fault::arm(fault::Point::ThreadStart, 0);
    pool.map([&](int) { ran.fetch_add(1); }, iota(100), false, false);
    QVERIFY(settled(pool));
    QCOMPARE(ran.load(), 100);
}

void tst_Faults::timerIsNotAddedWhenTheTimerThreadCannotStart()
{
    TestSupport::Semaphore fired;
    Pool pool({.maxChildren = 1});
    fault::arm(fault::Point::ThreadStart, 1);
    QVERIFY_THROWS_EXCEPTION(ThreadStartFailed, pool.submitLater(1ms, [] {}));
    QVERIFY(pool.delayed().isEmpty());

    pool.submitDoneLater(
            1ms, [&fired] { fired.release(); }, false);
    QVERIFY(fired.tryAcquire(1, kWaitMs));
}

void tst_Faults::oneShotTimerWhoseRunCannotStartBecomesAFailure()
{
    TestSupport::Semaphore fired; // before the pool: its jobs end before this does
    Pool pool({.maxChildren = 1});
    pool.submitLater(1h, [] {}); // the timer thread runs now
    fault::arm(fault::Point::ThreadStart, 1000);
    const TimerId timer = pool.submitDoneLater(
            1ms, [] {}, false);
    QVERIFY(QTest::qWaitFor([&] { return pool.failedQueued() == 1; }, kWaitMs));
    const auto failure = pool.failed().tryTake();
    QVERIFY(failure.has_value());
    QCOMPARE(failure->type, QStringLiteral("FastThreadPool::ThreadStartFailed"));
    QVERIFY(!pool.delayed().contains(timer));
    QVERIFY(settled(pool));

    fault::arm(fault::Point::ThreadStart, 0);
    pool.submitDoneLater(
            1ms, [&fired] { fired.release(); }, false);
    QVERIFY(fired.tryAcquire(1, kWaitMs));
}

void tst_Faults::doneCallbackThreadThatCannotStartLosesNoResult()
{
    constexpr int kJobs = 20;
    std::atomic<int> handed{0};
    {
        Gate gate;
        Pool pool({.maxChildren = 1,
                   .doneCallback = [&handed](const Result &) { handed.fetch_add(1); }});
        GateOpener opener(gate);
        pool.submitDone(gate.job(), false); // the child is up before the fault is armed
        QVERIFY(gate.waitEntered());
        fault::arm(fault::Point::ThreadStart, 1000);
        for (int i = 0; i < kJobs; ++i)
            pool.submit(TestSupport::identity, i);
        gate.open();
        QVERIFY(pool.waitIdle(waitDeadline()));
        QCOMPARE(handed.load(), 0); // no thread to hand them out: they wait
        QVERIFY(fault::hits(fault::Point::ThreadStart) >= 1);
        // The pool's destructor hands them out on its own thread rather than drop them.
    }
    QCOMPARE(handed.load(), kJobs);
}

void tst_Faults::recordAllocationFailureThrowsAndTheCountsStayRight()
{
    constexpr int kJobs = 3000; // several blocks of records, made and recycled
    std::atomic<int> ran{0};
    Pool pool({.maxChildren = 2});
    fault::arm(fault::Point::BlockAllocation, 1);
    QVERIFY_THROWS_EXCEPTION(std::bad_alloc, pool.submitDone([&] { ran.fetch_add(1); }, false));
    QCOMPARE(fault::hits(fault::Point::BlockAllocation), 1);
    QVERIFY(settled(pool));
    QCOMPARE(ran.load(), 0);

    for (int i = 0; i < kJobs; ++i)
        pool.submitDone([&] { ran.fetch_add(1); }, false);
    QVERIFY(settled(pool));
    QCOMPARE(ran.load(), kJobs);
}

void tst_Faults::recordAllocationFailureInAPooledMapRunsNoItem()
{
    std::atomic<int> ran{0};
    Pool pool({.maxChildren = 2});
    fault::arm(fault::Point::BlockAllocation, 1);
    QVERIFY_THROWS_EXCEPTION(std::bad_alloc,
                             pool.map([&](int) { ran.fetch_add(1); }, iota(500), false, false));
    QVERIFY(settled(pool));
    QCOMPARE(ran.load(), 0);

    pool.map([&](int) { ran.fetch_add(1); }, iota(500), false, false);
    QVERIFY(settled(pool));
    QCOMPARE(ran.load(), 500);
}

QTEST_GUILESS_MAIN(tst_Faults)
#include "tst_faults.moc"
