// ThisJob: a running job learns its id and whether a cancel reached it. Sources tested:
// cancel(JobId) on a running job, shutdown(soon), shutdownAll(now); shutdownChildren() keeps
// Python's meaning (running jobs finish undisturbed).
#include <fastthreadpool/pool.h>
#include <fastthreadpool/thisjob.h>

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

QTEST_GUILESS_MAIN(tst_ThisJob)
#include "tst_thisjob.moc"
