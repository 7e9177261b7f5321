// ThisJob: a running job learns its id and whether a cancel reached it. Sources tested:
// cancel(JobId) on a running job, cancelAll(CancelRunning::Yes), shutdown(soon),
// shutdownAll(now), QFuture::cancel() of a submitFuture job; shutdownChildren() and the
// default cancelAll() keep Python's meaning (running jobs finish undisturbed). A job a
// cancel reached ends cancelled: its value or exception is dropped, it counts in
// cancelled(), not in completed().
#include <fastthreadpool/pool.h>
#include <fastthreadpool/thisjob.h>

#include <QtCore/qfuturewatcher.h>
#include <QtTest/qsignalspy.h>

#include "testsupport.h"

#include <QtCore/qelapsedtimer.h>
#include <QtTest/qtest.h>

#include <atomic>
#include <chrono>

using namespace std::chrono_literals;
using namespace FastThreadPool;
using TestSupport::Gate;
using TestSupport::kWaitMs;
using TestSupport::waitDeadline;

namespace {

enum class Seen { Nothing, Cancelled, TimedOut };

//! A job that runs until a cancel reaches it (or kWaitMs, which fails the test).
struct UntilCancelled
{
    TestSupport::Semaphore *started;
    std::atomic<Seen> *seen;
    int operator()() const
    {
        started->release();
        QElapsedTimer clock;
        clock.start();
        while (!ThisJob::isCancelled()) {
            if (clock.hasExpired(kWaitMs)) {
                *seen = Seen::TimedOut;
                return -1;
            }
        }
        *seen = Seen::Cancelled;
        return 42;
    }
};

//! Runs until a cancel reaches it, then stops through checkCancelled().
struct CheckUntilCancelled
{
    TestSupport::Semaphore *started;
    int operator()() const
    {
        started->release();
        const QDeadlineTimer deadline(kWaitMs);
        while (!deadline.hasExpired())
            ThisJob::checkCancelled();
        return -1; // not cancelled in time: a value the test sees
    }
};

//! Every entry the pool holds now, to show that a cancelled job left none.
bool queuesEmpty(Pool &pool) { return pool.done().isEmpty() && pool.failed().isEmpty(); }

} // namespace

class tst_ThisJob : public QObject
{
    Q_OBJECT

private slots:
    void outsideAJobThereIsNoJob();
    void idIsTheIdSubmitReturned();
    void cancelReachesARunningJob();
    void aJobNobodyCancelledKeepsItsValue();
    void soonShutdownReachesRunningJobs();
    void shutdownAllNowReachesRunningJobs();
    void shutdownChildrenLetsRunningJobsFinish();

    // The cancelled outcome.
    void checkCancelledOutsideAJobReturns();
    void aJobReturningAfterACancelIsCancelledNotDone();
    void checkCancelledEndsTheJobCancelledNotFailed();
    void anExceptionAfterACancelIsNotAFailure();
    void aDoneCallbackIsNotCalledForACancelledJob();
    void aDiscardingPoolCountsACancelledJobCancelled();
    void defaultCancelAllLetsRunningJobsFinish();
    void cancelAllCancelRunningReachesRunningJobs();
    void completedAndCancelledAddUpToSubmitted();
    void cancelledChangedIsEmitted();

    // submitFuture jobs.
    void futureCancelReachesTheRunningJob();
    void poolCancelOfAFutureJobCancelsItsFuture();
    void checkCancelledInAFutureJobCancelsItsFuture();
    void jobCancelledIsEmittedForARunningJobACancelReached();

    // Progress.
    void progressReachesJobProgressLatestLast();
    void setProgressRejectsValuesOutOfRange();
    void setProgressOutsideAJobDoesNothing();
    void futureJobProgressReachesItsFuture();

    // Suspend.
    void suspendHoldsQueuedJobsUntilResume();
    void suspendIfRequestedBlocksUntilResume();
    void suspendIfRequestedReturnsOnCancel();
    void shutdownResumesASuspendedPool();
    void aStoppedPoolCannotBeSuspended();
    void suspendedChangedIsEmitted();
    void suspendedFutureHoldsItsJob();
};

