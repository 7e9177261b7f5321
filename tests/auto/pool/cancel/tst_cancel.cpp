#include <fastthreadpool/pool.h>

#include "blockedpool.h"
#include "threadstate.h"

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qlist.h>
#include <QtCore/qmutex.h>
#include <QtCore/qstringlist.h>
#include <QtTest/qtest.h>

#include <atomic>
#include <latch>
#include <memory>
#include <thread>
#include <vector>

using FastThreadPool::JobId;
using FastThreadPool::Pool;
using TestSupport::BlockedPool;

using TestSupport::kWaitMs;
using TestSupport::waitDeadline;

namespace {

// A waiting helper thread gives up after this long, so a failing test cannot hang forever.
constexpr int kSafetyMs = 30000;

} // namespace

class tst_Cancel : public QObject
{
    Q_OBJECT

private slots:
    void cancelPendingJobReturnsTrueAndJobNeverRuns();
    void cancelPendingJobDecrementsPending();
    void cancelPendingJobRemovesItFromJobs();
    void cancelRunningJobReturnsFalseAndDropsItsValue();
    void cancelFinishedJobReturnsFalse();
    void cancelIdZeroReturnsFalse();
    void cancelUnknownIdReturnsFalse();
    void cancelWorksWhateverResultId_data();
    void cancelWorksWhateverResultId();
    void cancelLeaveQueueChangesNothing();
    void cancelAllDropsPendingJobs();
    void cancelAllKeepsRunningJob();
    void poolWorksAfterCancelAll();
    void cancelHeadJob();
    void cancelReleasesCapturedResources();
    void waitIdleReturnsWhenLastPendingJobIsCancelled();
    void concurrentCancelOfSameIdSucceedsOnce();
};

void tst_Cancel::cancelPendingJobReturnsTrueAndJobNeverRuns()
{
    BlockedPool f;
    QVERIFY(f.block());
    std::atomic<bool> ran{false};
    const JobId id = f.pool.submit([&ran] { ran = true; });

    QVERIFY(f.pool.cancel(id));

    f.gate.open();
    QVERIFY(f.pool.waitIdle(waitDeadline()));
    QVERIFY(f.gate.finished());
    QVERIFY(!ran);
    QCOMPARE(f.pool.done().size(), 1); // only the blocker's result
}

void tst_Cancel::cancelPendingJobDecrementsPending()
{
    BlockedPool f;
    QVERIFY(f.block());
    const JobId id = f.pool.submit([] {});
    f.pool.submit([] {});
    const qint64 before = f.pool.pending();
    QCOMPARE(before, 3); // the running blocker and two waiting jobs

    QVERIFY(f.pool.cancel(id));

    QCOMPARE(f.pool.pending(), before - 1);
}

void tst_Cancel::cancelPendingJobRemovesItFromJobs()
{
    BlockedPool f;
    QVERIFY(f.block());
    const JobId first = f.pool.submit([] {});
    const JobId second = f.pool.submit([] {});
    const JobId third = f.pool.submit([] {});
    QCOMPARE(f.pool.jobs(), (QList<JobId>{first, second, third}));

    QVERIFY(f.pool.cancel(second));

    QCOMPARE(f.pool.jobs(), (QList<JobId>{first, third}));
}

void tst_Cancel::cancelRunningJobReturnsFalseAndDropsItsValue()
{
    BlockedPool f({.maxChildren = 1, .resultId = true});
    QVERIFY(f.block());

    QVERIFY(!f.pool.cancel(f.blockerId)); // not removed: asked to stop

    QCOMPARE(f.pool.pending(), 1); // still counted: it runs
    f.gate.open();
    QVERIFY(f.pool.waitIdle(waitDeadline()));
    QVERIFY(f.gate.finished());
    QVERIFY(!f.gate.timedOut());
    // It returned after the cancel reached it: cancelled, its value dropped.
    QVERIFY(f.pool.done().isEmpty());
    QCOMPARE(f.pool.cancelled(), quint64(1));
    QCOMPARE(f.pool.completed(), quint64(0));
}

void tst_Cancel::cancelFinishedJobReturnsFalse()
{
    Pool pool({.maxChildren = 1});
    std::atomic<int> runs{0};
    const JobId id = pool.submit([&runs] { ++runs; });
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(runs.load(), 1);

    QVERIFY(!pool.cancel(id));

    QCOMPARE(pool.pending(), 0);
    QCOMPARE(runs.load(), 1);
}

void tst_Cancel::cancelIdZeroReturnsFalse()
{
    BlockedPool f;
    QVERIFY(f.block());
    std::atomic<bool> ran{false};
    f.pool.submit([&ran] { ran = true; });
    const QList<JobId> jobsBefore = f.pool.jobs();

    QVERIFY(!f.pool.cancel(JobId(0)));

    QCOMPARE(f.pool.jobs(), jobsBefore);
    QCOMPARE(f.pool.pending(), 2);
    f.gate.open();
    QVERIFY(f.pool.waitIdle(waitDeadline()));
    QVERIFY(ran);
}

