// Jobs bound to an owner's lifetime: Pool::submitFor() and submitThen(). The continuation
// runs in the owner's thread; the owner destroyed before the job starts means it never runs,
// during it means a cancel, after it means no continuation. Synchronised with semaphores,
// gates and QTRY deadlines.
#include <fastthreadpool/pool.h>
#include <fastthreadpool/thisjob.h>

#include "testsupport.h"

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qpointer.h>
#include <QtCore/qthread.h>
#include <QtTest/qtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>

using namespace FastThreadPool;
using TestSupport::Gate;
using TestSupport::kWaitMs;
using TestSupport::waitDeadline;

namespace {

//! Spins until a cancel reaches the job (true) or kWaitMs passes (false).
bool untilCancelled(TestSupport::Semaphore &started)
{
    started.release();
    QElapsedTimer clock;
    clock.start();
    while (!ThisJob::isCancelled()) {
        if (clock.hasExpired(kWaitMs))
            return false;
    }
    return true;
}

} // namespace

class tst_Owner : public QObject
{
    Q_OBJECT

private slots:
    void continuationGetsTheValueInTheOwnersThread();
    void voidJobCallsAContinuationWithoutArguments();
    void ownerInAnotherThreadGetsItsContinuationThere();
    void ownerDestroyedBeforeTheJobStartsMeansItNeverRuns();
    void ownerDestroyedWhileTheJobRunsCancelsIt();
    void ownerDestroyedAfterTheJobDropsTheContinuation();
    void failureGoesToOnFailedInTheOwnersThread();
    void failureWithoutOnFailedGoesToFailed();
    void continuationMayDestroyItsOwner();
    void badInputIsRejectedAtTheCall();
    void manyJobsWhoseOwnersDieMidwayAreAllAccountedFor();
    void submitThenContextDestroyedBeforeTheJobStartsMeansItNeverRuns();
    void submitThenContextDestroyedWhileTheJobRunsCancelsIt();
    void submitThenContextDestroyedAfterTheJobCancelsTheFuture();
};

void tst_Owner::continuationGetsTheValueInTheOwnersThread()
{
    Pool pool({.maxChildren = 2});
    QObject owner;
    int got = 0;
    QThread *where = nullptr;
    pool.submitFor(
            &owner, [](int a, int b) { return a * b; },
            [&](int value) {
                got = value;
                where = QThread::currentThread();
            },
            6, 7);
    QTRY_COMPARE_WITH_TIMEOUT(got, 42, kWaitMs);
    QCOMPARE(where, QThread::currentThread());
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(pool.completed(), quint64(1));
    QVERIFY(pool.done().isEmpty()); // the value went to the continuation only
}

void tst_Owner::voidJobCallsAContinuationWithoutArguments()
{
    Pool pool({.maxChildren = 1});
    QObject owner;
    std::atomic<int> ran{0};
    int continued = 0;
    pool.submitFor(
            &owner, [&ran] { ++ran; }, [&continued] { ++continued; });
    QTRY_COMPARE_WITH_TIMEOUT(continued, 1, kWaitMs);
    QCOMPARE(ran.load(), 1);
}

void tst_Owner::ownerInAnotherThreadGetsItsContinuationThere()
{
    Pool pool({.maxChildren = 1});
    QThread thread;
    thread.start();
    auto *owner = new QObject;
    owner->moveToThread(&thread);
    TestSupport::Semaphore continued(0);
    std::atomic<QThread *> where{nullptr};
    pool.submitFor(
            owner, [] { return 1; },
            [&](int) {
                where = QThread::currentThread();
                continued.release();
            });
    QVERIFY(continued.tryAcquire(1, kWaitMs));
    QCOMPARE(where.load(), &thread);
    QMetaObject::invokeMethod(
            owner, [owner] { delete owner; }, Qt::BlockingQueuedConnection);
    thread.quit();
    QVERIFY(thread.wait(kWaitMs));
}