void tst_ThisJob::outsideAJobThereIsNoJob()
{
    QCOMPARE(ThisJob::id(), JobId(0));
    QVERIFY(!ThisJob::isCancelled());
}

void tst_ThisJob::idIsTheIdSubmitReturned()
{
    Pool pool;
    const JobId id = pool.submit([] { return ThisJob::id(); });
    QVERIFY(pool.waitIdle(waitDeadline()));
    const auto result = pool.done().tryTake();
    QVERIFY(result.has_value());
    QCOMPARE(result->value.value<JobId>(), id);
}

void tst_ThisJob::cancelReachesARunningJob()
{
    Pool pool({.maxChildren = 1});
    TestSupport::Semaphore started(0);
    std::atomic<Seen> seen{Seen::Nothing};
    const JobId id = pool.submit(UntilCancelled{&started, &seen});
    QVERIFY(started.tryAcquire(1, kWaitMs));
    QVERIFY(!pool.cancel(id)); // running: not removed, asked to stop
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(seen.load(), Seen::Cancelled);
    QVERIFY(!pool.cancel(id)); // ended: nothing to do
}

void tst_ThisJob::aJobNobodyCancelledKeepsItsValue()
{
    Pool pool({.maxChildren = 1});
    pool.submit([] { return ThisJob::isCancelled() ? -1 : 7; });
    QVERIFY(pool.waitIdle(waitDeadline()));
    const auto result = pool.done().tryTake();
    QVERIFY(result.has_value());
    QCOMPARE(result->value.toInt(), 7);
}

void tst_ThisJob::soonShutdownReachesRunningJobs()
{
    Pool pool({.maxChildren = 2});
    TestSupport::Semaphore started(0);
    std::atomic<Seen> first{Seen::Nothing};
    std::atomic<Seen> second{Seen::Nothing};
    pool.submit(UntilCancelled{&started, &first});
    pool.submit(UntilCancelled{&started, &second});
    QVERIFY(started.tryAcquire(2, kWaitMs));
    QVERIFY(pool.shutdown(waitDeadline(), true));
    QCOMPARE(first.load(), Seen::Cancelled);
    QCOMPARE(second.load(), Seen::Cancelled);
}

void tst_ThisJob::shutdownAllNowReachesRunningJobs()
{
    Pool pool({.maxChildren = 1});
    TestSupport::Semaphore started(0);
    std::atomic<Seen> seen{Seen::Nothing};
    pool.submit(UntilCancelled{&started, &seen});
    QVERIFY(started.tryAcquire(1, kWaitMs));
    QVERIFY(shutdownAll(true));
    QCOMPARE(seen.load(), Seen::Cancelled);
}

void tst_ThisJob::shutdownChildrenLetsRunningJobsFinish()
{
    Pool pool({.maxChildren = 1});
    Gate gate;
    pool.submit([&] {
        gate.pass();
        return ThisJob::isCancelled() ? -1 : 5;
    });
    QVERIFY(gate.waitEntered());
    pool.shutdownChildren();
    gate.openAll();
    QVERIFY(pool.join(waitDeadline()));
    const auto result = pool.done().tryTake();
    QVERIFY(result.has_value());
    QCOMPARE(result->value.toInt(), 5);
}

void tst_ThisJob::checkCancelledOutsideAJobReturns()
{
    ThisJob::checkCancelled(); // no job: nothing to throw
    QVERIFY(!ThisJob::isCancelled());
}

void tst_ThisJob::aJobReturningAfterACancelIsCancelledNotDone()
{
    Pool pool({.maxChildren = 1});
    TestSupport::Semaphore started(0);
    std::atomic<Seen> seen{Seen::Nothing};
    const JobId id = pool.submit(UntilCancelled{&started, &seen});
    QVERIFY(started.tryAcquire(1, kWaitMs));
    QVERIFY(!pool.cancel(id));
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(seen.load(), Seen::Cancelled);
    QVERIFY(queuesEmpty(pool)); // its value (42) was dropped
    QCOMPARE(pool.cancelled(), quint64(1));
    QCOMPARE(pool.completed(), quint64(0));
    QCOMPARE(pool.submitted(), quint64(1));
}

