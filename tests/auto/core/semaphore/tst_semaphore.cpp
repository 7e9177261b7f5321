#include <fastthreadpool/semaphore.h>

#include "testsupport.h"
#include "threadstate.h"

#include <QtCore/qthread.h>
#include <QtTest/qtest.h>

#include <atomic>
#include <climits>
#include <limits>
#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

using FastThreadPool::Semaphore;
using namespace std::chrono_literals;

class tst_Semaphore : public QObject
{
    Q_OBJECT

private slots:
    void negativeInitialValueThrows();
    void defaultValueIsOne();
    void acquireReturnsTrue();
    void nonBlockingAcquireOnZeroChangesNothing();
    void releaseAddsPermits();
    void releaseRejectsNegative();
    void releaseZeroDoesNothing();
    void releaseBeyondIntMaxThrows();
    void nWaitersWokenByNSingleReleases();
    void twoWaitersTwoReleasesEndAtZero();
    void valueNeverNegativeWithWaiters();
    void tryAcquireHonoursDeadline();
    void tryAcquireGetsLaterRelease();
    void timedOutWaiterLeavesNoDebt();
    void worksWithStandardGuards();
    void blockedAcquireWakesOnRelease();
    void concurrentAcquireReleaseKeepsCount();
    void debugOutput();
    void valueNeverNegativeWhileAnOverflowingReleaseIsRefused();
    void permitsOfARefusedReleaseAreNeverTaken();
    void tryAcquireForWithAHugeTimeoutWaits_data();
    void tryAcquireForWithAHugeTimeoutWaits();
    void tryAcquireForRejectsNaN();

private:
    static bool waitWithHugeTimeout(Semaphore &semaphore, int kind);
};

void tst_Semaphore::negativeInitialValueThrows()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Semaphore(-1));
}

void tst_Semaphore::defaultValueIsOne()
{
    Semaphore semaphore;
    QCOMPARE(semaphore.value(), 1);
}

void tst_Semaphore::acquireReturnsTrue()
{
    Semaphore semaphore(2);
    QVERIFY(semaphore.acquire());
    QVERIFY(semaphore.acquire(false));
    QCOMPARE(semaphore.value(), 0);
}

void tst_Semaphore::nonBlockingAcquireOnZeroChangesNothing()
{
    Semaphore semaphore(0);
    QVERIFY(!semaphore.acquire(false));
    QCOMPARE(semaphore.value(), 0);
    semaphore.release();
    QCOMPARE(semaphore.value(), 1);
    QVERIFY(semaphore.acquire(false));
    QVERIFY(!semaphore.acquire(false));
    QCOMPARE(semaphore.value(), 0);
}

void tst_Semaphore::releaseAddsPermits()
{
    Semaphore semaphore(0);
    semaphore.release(5);
    QCOMPARE(semaphore.value(), 5);
    for (int i = 0; i < 5; ++i)
        QVERIFY(semaphore.acquire(false));
    QCOMPARE(semaphore.value(), 0);
}

void tst_Semaphore::releaseRejectsNegative()
{
    Semaphore semaphore(3);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, semaphore.release(-1));
    QCOMPARE(semaphore.value(), 3);
}

void tst_Semaphore::releaseZeroDoesNothing()
{
    Semaphore semaphore(3);
    semaphore.release(0);
    QCOMPARE(semaphore.value(), 3);
}

void tst_Semaphore::releaseBeyondIntMaxThrows()
{
    Semaphore semaphore(INT_MAX - 1);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, semaphore.release(2));
    QCOMPARE(semaphore.value(), INT_MAX - 1);
}

void tst_Semaphore::nWaitersWokenByNSingleReleases()
{
    constexpr int kWaiters = 8;
    Semaphore semaphore(0);
    TestSupport::Semaphore woke;
    std::atomic<int> wokenCount{0};
    std::vector<long> tids(kWaiters);
    TestSupport::Semaphore started;
    std::vector<std::thread> threads;
    for (int i = 0; i < kWaiters; ++i) {
        threads.emplace_back([&, i] {
            tids[i] = TestSupport::currentTid();
            started.release();
            if (semaphore.acquire()) // no QVERIFY off the test thread
                wokenCount.fetch_add(1);
            woke.release();
        });
    }
    QVERIFY(started.tryAcquire(kWaiters, 10000));
    // Every waiter is asleep in the kernel: the futex path, not the spin, is under test.
    QVERIFY(TestSupport::waitUntilSleeping(QList<long>(tids.begin(), tids.end())));
    QCOMPARE(semaphore.value(), 0);
    for (int released = 1; released <= kWaiters; ++released) {
        semaphore.release(1);
        QVERIFY(woke.tryAcquire(1, 10000));
        // One release, one waiter: never more woken than permits released.
        QCOMPARE(wokenCount.load(), released);
    }
    for (auto &thread : threads)
        thread.join();
    QCOMPARE(semaphore.value(), 0);
}