void tst_Cancel::cancelUnknownIdReturnsFalse()
{
    BlockedPool f;
    QVERIFY(f.block());
    std::atomic<bool> ran{false};
    const JobId last = f.pool.submit([&ran] { ran = true; });

    QVERIFY(!f.pool.cancel(JobId(1'000'000'000'000)));
    QVERIFY(!f.pool.cancel(last + 1)); // not handed out yet

    QCOMPARE(f.pool.jobs(), QList<JobId>{last});
    QCOMPARE(f.pool.pending(), 2);
    f.gate.open();
    QVERIFY(f.pool.waitIdle(waitDeadline()));
    QVERIFY(ran);
}

void tst_Cancel::cancelWorksWhateverResultId_data()
{
    QTest::addColumn<bool>("resultId");
    QTest::newRow("resultId=false") << false;
    QTest::newRow("resultId=true") << true;
}

void tst_Cancel::cancelWorksWhateverResultId()
{
    QFETCH(bool, resultId);
    BlockedPool f({.maxChildren = 1, .resultId = resultId});
    QVERIFY(f.block());
    std::atomic<bool> ran{false};
    const JobId id = f.pool.submit([&ran] { ran = true; });
    QVERIFY(id != 0);

    QVERIFY(f.pool.cancel(id));

    f.gate.open();
    QVERIFY(f.pool.waitIdle(waitDeadline()));
    QVERIFY(!ran);
    QCOMPARE(f.pool.doneCount().value(), 1); // the blocker's result only
}

void tst_Cancel::cancelLeaveQueueChangesNothing()
{
    BlockedPool f;
    QVERIFY(f.block());
    std::atomic<int> runs{0};
    f.pool.submit([&runs] { ++runs; });
    f.pool.submitFirst([&runs] { ++runs; });
    const QList<JobId> jobsBefore = f.pool.jobs();
    const qint64 pendingBefore = f.pool.pending();
    QCOMPARE(jobsBefore.size(), 2);

    QVERIFY(f.pool.cancel(FastThreadPool::LeaveQueue));

    QCOMPARE(f.pool.jobs(), jobsBefore);
    QCOMPARE(f.pool.pending(), pendingBefore);
    f.gate.open();
    QVERIFY(f.pool.waitIdle(waitDeadline()));
    QCOMPARE(runs.load(), 2);
}

void tst_Cancel::cancelAllDropsPendingJobs()
{
    BlockedPool f;
    QVERIFY(f.block());
    std::atomic<int> runs{0};
    constexpr int queued = 5;
    for (int i = 0; i < queued; ++i)
        f.pool.submit([&runs] { ++runs; });
    f.pool.submitFirst([&runs] { ++runs; });
    QCOMPARE(f.pool.jobs().size(), queued + 1);

    QVERIFY(f.pool.cancelAll());

    QVERIFY(f.pool.jobs().isEmpty());
    QCOMPARE(f.pool.pending(), 1); // the running blocker
    f.gate.open();
    QVERIFY(f.pool.waitIdle(waitDeadline()));
    QCOMPARE(runs.load(), 0);
    QCOMPARE(f.pool.pending(), 0);
}

void tst_Cancel::cancelAllKeepsRunningJob()
{
    BlockedPool f({.maxChildren = 1, .resultId = true});
    QVERIFY(f.block());
    f.pool.submit([] {});

    QVERIFY(f.pool.cancelAll());

    QVERIFY(!f.gate.finished());
    f.gate.open();
    QVERIFY(f.pool.waitIdle(waitDeadline()));
    QVERIFY(f.gate.finished());
    QVERIFY(!f.gate.timedOut());
    const auto result = f.pool.done().take(waitDeadline());
    QVERIFY(result);
    QCOMPARE(result->id, f.blockerId);
    QVERIFY(f.pool.done().isEmpty());
}

void tst_Cancel::poolWorksAfterCancelAll()
{
    BlockedPool f({.maxChildren = 1, .resultId = true});
    QVERIFY(f.block());
    for (int i = 0; i < 3; ++i)
        f.pool.submit([] {});
    QVERIFY(f.pool.cancelAll());
    f.gate.open();
    QVERIFY(f.pool.waitIdle(waitDeadline()));
    f.pool.done().takeAll();

    const JobId id = f.pool.submit([](int a, int b) { return a * b; }, 6, 7);

    QVERIFY(f.pool.waitIdle(waitDeadline()));
    const auto result = f.pool.done().take(waitDeadline());
    QVERIFY(result);
    QCOMPARE(result->id, id);
    QCOMPARE(result->value.toInt(), 42);
    QVERIFY(!f.pool.isShutdown());
}