void tst_ThisJob::checkCancelledEndsTheJobCancelledNotFailed()
{
    Pool pool({.maxChildren = 1});
    TestSupport::Semaphore started(0);
    const JobId id = pool.submit(CheckUntilCancelled{&started});
    QVERIFY(started.tryAcquire(1, kWaitMs));
    QVERIFY(!pool.cancel(id));
    QVERIFY(pool.waitIdle(waitDeadline()));
    QVERIFY(queuesEmpty(pool)); // JobCancelled is no failure, and there is no value
    QCOMPARE(pool.cancelled(), quint64(1));
    QCOMPARE(pool.completed(), quint64(0));
}

void tst_ThisJob::anExceptionAfterACancelIsNotAFailure()
{
    Pool pool({.maxChildren = 1});
    TestSupport::Semaphore started(0);
    std::atomic<Seen> seen{Seen::Nothing};
    const JobId id = pool.submit([&] {
        UntilCancelled{&started, &seen}();
        throw std::runtime_error("cleaning up after the cancel failed");
    });
    QVERIFY(started.tryAcquire(1, kWaitMs));
    QVERIFY(!pool.cancel(id));
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(seen.load(), Seen::Cancelled);
    QVERIFY(queuesEmpty(pool));
    QCOMPARE(pool.cancelled(), quint64(1));
}

void tst_ThisJob::aDoneCallbackIsNotCalledForACancelledJob()
{
    Pool pool({.maxChildren = 1});
    TestSupport::Semaphore started(0);
    std::atomic<Seen> seen{Seen::Nothing};
    std::atomic<int> calls{0};
    const JobId id = pool.submitDone(UntilCancelled{&started, &seen}, [&calls](int) { ++calls; });
    QVERIFY(started.tryAcquire(1, kWaitMs));
    QVERIFY(!pool.cancel(id));
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(seen.load(), Seen::Cancelled);
    QCOMPARE(calls.load(), 0);
    QCOMPARE(pool.cancelled(), quint64(1));
}

void tst_ThisJob::aDiscardingPoolCountsACancelledJobCancelled()
{
    Pool pool({.maxChildren = 1, .doneCallback = false});
    TestSupport::Semaphore started(0);
    std::atomic<Seen> seen{Seen::Nothing};
    const JobId id = pool.submit(UntilCancelled{&started, &seen});
    pool.submit([] { return 1; });
    QVERIFY(started.tryAcquire(1, kWaitMs));
    QVERIFY(!pool.cancel(id));
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(pool.cancelled(), quint64(1));
    QCOMPARE(pool.completed(), quint64(1));
}

void tst_ThisJob::defaultCancelAllLetsRunningJobsFinish()
{
    Pool pool({.maxChildren = 1});
    Gate gate;
    pool.submit([&] {
        gate.pass();
        return ThisJob::isCancelled() ? -1 : 5;
    });
    QVERIFY(gate.waitEntered());
    QVERIFY(pool.cancelAll());
    gate.openAll();
    QVERIFY(pool.waitIdle(waitDeadline()));
    const auto result = pool.done().tryTake();
    QVERIFY(result.has_value());
    QCOMPARE(result->value.toInt(), 5);
    QCOMPARE(pool.completed(), quint64(1));
}

void tst_ThisJob::cancelAllCancelRunningReachesRunningJobs()
{
    Pool pool({.maxChildren = 2});
    TestSupport::Semaphore started(0);
    std::atomic<Seen> first{Seen::Nothing};
    std::atomic<Seen> second{Seen::Nothing};
    pool.submit(UntilCancelled{&started, &first});
    pool.submit(UntilCancelled{&started, &second});
    QVERIFY(started.tryAcquire(2, kWaitMs));
    pool.submit([] { return 3; }); // queued: removed
    QVERIFY(pool.cancelAll(CancelRunning::Yes));
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(first.load(), Seen::Cancelled);
    QCOMPARE(second.load(), Seen::Cancelled);
    QVERIFY(queuesEmpty(pool));
    QCOMPARE(pool.cancelled(), quint64(3));
}