void tst_Owner::ownerDestroyedBeforeTheJobStartsMeansItNeverRuns()
{
    Pool pool({.maxChildren = 1});
    Gate gate;
    pool.submit(gate.job());
    QVERIFY(gate.waitEntered());
    auto owner = std::make_unique<QObject>();
    std::atomic<int> ran{0};
    int continued = 0;
    pool.submitFor(
            owner.get(), [&ran] { return ++ran; }, [&continued](int) { ++continued; });
    owner.reset();
    gate.openAll();
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCoreApplication::processEvents();
    QCOMPARE(ran.load(), 0);
    QCOMPARE(continued, 0);
    QCOMPARE(pool.cancelled(), quint64(1));
}

void tst_Owner::ownerDestroyedWhileTheJobRunsCancelsIt()
{
    Pool pool({.maxChildren = 1});
    auto owner = std::make_unique<QObject>();
    TestSupport::Semaphore started(0);
    std::atomic<bool> sawCancel{false};
    int continued = 0;
    pool.submitFor(
            owner.get(),
            [&] {
                sawCancel = untilCancelled(started);
                return 1;
            },
            [&continued](int) { ++continued; });
    QVERIFY(started.tryAcquire(1, kWaitMs));
    owner.reset();
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCoreApplication::processEvents();
    QVERIFY(sawCancel.load());
    QCOMPARE(continued, 0);
    QCOMPARE(pool.cancelled(), quint64(1));
    QCOMPARE(pool.completed(), quint64(0));
}

void tst_Owner::ownerDestroyedAfterTheJobDropsTheContinuation()
{
    Pool pool({.maxChildren = 1});
    auto owner = std::make_unique<QObject>();
    int continued = 0;
    pool.submitFor(
            owner.get(), [] { return 1; }, [&continued](int) { ++continued; });
    QVERIFY(pool.waitIdle(waitDeadline())); // the continuation is posted, not yet run
    owner.reset();
    QCoreApplication::processEvents();
    QCOMPARE(continued, 0);
}

void tst_Owner::failureGoesToOnFailedInTheOwnersThread()
{
    Pool pool({.maxChildren = 1});
    QObject owner;
    QString message;
    QThread *where = nullptr;
    pool.submitFor(
            &owner, []() -> int { throw std::runtime_error("no image"); }, [](int) {},
            onFailed([&](const Failure &failure) {
                message = failure.message;
                where = QThread::currentThread();
            }));
    QTRY_COMPARE_WITH_TIMEOUT(message, QStringLiteral("no image"), kWaitMs);
    QCOMPARE(where, QThread::currentThread());
    QVERIFY(pool.failed().isEmpty());
    QCOMPARE(pool.completed(), quint64(1));
}

void tst_Owner::failureWithoutOnFailedGoesToFailed()
{
    Pool pool({.maxChildren = 1});
    QObject owner;
    pool.submitFor(
            &owner, [](int v) -> int { throw std::runtime_error(std::to_string(v)); }, [](int) {},
            9);
    QVERIFY(pool.waitIdle(waitDeadline()));
    const auto failure = pool.failed().tryTake();
    QVERIFY(failure.has_value());
    QCOMPARE(failure->message, QStringLiteral("9"));
}

void tst_Owner::continuationMayDestroyItsOwner()
{
    Pool pool({.maxChildren = 1});
    QPointer<QObject> owner = new QObject;
    QObject *raw = owner.data();
    pool.submitFor(
            raw, [] { return 3; }, [raw](int) { delete raw; });
    pool.submitFor(
            raw, [] { return 4; }, [raw](int) { delete raw; }); // never both
    QTRY_VERIFY_WITH_TIMEOUT(owner.isNull(), kWaitMs);
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCoreApplication::processEvents(); // the second continuation, if posted, is dropped
}