void tst_Cancel::cancelHeadJob()
{
    BlockedPool f;
    QVERIFY(f.block());
    QMutex mutex;
    QStringList order;
    auto record = [&mutex, &order](const QString &name) {
        return [&mutex, &order, name] {
            QMutexLocker lock(&mutex);
            order.append(name);
        };
    };
    const JobId a = f.pool.submit(record(QStringLiteral("A")));
    const JobId b = f.pool.submitFirst(record(QStringLiteral("B")));
    const JobId c = f.pool.submitFirst(record(QStringLiteral("C")));
    QCOMPARE(f.pool.jobs(), (QList<JobId>{c, b, a}));

    QVERIFY(f.pool.cancel(b));

    QCOMPARE(f.pool.jobs(), (QList<JobId>{c, a}));
    QCOMPARE(f.pool.pending(), 3);
    f.gate.open();
    QVERIFY(f.pool.waitIdle(waitDeadline()));
    QMutexLocker lock(&mutex);
    QCOMPARE(order, (QStringList{QStringLiteral("C"), QStringLiteral("A")}));
}

void tst_Cancel::cancelReleasesCapturedResources()
{
    BlockedPool f;
    QVERIFY(f.block());
    auto resource = std::make_shared<int>(7);
    std::atomic<bool> ran{false};
    const JobId id = f.pool.submit([resource, &ran] { ran = (*resource == 7); });
    QVERIFY(resource.use_count() > 1); // the queued job holds a copy

    QVERIFY(f.pool.cancel(id));

    QCOMPARE(resource.use_count(), 1); // released at once, not when the queue reaches it
    f.gate.open();
    QVERIFY(f.pool.waitIdle(waitDeadline()));
    QVERIFY(!ran);
}

void tst_Cancel::waitIdleReturnsWhenLastPendingJobIsCancelled()
{
    BlockedPool f;
    QVERIFY(f.block());
    std::atomic<bool> ran{false};
    const JobId id = f.pool.submit([&ran] { ran = true; });
    // Stop the child after its current job: the queued one stays pending, nothing runs.
    f.pool.shutdownChildren();
    f.gate.open();
    QVERIFY(QTest::qWaitFor([&] { return f.pool.alive() == 0; }, kWaitMs));
    QCOMPARE(f.pool.pending(), 1);
    QVERIFY(!f.pool.waitIdle(QDeadlineTimer(0)));

    std::atomic<long> waiterTid{0};
    std::atomic<bool> idle{false};
    std::thread waiter([&] {
        waiterTid = TestSupport::currentTid();
        idle = f.pool.waitIdle(QDeadlineTimer(kSafetyMs));
    });
    QVERIFY(QTest::qWaitFor([&] { return waiterTid.load() != 0; }, kWaitMs));
    const bool waiterAsleep = TestSupport::waitUntilSleeping({waiterTid.load()});
    QElapsedTimer sinceCancel;
    sinceCancel.start();
    const bool cancelled = f.pool.cancel(id);
    waiter.join();
    const qint64 wokeAfterMs = sinceCancel.elapsed();

    QVERIFY(waiterAsleep);
    QVERIFY(cancelled);
    QVERIFY(idle);
    QVERIFY2(wokeAfterMs < kWaitMs / 2,
             qPrintable(
                     QStringLiteral("waitIdle returned %1 ms after the cancel").arg(wokeAfterMs)));
    QCOMPARE(f.pool.pending(), 0);
    QVERIFY(!ran);
}

void tst_Cancel::concurrentCancelOfSameIdSucceedsOnce()
{
    BlockedPool f;
    QVERIFY(f.block());
    constexpr int count = 300;
    std::atomic<int> runs{0};
    std::vector<JobId> ids;
    for (int i = 0; i < count; ++i)
        ids.push_back(f.pool.submit([&runs] { ++runs; }));

    std::vector<std::atomic<int>> successes(count);
    std::latch start(2);
    auto canceller = [&] {
        start.arrive_and_wait();
        for (int i = 0; i < count; ++i) {
            if (f.pool.cancel(ids[std::size_t(i)]))
                ++successes[std::size_t(i)];
        }
    };
    std::thread first(canceller);
    std::thread second(canceller);
    first.join();
    second.join();

    for (int i = 0; i < count; ++i)
        QCOMPARE(successes[std::size_t(i)].load(), 1);
    QVERIFY(f.pool.jobs().isEmpty());
    QCOMPARE(f.pool.pending(), 1);
    f.gate.open();
    QVERIFY(f.pool.waitIdle(waitDeadline()));
    QCOMPARE(runs.load(), 0);
}

QTEST_GUILESS_MAIN(tst_Cancel)
#include "tst_cancel.moc"