void tst_ThisJob::completedAndCancelledAddUpToSubmitted()
{
    // Done, failed, cancelled while queued, cancelled while running, a map's items.
    Pool pool({.maxChildren = 1});
    TestSupport::Semaphore started(0);
    std::atomic<Seen> seen{Seen::Nothing};
    const JobId running = pool.submit(UntilCancelled{&started, &seen});
    QVERIFY(started.tryAcquire(1, kWaitMs));
    pool.submit([] { return 1; });
    pool.submit(TestSupport::failWith, 2);
    const JobId queued = pool.submit([] { return 3; });
    pool.map([](int v) { return v; }, std::vector<int>{1, 2, 3, 4}, PoolDone, false);
    QVERIFY(pool.cancel(queued));
    QVERIFY(!pool.cancel(running));
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(pool.submitted(), quint64(8));
    QCOMPARE(pool.cancelled(), quint64(2));
    QCOMPARE(pool.completed(), quint64(6));
    QCOMPARE(pool.done().size(), 5);
    QCOMPARE(pool.failed().size(), 1);
}

void tst_ThisJob::cancelledChangedIsEmitted()
{
    Pool pool({.maxChildren = 1});
    QSignalSpy spy(&pool, &Pool::cancelledChanged);
    Gate gate;
    pool.submit(gate.job());
    QVERIFY(gate.waitEntered());
    QVERIFY(pool.cancel(pool.submit([] {})));
    gate.openAll();
    QVERIFY(pool.waitIdle(waitDeadline()));
    QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty(), kWaitMs);
    QCOMPARE(spy.last().at(0).value<quint64>(), quint64(1));
}

void tst_ThisJob::futureCancelReachesTheRunningJob()
{
    Pool pool({.maxChildren = 1});
    TestSupport::Semaphore started(0);
    std::atomic<Seen> seen{Seen::Nothing};
    QFuture<int> future = pool.submitFuture(UntilCancelled{&started, &seen});
    QVERIFY(started.tryAcquire(1, kWaitMs));
    future.cancel();
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(seen.load(), Seen::Cancelled);
    QVERIFY(future.isCanceled());
    QCOMPARE(future.resultCount(), 0);
    QCOMPARE(pool.cancelled(), quint64(1));
}

void tst_ThisJob::poolCancelOfAFutureJobCancelsItsFuture()
{
    Pool pool({.maxChildren = 1});
    TestSupport::Semaphore started(0);
    std::atomic<Seen> seen{Seen::Nothing};
    QFuture<int> future = pool.submitFuture(UntilCancelled{&started, &seen});
    QVERIFY(started.tryAcquire(1, kWaitMs));
    QVERIFY(pool.cancelAll(CancelRunning::Yes));
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(seen.load(), Seen::Cancelled);
    QVERIFY(future.isFinished());
    QVERIFY(future.isCanceled());
    QCOMPARE(future.resultCount(), 0);
}

void tst_ThisJob::checkCancelledInAFutureJobCancelsItsFuture()
{
    Pool pool({.maxChildren = 1});
    TestSupport::Semaphore started(0);
    QFuture<int> future = pool.submitFuture(CheckUntilCancelled{&started});
    QVERIFY(started.tryAcquire(1, kWaitMs));
    future.cancel();
    QVERIFY(pool.waitIdle(waitDeadline()));
    QVERIFY(future.isCanceled());
    QCOMPARE(future.resultCount(), 0);
    QCOMPARE(pool.cancelled(), quint64(1));
}