void tst_Owner::badInputIsRejectedAtTheCall()
{
    Pool pool({.maxChildren = 1});
    QObject owner;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             pool.submitFor(
                                     nullptr, [] { return 1; }, [](int) {}));
    int (*nullFn)() = nullptr;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.submitFor(&owner, nullFn, [](int) {}));
    std::function<void(int)> nullThen;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             pool.submitFor(
                                     &owner, [] { return 1; }, nullThen));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             pool.submitThen(
                                     nullptr, [] { return 1; }, [](int) {}));
    QCOMPARE(pool.submitted(), quint64(0)); // nothing was queued
}

void tst_Owner::manyJobsWhoseOwnersDieMidwayAreAllAccountedFor()
{
    // Owners destroyed while their jobs queue, run and post: every job ends exactly once,
    // a continuation runs only for a live owner.
    constexpr int kOwners = 50;
    constexpr int kJobsEach = 40;
    Pool pool({.maxChildren = 2});
    std::vector<std::unique_ptr<QObject>> owners;
    std::atomic<int> ran{0};
    int continued = 0;
    for (int o = 0; o < kOwners; ++o) {
        owners.push_back(std::make_unique<QObject>());
        for (int j = 0; j < kJobsEach; ++j)
            pool.submitFor(
                    owners.back().get(), [&ran] { return ++ran; },
                    [&continued](int) { ++continued; });
    }
    for (int o = 0; o < kOwners; o += 2) {
        owners[std::size_t(o)].reset();
        QCoreApplication::processEvents();
    }
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCoreApplication::processEvents();
    QCOMPARE(pool.completed() + pool.cancelled(), pool.submitted());
    QVERIFY(continued <= int(pool.completed()));
    QVERIFY(continued >= (kOwners / 2) * kJobsEach); // the live half got all of theirs
}

void tst_Owner::submitThenContextDestroyedBeforeTheJobStartsMeansItNeverRuns()
{
    Pool pool({.maxChildren = 1});
    Gate gate;
    pool.submit(gate.job());
    QVERIFY(gate.waitEntered());
    auto context = std::make_unique<QObject>();
    std::atomic<int> ran{0};
    auto future = pool.submitThen(
            context.get(), [&ran] { return ++ran; }, [](int) {});
    context.reset();
    gate.openAll();
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(ran.load(), 0);
    QCOMPARE(pool.cancelled(), quint64(1));
    QVERIFY(future.isFinished());
    QVERIFY(future.isCanceled());
}

void tst_Owner::submitThenContextDestroyedWhileTheJobRunsCancelsIt()
{
    Pool pool({.maxChildren = 1});
    auto context = std::make_unique<QObject>();
    TestSupport::Semaphore started(0);
    std::atomic<bool> sawCancel{false};
    auto future = pool.submitThen(
            context.get(),
            [&] {
                sawCancel = untilCancelled(started);
                return 1;
            },
            [](int) {});
    QVERIFY(started.tryAcquire(1, kWaitMs));
    context.reset();
    QVERIFY(pool.waitIdle(waitDeadline()));
    QVERIFY(sawCancel.load());
    QCOMPARE(pool.cancelled(), quint64(1));
    QVERIFY(future.isFinished());
    QVERIFY(future.isCanceled());
}

void tst_Owner::submitThenContextDestroyedAfterTheJobCancelsTheFuture()
{
    Pool pool({.maxChildren = 1});
    auto context = std::make_unique<QObject>();
    int continued = 0;
    auto future = pool.submitThen(
            context.get(), [] { return 1; }, [&continued](int v) { return continued += v; });
    QVERIFY(pool.waitIdle(waitDeadline())); // the continuation is posted, not yet run
    context.reset();
    QCoreApplication::processEvents();
    QCOMPARE(continued, 0);
    QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), kWaitMs);
    QVERIFY(future.isCanceled());
}

QTEST_GUILESS_MAIN(tst_Owner)
#include "tst_owner.moc"