void tst_Semaphore::twoWaitersTwoReleasesEndAtZero()
{
    Semaphore semaphore(0);
    TestSupport::Semaphore started;
    std::vector<long> tids(2);
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i)
        threads.emplace_back([&, i] {
            tids[i] = TestSupport::currentTid();
            started.release();
            semaphore.acquire();
        });
    QVERIFY(started.tryAcquire(2, 10000));
    QVERIFY(TestSupport::waitUntilSleeping(QList<long>(tids.begin(), tids.end())));
    semaphore.release();
    semaphore.release();
    for (auto &thread : threads)
        thread.join();
    QCOMPARE(semaphore.value(), 0);
}

void tst_Semaphore::valueNeverNegativeWithWaiters()
{
    Semaphore semaphore(0);
    TestSupport::Semaphore started;
    long tid = 0;
    std::thread waiter([&] {
        tid = TestSupport::currentTid();
        started.release();
        semaphore.acquire();
    });
    QVERIFY(started.tryAcquire(1, 10000));
    QVERIFY(TestSupport::waitUntilSleeping({tid}));
    QCOMPARE(semaphore.value(), 0);
    semaphore.release();
    waiter.join();
    QCOMPARE(semaphore.value(), 0);
}

void tst_Semaphore::tryAcquireHonoursDeadline()
{
    Semaphore semaphore(0);
    const auto start = std::chrono::steady_clock::now();
    QVERIFY(!semaphore.tryAcquire(QDeadlineTimer(100ms, Qt::PreciseTimer)));
    const auto waited = std::chrono::steady_clock::now() - start;
    QVERIFY(waited >= 100ms);
    QVERIFY2(waited < 1s, "the deadline was overshot by far");
    QVERIFY(!semaphore.tryAcquireFor(20ms));
    QCOMPARE(semaphore.value(), 0);
}

void tst_Semaphore::tryAcquireGetsLaterRelease()
{
    Semaphore semaphore(0);
    std::thread releaser([&] { semaphore.release(); });
    QVERIFY(semaphore.tryAcquire(QDeadlineTimer(10s)));
    releaser.join();
    QCOMPARE(semaphore.value(), 0);
}

void tst_Semaphore::timedOutWaiterLeavesNoDebt()
{
    Semaphore semaphore(0);
    QVERIFY(!semaphore.tryAcquireFor(30ms));
    // The timed-out waiter withdrew: a later permit stays available.
    semaphore.release();
    QCOMPARE(semaphore.value(), 1);
    QVERIFY(semaphore.acquire(false));
}

void tst_Semaphore::worksWithStandardGuards()
{
    Semaphore semaphore(1);
    {
        std::lock_guard guard(semaphore);
        QCOMPARE(semaphore.value(), 0);
        QVERIFY(!semaphore.try_lock());
    }
    QCOMPARE(semaphore.value(), 1);
    Semaphore other(1);
    {
        std::scoped_lock both(semaphore, other);
        QCOMPARE(semaphore.value(), 0);
        QCOMPARE(other.value(), 0);
    }
    QCOMPARE(semaphore.value(), 1);
    QCOMPARE(other.value(), 1);
}

void tst_Semaphore::blockedAcquireWakesOnRelease()
{
    Semaphore semaphore(0);
    std::atomic<bool> acquired{false};
    long tid = 0;
    TestSupport::Semaphore started;
    std::thread waiter([&] {
        tid = TestSupport::currentTid();
        started.release();
        semaphore.acquire();
        acquired = true;
    });
    QVERIFY(started.tryAcquire(1, 10000));
    QVERIFY(TestSupport::waitUntilSleeping({tid}));
    QVERIFY(!acquired.load());
    semaphore.release();
    waiter.join();
    QVERIFY(acquired.load());
}

void tst_Semaphore::concurrentAcquireReleaseKeepsCount()
{
    // Producers release, consumers acquire (blocking, non-blocking and timed): every
    // permit released is taken exactly once and the value ends where it started.
    constexpr int kPerThread = 20000;
    Semaphore semaphore(0);
    std::atomic<int> taken{0};
    std::vector<std::thread> threads;
    for (int p = 0; p < 2; ++p)
        threads.emplace_back([&] {
            for (int i = 0; i < kPerThread; ++i)
                semaphore.release();
        });
    for (int c = 0; c < 2; ++c)
        threads.emplace_back([&, c] {
            for (int i = 0; i < kPerThread; ++i) {
                if (c == 0) {
                    semaphore.acquire();
                } else {
                    while (!semaphore.acquire(false) && !semaphore.tryAcquireFor(1ms)) { }
                }
                taken.fetch_add(1);
            }
        });
    for (auto &thread : threads)
        thread.join();
    QCOMPARE(taken.load(), 2 * kPerThread);
    QCOMPARE(semaphore.value(), 0);
}