void tst_ThisJob::jobCancelledIsEmittedForARunningJobACancelReached()
{
    Pool pool({.maxChildren = 1});
    QSignalSpy spy(&pool, &Pool::jobCancelled);
    TestSupport::Semaphore started(0);
    std::atomic<Seen> seen{Seen::Nothing};
    const JobId id = pool.submit(UntilCancelled{&started, &seen});
    QVERIFY(started.tryAcquire(1, kWaitMs));
    QVERIFY(!pool.cancel(id));
    QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, kWaitMs);
    QCOMPARE(spy.at(0).at(0).value<JobId>(), id);
}

void tst_ThisJob::progressReachesJobProgressLatestLast()
{
    Pool pool({.maxChildren = 2});
    QHash<JobId, QList<int>> seen;
    QString lastText;
    connect(&pool, &Pool::jobProgress, this,
            [&](JobId id, int value, int maximum, const QString &text) {
                QCOMPARE(maximum, 1000);
                seen[id].append(value);
                lastText = text;
            });
    auto reporter = [] {
        for (int i = 0; i <= 1000; ++i)
            ThisJob::setProgress(i, 1000, i == 1000 ? QStringLiteral("done") : QString());
    };
    const JobId first = pool.submit(reporter);
    const JobId second = pool.submit(reporter);
    QVERIFY(pool.waitIdle(waitDeadline()));
    QTRY_VERIFY_WITH_TIMEOUT(seen.value(first).value(seen.value(first).size() - 1, -1) == 1000
                                     && seen.value(second).value(seen.value(second).size() - 1, -1)
                                             == 1000,
                             kWaitMs);
    for (JobId id : {first, second}) {
        const QList<int> values = seen.value(id);
        QVERIFY(std::is_sorted(values.begin(), values.end())); // latest wins, never older
        QVERIFY2(values.size() < 1001, "coalesced"); // 1001 reports would take 16 s
    }
    QCOMPARE(lastText, QStringLiteral("done"));
}

void tst_ThisJob::setProgressRejectsValuesOutOfRange()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ThisJob::setProgress(5, 2));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ThisJob::setProgress(-1, 2));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ThisJob::setProgress(0, 0));
    Pool pool({.maxChildren = 1});
    pool.submit([] { ThisJob::setProgress(3, -1); });
    QVERIFY(pool.waitIdle(waitDeadline()));
    const auto failure = pool.failed().tryTake();
    QVERIFY(failure.has_value());
    QVERIFY2(failure->message.contains(QLatin1String("0..maximum")), qPrintable(failure->message));
}

void tst_ThisJob::setProgressOutsideAJobDoesNothing()
{
    ThisJob::setProgress(1, 2, QStringLiteral("not in a job"));
    ThisJob::suspendIfRequested();
    QCOMPARE(ThisJob::id(), JobId(0));
}

void tst_ThisJob::futureJobProgressReachesItsFuture()
{
    Pool pool({.maxChildren = 1});
    QFuture<int> future = pool.submitFuture([] {
        ThisJob::setProgress(30, 60, QStringLiteral("half"));
        return 1;
    });
    QFutureWatcher<int> watcher;
    QSignalSpy values(&watcher, &QFutureWatcher<int>::progressValueChanged);
    watcher.setFuture(future);
    QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), kWaitMs);
    QCOMPARE(future.progressMaximum(), 60);
    QCOMPARE(future.progressValue(), 30);
    QCOMPARE(future.progressText(), QStringLiteral("half"));
    QTRY_VERIFY_WITH_TIMEOUT(!values.isEmpty(), kWaitMs);
}

void tst_ThisJob::suspendHoldsQueuedJobsUntilResume()
{
    Pool pool({.maxChildren = 2});
    pool.submit([] {}); // children exist and sleep
    QVERIFY(pool.waitIdle(waitDeadline()));
    QVERIFY(pool.suspend());
    QVERIFY(pool.isSuspended());
    QVERIFY(!pool.suspend()); // already
    std::atomic<int> ran{0};
    for (int i = 0; i < 4; ++i)
        pool.submit([&ran] { ++ran; });
    // Absence over a short window: it can only fail if a job starts while suspended.
    QVERIFY(!pool.waitIdle(QDeadlineTimer(50)));
    QCOMPARE(ran.load(), 0);
    QCOMPARE(pool.jobs().size(), 4);
    QVERIFY(pool.resume());
    QVERIFY(!pool.resume());
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(ran.load(), 4);
}