void tst_Semaphore::debugOutput()
{
    Semaphore semaphore(3);
    QString text;
    QDebug(&text) << semaphore;
    QCOMPARE(text, QStringLiteral("FastThreadPool::Semaphore(value=3) "));
}

void tst_Semaphore::valueNeverNegativeWhileAnOverflowingReleaseIsRefused()
{
    Semaphore semaphore(2);
    std::atomic<bool> stop{false};
    std::atomic<int> lowest{INT_MAX};
    std::thread reader([&] {
        while (!stop.load()) {
            const int v = semaphore.value();
            int seen = lowest.load();
            while (v < seen && !lowest.compare_exchange_weak(seen, v)) { }
        }
    });
    for (int i = 0; i < 200000; ++i) {
        try {
            semaphore.release(INT_MAX);
        } catch (const std::invalid_argument &) { }
    }
    stop = true;
    reader.join();
    QVERIFY2(lowest.load() >= 0, qPrintable(QString::number(lowest.load())));
    QCOMPARE(semaphore.value(), 2);
}

void tst_Semaphore::permitsOfARefusedReleaseAreNeverTaken()
{
    // Three permits, two takers that each hold at most one: at least one is always there,
    // so every release(INT_MAX) overflows and must throw having added nothing. Had another
    // thread seen its permits meanwhile, a taker giving its own back would overflow too.
    Semaphore semaphore(3);
    std::atomic<bool> stop{false};
    std::atomic<int> refusedReleases{0};
    auto taker = [&] {
        while (!stop.load()) {
            if (!semaphore.acquire(false))
                continue;
            try {
                semaphore.release();
            } catch (const std::invalid_argument &) {
                refusedReleases.fetch_add(1);
            }
        }
    };
    std::thread first(taker);
    std::thread second(taker);
    int overflows = 0;
    for (int i = 0; i < 200000; ++i) {
        try {
            semaphore.release(INT_MAX);
        } catch (const std::invalid_argument &) {
            ++overflows;
        }
    }
    stop = true;
    first.join();
    second.join();
    QCOMPARE(overflows, 200000);
    QCOMPARE(refusedReleases.load(), 0);
    QCOMPARE(semaphore.value(), 3);
}

void tst_Semaphore::tryAcquireForWithAHugeTimeoutWaits_data()
{
    QTest::addColumn<int>("kind");
    QTest::newRow("nanoseconds::max") << 0;
    QTest::newRow("milliseconds::max") << 1;
    QTest::newRow("hours::max") << 2;
    QTest::newRow("years(300)") << 3;
    QTest::newRow("duration<double> infinity") << 4;
    QTest::newRow("1e10 sevenths of a second") << 5;
}

void tst_Semaphore::tryAcquireForWithAHugeTimeoutWaits()
{
    // Such a timeout means "as long as it takes": it waits for the release instead of
    // overflowing into the past and failing at once.
    QFETCH(int, kind);
    Semaphore semaphore(0);
    std::atomic<long> waiterTid{0};
    std::atomic<bool> acquired{false};
    std::thread waiter([&] {
        waiterTid = TestSupport::currentTid();
        acquired = waitWithHugeTimeout(semaphore, kind);
    });
    // Released only once the waiter sleeps: a timeout that overflowed would have failed it.
    QVERIFY(QTest::qWaitFor([&] { return waiterTid.load() != 0; }, TestSupport::kWaitMs));
    const bool slept = TestSupport::waitUntilSleeping({waiterTid.load()});
    semaphore.release();
    waiter.join();
    QVERIFY(slept);
    QVERIFY(acquired);
}

bool tst_Semaphore::waitWithHugeTimeout(Semaphore &semaphore, int kind)
{
    bool acquired = false;
    switch (kind) {
    case 0:
        acquired = semaphore.tryAcquireFor(std::chrono::nanoseconds::max());
        break;
    case 1:
        acquired = semaphore.tryAcquireFor(std::chrono::milliseconds::max());
        break;
    case 2:
        acquired = semaphore.tryAcquireFor(std::chrono::hours::max());
        break;
    case 3:
        acquired = semaphore.tryAcquireFor(std::chrono::years(300));
        break;
    case 4:
        acquired = semaphore.tryAcquireFor(
                std::chrono::duration<double>(std::numeric_limits<double>::infinity()));
        break;
    default: // 45 years, but 1e10 * 1e9 overflows on the way (a cast multiplies first)
        acquired = semaphore.tryAcquireFor(
                std::chrono::duration<std::int64_t, std::ratio<1, 7>>(10'000'000'000));
        break;
    }
    return acquired;
}

void tst_Semaphore::tryAcquireForRejectsNaN()
{
    Semaphore semaphore(1);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             (void)semaphore.tryAcquireFor(std::chrono::duration<double>(
                                     std::numeric_limits<double>::quiet_NaN())));
    QCOMPARE(semaphore.value(), 1);
}

QTEST_GUILESS_MAIN(tst_Semaphore)
#include "tst_semaphore.moc"