void tst_ThisJob::suspendIfRequestedBlocksUntilResume()
{
    Pool pool({.maxChildren = 1});
    Gate gate;
    TestSupport::Semaphore after(0);
    pool.submit([&] {
        gate.pass();
        ThisJob::suspendIfRequested();
        after.release();
    });
    QVERIFY(gate.waitEntered());
    QVERIFY(pool.suspend());
    gate.openAll();
    QVERIFY(!after.tryAcquire(1, 50)); // held at its suspend point
    QVERIFY(pool.resume());
    QVERIFY(after.tryAcquire(1, kWaitMs));
    QVERIFY(pool.waitIdle(waitDeadline()));
}

void tst_ThisJob::suspendIfRequestedReturnsOnCancel()
{
    Pool pool({.maxChildren = 1});
    Gate gate;
    TestSupport::Semaphore after(0);
    std::atomic<bool> cancelled{false};
    const JobId id = pool.submit([&] {
        gate.pass();
        ThisJob::suspendIfRequested();
        cancelled = ThisJob::isCancelled();
        after.release();
    });
    QVERIFY(gate.waitEntered());
    QVERIFY(pool.suspend());
    gate.openAll();
    QVERIFY(!after.tryAcquire(1, 50));
    QVERIFY(!pool.cancel(id));
    QVERIFY(after.tryAcquire(1, kWaitMs)); // the cancel woke it, the pool stays suspended
    QVERIFY(cancelled.load());
    QVERIFY(pool.isSuspended());
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(pool.cancelled(), quint64(1));
}

void tst_ThisJob::shutdownResumesASuspendedPool()
{
    Pool pool({.maxChildren = 1});
    QVERIFY(pool.suspend());
    std::atomic<int> ran{0};
    for (int i = 0; i < 3; ++i)
        pool.submit([&ran] { ++ran; });
    QVERIFY(pool.shutdown(waitDeadline())); // graceful: the queued jobs run
    QCOMPARE(ran.load(), 3);
    QVERIFY(!pool.isSuspended());
}

void tst_ThisJob::aStoppedPoolCannotBeSuspended()
{
    Pool pool({.maxChildren = 1});
    pool.shutdownChildren();
    QVERIFY(!pool.suspend());
    QVERIFY(!pool.isSuspended());
    pool.clear();
    QVERIFY(pool.suspend()); // usable again
    QVERIFY(pool.resume());
}

void tst_ThisJob::suspendedChangedIsEmitted()
{
    Pool pool({.maxChildren = 1});
    QSignalSpy spy(&pool, &Pool::suspendedChanged);
    QVERIFY(pool.suspend());
    QVERIFY(pool.resume());
    QVERIFY(pool.suspend());
    pool.shutdownChildren(); // a stop resumes: announced from the event loop
    QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 4, kWaitMs);
    QCOMPARE(spy.at(0).at(0).toBool(), true);
    QCOMPARE(spy.at(1).at(0).toBool(), false);
    QCOMPARE(spy.at(3).at(0).toBool(), false);
}

void tst_ThisJob::suspendedFutureHoldsItsJob()
{
    Pool pool({.maxChildren = 1});
    Gate gate;
    TestSupport::Semaphore after(0);
    QFuture<void> future = pool.submitFuture([&] {
        gate.pass();
        ThisJob::suspendIfRequested();
        after.release();
    });
    QVERIFY(gate.waitEntered());
    future.suspend();
    gate.openAll();
    QVERIFY(!after.tryAcquire(1, 50));
    future.resume();
    QVERIFY(after.tryAcquire(1, kWaitMs));
    QVERIFY(pool.waitIdle(waitDeadline()));
}

QTEST_GUILESS_MAIN(tst_ThisJob)
#include "tst_thisjob.moc"
