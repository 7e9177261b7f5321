// Pool::map(): every item once, direct threads versus pooled slices, argument unpacking,
// failures, result handling, generators, input-only ranges and ownership of the items.
#include <fastthreadpool/pool.h>

#include "testsupport.h"

#include <QtCore/qhash.h>
#include <QtCore/qset.h>
#include <QtCore/qstringlist.h>
#include <QtCore/qthread.h>
#include <QtTest/qtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <ranges>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

using namespace FastThreadPool;
using namespace std::chrono_literals;
using TestSupport::Gate;
using TestSupport::GateOpener;
using TestSupport::identity;

namespace {

int add(int a, int b) { return a + b; }

Generator<int> upTo(int n)
{
    for (int i = 0; i < n; ++i)
        co_yield i;
}

Generator<int> numbers(int count)
{
    for (int i = 0; i < count; ++i)
        co_yield i;
}

std::vector<int> iotaVector(int count)
{
    std::vector<int> items(std::size_t(count), 0);
    for (int i = 0; i < count; ++i)
        items[std::size_t(i)] = i;
    return items;
}

//! Yields 0, 1, ... and throws at `failAt`.
Generator<int> throwingAt(int failAt)
{
    for (int i = 0;; ++i) {
        if (i == failAt)
            throw std::runtime_error("the range broke at " + std::to_string(i));
        co_yield i;
    }
}

QList<int> sorted(QList<int> values)
{
    std::sort(values.begin(), values.end());
    return values;
}

//! Takes every done entry now; fails the check if one does not carry id 0 (map results).
QList<int> takeValues(Pool &pool, bool *allIdsZero = nullptr)
{
    QList<int> values;
    bool zero = true;
    for (const Result &r : pool.done().takeAll()) {
        zero = zero && r.id == 0;
        values.append(r.value.toInt());
    }
    if (allIdsZero)
        *allIdsZero = zero;
    return values;
}

void addDirectColumn()
{
    QTest::addColumn<bool>("direct");
    QTest::newRow("direct") << true;
    QTest::newRow("pooled") << false;
}

} // namespace

class tst_Map : public QObject
{
    Q_OBJECT

private slots:
    void runsFunctionOncePerItem_data() { addDirectColumn(); }
    void runsFunctionOncePerItem();
    void directStartsAtMostMaxChildrenThreadsThatEnd();
    void pooledRunsSlicesOnPersistentChildren();
    void shutdownWaitsForWholeMap_data() { addDirectColumn(); }
    void shutdownWaitsForWholeMap();
    void emptyInputStartsNoThread_data();
    void emptyInputStartsNoThread();
    void tupleItemsUnpackIntoArguments_data() { addDirectColumn(); }
    void tupleItemsUnpackIntoArguments();
    void stringItemIsOneArgument_data() { addDirectColumn(); }
    void stringItemIsOneArgument();
    void failingItemGivesOneFailureWithIdZero_data() { addDirectColumn(); }
    void failingItemGivesOneFailureWithIdZero();
    void doneFalseDiscardsResults_data() { addDirectColumn(); }
    void doneFalseDiscardsResults();
    void doneCallableGetsEachValueInWorker_data() { addDirectColumn(); }
    void doneCallableGetsEachValueInWorker();
    void generatorFunctionGivesOneResultPerValue_data() { addDirectColumn(); }
    void generatorFunctionGivesOneResultPerValue();
    void inputOnlyRangesWork_data() { addDirectColumn(); }
    void inputOnlyRangesWork();
    void istreamViewItemsWork_data() { addDirectColumn(); }
    void istreamViewItemsWork();
    void lvalueContainerIsCopied_data() { addDirectColumn(); }
    void lvalueContainerIsCopied();
    void initializerListOverload();
    void hundredThousandItemsProcessedOnce_data() { addDirectColumn(); }
    void hundredThousandItemsProcessedOnce();
    void mapAfterShutdownChildrenThrows();
    void nullFunctionThrows();
    void rangeThatThrowsWhileIteratedGivesOneFailure_data();
    void rangeThatThrowsWhileIteratedGivesOneFailure();
    void pooledMapRacingShutdownRunsAllItemsOrThrowsHavingRunNone();
    void cancelAllStopsARunningDirectMap();
    void cancelRunningStopsAPooledMapBetweenItems();
    void directMapStartsAtMostFourThreadsPerCore();
    void everyItemCountsAsOneJob_data() { addDirectColumn(); }
    void everyItemCountsAsOneJob();
    void explicitDoneTrueFillsTheQueueOfAPoolThatDiscards_data() { addDirectColumn(); }
    void explicitDoneTrueFillsTheQueueOfAPoolThatDiscards();
    void waitIdleWaitsForAJobAMapItemSubmitted();
};

void tst_Map::runsFunctionOncePerItem()
{
    QFETCH(bool, direct);
    constexpr int kItems = 500;
    std::vector<std::atomic<int>> calls(kItems);
    Pool pool({.maxChildren = 2, .resultId = true});
    pool.map(
            [&calls](int v) {
                calls[std::size_t(v)].fetch_add(1);
                return v * 3;
            },
            iotaVector(kItems), true, direct);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));

    for (int i = 0; i < kItems; ++i)
        QCOMPARE(calls[std::size_t(i)].load(), 1);
    bool idsZero = false;
    QList<int> expected;
    for (int i = 0; i < kItems; ++i)
        expected.append(i * 3);
    QCOMPARE(sorted(takeValues(pool, &idsZero)), expected);
    QVERIFY(idsZero);
    QVERIFY(pool.failed().isEmpty());
}

void tst_Map::directStartsAtMostMaxChildrenThreadsThatEnd()
{
    constexpr int kMax = 3;
    constexpr int kItems = 300;
    Gate gate;
    Pool pool({.maxChildren = kMax, .childNamePrefix = QStringLiteral("Mapper")});
    // One ordinary child first: the map's threads come in addition to it.
    pool.submit(identity, 0);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    pool.done().takeAll();
    const QList<QThread *> before = pool.childThreads();
    QCOMPARE(before.size(), 1);
    QCOMPARE(pool.alive(), 1);

    GateOpener opener(gate);
    std::mutex mutex;
    QSet<QThread *> threads;
    QSet<QString> names;
    pool.map(
            [&](int v) {
                {
                    std::lock_guard lock(mutex);
                    threads.insert(QThread::currentThread());
                    names.insert(QThread::currentThread()->objectName());
                }
                gate.pass();
                return v;
            },
            iotaVector(kItems));

    // Every map thread is held at its first item: exactly as many run at once as started.
    QVERIFY(QTest::qWaitFor(
            [&] { return gate.entered() >= 1 && gate.entered() == pool.alive() - 1; }, 10000));
    const int mapThreadsAlive = pool.alive() - 1;
    QVERIFY2(mapThreadsAlive >= 1 && mapThreadsAlive <= kMax,
             qPrintable(QString::number(mapThreadsAlive)));
    QVERIFY(gate.entered() <= kMax);
    QVERIFY(pool.childThreads().size() - before.size() <= kMax);

    gate.open(kItems);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    // The map threads end when the items run out; the ordinary child stays.
    QVERIFY(QTest::qWaitFor([&] { return pool.alive() == 1; }, 10000));

    const QList<QThread *> after = pool.childThreads();
    const int extra = int(after.size() - before.size());
    QVERIFY2(extra >= 1 && extra <= kMax, qPrintable(QString::number(extra)));
    for (QThread *thread : after) {
        if (!before.contains(thread))
            QVERIFY(thread->isFinished());
    }
    QVERIFY(!before.first()->isFinished());

    std::lock_guard lock(mutex);
    QVERIFY(threads.size() <= kMax);
    QVERIFY(!threads.contains(before.first()));
    for (QThread *thread : std::as_const(threads))
        QVERIFY(after.contains(thread));
    for (const QString &name : std::as_const(names))
        QVERIFY2(name.startsWith(QStringLiteral("Mapper-")), qPrintable(name));
    QList<int> expected;
    for (int i = 0; i < kItems; ++i)
        expected.append(i);
    QCOMPARE(sorted(takeValues(pool)), expected);
}

void tst_Map::pooledRunsSlicesOnPersistentChildren()
{
    constexpr int kMax = 2;
    constexpr int kItems = 1000;
    Pool pool({.maxChildren = kMax, .childNamePrefix = QStringLiteral("Slicer")});
    std::mutex mutex;
    QSet<QThread *> threads;
    auto fn = [&](int v) {
        std::lock_guard lock(mutex);
        threads.insert(QThread::currentThread());
        return v;
    };

    QList<int> expected;
    for (int i = 0; i < kItems; ++i)
        expected.append(i);
    for (int round = 0; round < 3; ++round) {
        pool.map(fn, iotaVector(kItems), true, false);
        QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
        QCOMPARE(sorted(takeValues(pool)), expected);
        // The children stay for reuse; none is added beyond maxChildren.
        QVERIFY(pool.childCount() >= 1);
        QVERIFY(pool.childCount() <= kMax);
        // (A child spawned for the last slice may be only starting up.)
        QVERIFY(QTest::qWaitFor([&] { return pool.alive() == pool.childCount(); }, 10000));
    }
    const QList<QThread *> children = pool.childThreads();
    {
        std::lock_guard lock(mutex);
        for (QThread *thread : std::as_const(threads))
            QVERIFY(children.contains(thread));
    }
    for (QThread *thread : children)
        QVERIFY(!thread->isFinished());

    // Still an ordinary, usable pool.
    pool.submit(identity, 77);
    const auto result = pool.done().take(QDeadlineTimer(10s));
    QVERIFY(result.has_value());
    QCOMPARE(result->value.toInt(), 77);
    QVERIFY(pool.childCount() <= kMax);

    QVERIFY(pool.shutdown(QDeadlineTimer(10s)));
    QCOMPARE(pool.alive(), 0);
    for (QThread *thread : pool.childThreads())
        QVERIFY(thread->isFinished());
}

void tst_Map::shutdownWaitsForWholeMap()
{
    QFETCH(bool, direct);
    constexpr int kItems = 2000;
    std::atomic<int> ran{0};
    Pool pool({.maxChildren = 2});
    pool.map(
            [&ran](int v) {
                ran.fetch_add(1);
                return v;
            },
            iotaVector(kItems), true, direct);
    QVERIFY(pool.shutdown(QDeadlineTimer(10s)));
    QCOMPARE(ran.load(), kItems);
    QCOMPARE(pool.alive(), 0);
    QCOMPARE(pool.done().size(), kItems);
}

void tst_Map::emptyInputStartsNoThread_data()
{
    QTest::addColumn<bool>("direct");
    QTest::addColumn<int>("kind");
    for (bool direct : {true, false}) {
        const char *mode = direct ? "direct" : "pooled";
        QTest::addRow("vector %s", mode) << direct << 0;
        QTest::addRow("filter view %s", mode) << direct << 1;
        QTest::addRow("generator %s", mode) << direct << 2;
        QTest::addRow("istream %s", mode) << direct << 3;
    }
}

void tst_Map::emptyInputStartsNoThread()
{
    QFETCH(bool, direct);
    QFETCH(int, kind);
    std::atomic<int> calls{0};
    auto fn = [&calls](int v) {
        calls.fetch_add(1);
        return v;
    };
    Pool pool({.maxChildren = 2});
    std::istringstream emptyStream;
    switch (kind) {
    case 0:
        pool.map(fn, std::vector<int>{}, true, direct);
        break;
    case 1:
        pool.map(fn, std::views::iota(0, 10) | std::views::filter([](int v) { return v > 100; }),
                 true, direct);
        break;
    case 2:
        pool.map(fn, numbers(0), true, direct);
        break;
    default:
        // A single-pass view whose iterator is not default-constructible.
        pool.map(fn, std::views::istream<int>(emptyStream), true, direct);
        break;
    }
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QCOMPARE(pool.childCount(), 0);
    QCOMPARE(pool.alive(), 0);
    QCOMPARE(calls.load(), 0);
    QCOMPARE(pool.pending(), 0);
    QVERIFY(pool.done().isEmpty());
    QVERIFY(pool.failed().isEmpty());
    int entries = 0;
    for (const Completion &c : pool.asCompleted(QDeadlineTimer(10s))) {
        Q_UNUSED(c);
        ++entries;
    }
    QCOMPARE(entries, 0);
}

void tst_Map::tupleItemsUnpackIntoArguments()
{
    QFETCH(bool, direct);
    Pool pool({.maxChildren = 2});

    pool.map(add, std::vector<std::pair<int, int>>{{1, 2}, {3, 4}}, true, direct);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QCOMPARE(sorted(takeValues(pool)), (QList<int>{3, 7}));

    pool.map([](int a, int b, int c) { return a * 100 + b * 10 + c; },
             std::vector<std::tuple<int, int, int>>{{1, 2, 3}, {4, 5, 6}}, true, direct);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QCOMPARE(sorted(takeValues(pool)), (QList<int>{123, 456}));

    // A variadic function sees how many arguments an item became.
    pool.map([](const auto &...args) { return int(sizeof...(args)); },
             std::vector<std::tuple<int, int, int>>{{1, 2, 3}}, true, direct);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QCOMPARE(takeValues(pool), QList<int>{3});
    QVERIFY(pool.failed().isEmpty());
}

void tst_Map::stringItemIsOneArgument()
{
    QFETCH(bool, direct);
    Pool pool({.maxChildren = 2});
    auto argumentCount = [](const auto &...args) { return int(sizeof...(args)); };

    pool.map(argumentCount, std::vector<std::string>{"ab", "cde", "f"}, true, direct);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QCOMPARE(takeValues(pool), (QList<int>{1, 1, 1}));

    pool.map([](const std::string &s) { return int(s.size()); },
             std::vector<std::string>{"ab", "cde", "f"}, true, direct);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QCOMPARE(sorted(takeValues(pool)), (QList<int>{1, 2, 3}));

    pool.map(argumentCount, QStringList{QStringLiteral("xy"), QStringLiteral("z")}, true, direct);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QCOMPARE(takeValues(pool), (QList<int>{1, 1}));

    pool.map([](const QString &s) { return int(s.size()); },
             QStringList{QStringLiteral("xy"), QStringLiteral("z"), QStringLiteral("uvwx")}, true,
             direct);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QCOMPARE(sorted(takeValues(pool)), (QList<int>{1, 2, 4}));
    QVERIFY(pool.failed().isEmpty());
}

void tst_Map::failingItemGivesOneFailureWithIdZero()
{
    QFETCH(bool, direct);
    constexpr int kItems = 10;
    constexpr int kBad = 5;
    std::atomic<int> calls{0};
    // resultId is on: map entries carry id 0 all the same.
    Pool pool({.maxChildren = 2, .resultId = true});
    pool.map(
            [&calls](int v) {
                calls.fetch_add(1);
                if (v == kBad)
                    throw std::runtime_error("bad item " + std::to_string(v));
                return v;
            },
            iotaVector(kItems), true, direct);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));

    QCOMPARE(calls.load(), kItems);
    QCOMPARE(pool.failed().size(), 1);
    const auto failure = pool.failed().tryTake();
    QVERIFY(failure.has_value());
    QCOMPARE(failure->id, JobId(0));
    QCOMPARE(failure->message, QStringLiteral("bad item 5"));
    bool idsZero = false;
    QList<int> expected;
    for (int i = 0; i < kItems; ++i)
        if (i != kBad)
            expected.append(i);
    QCOMPARE(sorted(takeValues(pool, &idsZero)), expected);
    QVERIFY(idsZero);
}

void tst_Map::doneFalseDiscardsResults()
{
    QFETCH(bool, direct);
    constexpr int kItems = 200;
    std::atomic<int> calls{0};
    Pool pool({.maxChildren = 2});
    pool.map(
            [&calls](int v) {
                calls.fetch_add(1);
                return v;
            },
            iotaVector(kItems), false, direct);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QCOMPARE(calls.load(), kItems);
    QVERIFY(pool.done().isEmpty());
    QCOMPARE(pool.doneCount().value(), 0);
    QVERIFY(pool.failed().isEmpty());
}

void tst_Map::doneCallableGetsEachValueInWorker()
{
    QFETCH(bool, direct);
    constexpr int kItems = 200;
    Pool pool({.maxChildren = 2, .childNamePrefix = QStringLiteral("Mapper")});
    std::mutex mutex;
    QList<int> values;
    QSet<QThread *> threads;
    QSet<QString> names;
    pool.map([](int v) { return v * 2; }, iotaVector(kItems),
             [&](int v) {
                 std::lock_guard lock(mutex);
                 values.append(v);
                 threads.insert(QThread::currentThread());
                 names.insert(QThread::currentThread()->objectName());
             },
             direct);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QVERIFY(pool.done().isEmpty());

    std::lock_guard lock(mutex);
    QList<int> expected;
    for (int i = 0; i < kItems; ++i)
        expected.append(i * 2);
    QCOMPARE(sorted(values), expected);
    QVERIFY(!threads.contains(QThread::currentThread()));
    const QList<QThread *> poolThreads = pool.childThreads();
    for (QThread *thread : std::as_const(threads))
        QVERIFY(poolThreads.contains(thread));
    for (const QString &name : std::as_const(names))
        QVERIFY2(name.startsWith(QStringLiteral("Mapper-")), qPrintable(name));
}

void tst_Map::generatorFunctionGivesOneResultPerValue()
{
    QFETCH(bool, direct);
    Pool pool({.maxChildren = 2, .resultId = true});
    pool.map(upTo, std::vector<int>{1, 2, 3, 0}, true, direct);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    bool idsZero = false;
    QCOMPARE(sorted(takeValues(pool, &idsZero)), (QList<int>{0, 0, 0, 1, 1, 2}));
    QVERIFY(idsZero);
    QVERIFY(pool.failed().isEmpty());
}

void tst_Map::inputOnlyRangesWork()
{
    QFETCH(bool, direct);
    constexpr int kItems = 300;
    Pool pool({.maxChildren = 2});
    QList<int> expected;
    for (int i = 0; i < kItems; ++i)
        expected.append(i * 2);

    // A lazy transform (computed on the fly, never stored).
    pool.map(identity,
             std::views::iota(0, kItems) | std::views::transform([](int i) { return i * 2; }), true,
             direct);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QCOMPARE(sorted(takeValues(pool)), expected);

    // A forward, unsized view.
    pool.map(identity,
             std::views::iota(0, 2 * kItems) | std::views::filter([](int i) { return i % 2 == 0; }),
             true, direct);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QCOMPARE(sorted(takeValues(pool)), expected);

    // A single-pass input range: a coroutine generator.
    pool.map([](int v) { return v * 2; }, numbers(kItems), true, direct);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QCOMPARE(sorted(takeValues(pool)), expected);
    QVERIFY(pool.failed().isEmpty());
}

void tst_Map::istreamViewItemsWork()
{
    QFETCH(bool, direct);
    constexpr int kItems = 300;
    Pool pool({.maxChildren = 2});
    std::string text;
    QList<int> expected;
    for (int i = 0; i < kItems; ++i) {
        text += std::to_string(i * 2) + ' ';
        expected.append(i * 2);
    }
    std::istringstream stream(text);
    pool.map(identity, std::views::istream<int>(stream), true, direct);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QCOMPARE(sorted(takeValues(pool)), expected);
    QVERIFY(pool.failed().isEmpty());
}

void tst_Map::lvalueContainerIsCopied()
{
    QFETCH(bool, direct);
    constexpr int kItems = 100;
    Gate gate;
    Pool pool({.maxChildren = 2});
    GateOpener opener(gate);
    std::vector<int> items = iotaVector(kItems);
    pool.map(
            [&gate](int v) {
                gate.pass();
                return v;
            },
            items, true, direct);
    // Every item is still to be processed: overwrite, then drop, the caller's vector.
    items.assign(items.size(), -1);
    items.clear();
    items.shrink_to_fit();
    gate.open(kItems);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));

    QList<int> expected;
    for (int i = 0; i < kItems; ++i)
        expected.append(i);
    QCOMPARE(sorted(takeValues(pool)), expected);
}

void tst_Map::initializerListOverload()
{
    Pool pool({.maxChildren = 2});
    pool.map(identity, {4, 5, 6});
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QCOMPARE(sorted(takeValues(pool)), (QList<int>{4, 5, 6}));

    pool.map(add, {std::pair{1, 2}, std::pair{3, 4}}, true, false);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QCOMPARE(sorted(takeValues(pool)), (QList<int>{3, 7}));

    std::atomic<int> sum{0};
    pool.map(identity, {10, 20}, [&sum](int v) { sum.fetch_add(v); });
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QCOMPARE(sum.load(), 30);
    QVERIFY(pool.done().isEmpty());
}

void tst_Map::hundredThousandItemsProcessedOnce()
{
    QFETCH(bool, direct);
    constexpr int kItems = 100000;
    auto counters = std::make_unique<std::atomic<int>[]>(kItems);
    Pool pool({.maxChildren = 2});
    pool.map(
            [&counters](int v) {
                counters[std::size_t(v)].fetch_add(1, std::memory_order_relaxed);
                return v;
            },
            iotaVector(kItems), true, direct);
    QVERIFY(pool.waitIdle(QDeadlineTimer(15s)));

    int wrong = 0;
    for (int i = 0; i < kItems; ++i)
        if (counters[std::size_t(i)].load() != 1)
            ++wrong;
    QCOMPARE(wrong, 0);
    QCOMPARE(pool.done().size(), kItems);
    std::vector<char> seen(kItems, 0);
    for (const Result &r : pool.done().takeAll()) {
        const int v = r.value.toInt();
        QVERIFY(v >= 0 && v < kItems);
        ++seen[std::size_t(v)];
    }
    QCOMPARE(std::count(seen.cbegin(), seen.cend(), char(1)), std::ptrdiff_t(kItems));
}

void tst_Map::mapAfterShutdownChildrenThrows()
{
    std::atomic<int> calls{0};
    auto fn = [&calls](int v) {
        calls.fetch_add(1);
        return v;
    };
    Pool pool({.maxChildren = 2});
    pool.submit(identity, 1);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    const int childrenBefore = pool.childCount();
    pool.shutdownChildren();

    QVERIFY_THROWS_EXCEPTION(PoolStopped, pool.map(fn, iotaVector(10)));
    QVERIFY_THROWS_EXCEPTION(PoolStopped, pool.map(fn, iotaVector(10), true, false));
    QVERIFY_THROWS_EXCEPTION(PoolStopped, pool.map(fn, {1, 2, 3}));
    QCOMPARE(calls.load(), 0);
    QCOMPARE(pool.childCount(), childrenBefore);

    // clear() makes the pool usable again.
    QVERIFY(QTest::qWaitFor([&] { return pool.alive() == 0; }, 10000));
    pool.clear();
    pool.map(fn, iotaVector(10));
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QCOMPARE(calls.load(), 10);
    QCOMPARE(pool.done().size(), 10);
}

void tst_Map::nullFunctionThrows()
{
    Pool pool({.maxChildren = 2});
    int (*nullPointer)(int) = nullptr;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.map(nullPointer, iotaVector(5)));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             pool.map(nullPointer, iotaVector(5), true, false));
    std::function<int(int)> empty;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.map(empty, iotaVector(5)));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.map(empty, {1, 2}));
    QCOMPARE(pool.childCount(), 0);
    QCOMPARE(pool.pending(), 0);
    QVERIFY(pool.done().isEmpty());
}

void tst_Map::rangeThatThrowsWhileIteratedGivesOneFailure_data()
{
    QTest::addColumn<bool>("direct");
    QTest::addColumn<bool>("generator");
    QTest::newRow("direct generator") << true << true;
    QTest::newRow("pooled generator") << false << true;
    QTest::newRow("direct filter") << true << false;
    QTest::newRow("pooled filter") << false << false;
}

void tst_Map::rangeThatThrowsWhileIteratedGivesOneFailure()
{
    // A generator that throws at item 50, a filter whose predicate throws at item 50: the
    // items before it run, the exception is one failure with id 0, nothing terminates and
    // nothing is thrown at the caller.
    QFETCH(bool, direct);
    QFETCH(bool, generator);
    constexpr int kFailAt = 50;
    Pool pool({.maxChildren = 2, .resultId = true});
    auto twice = [](int v) { return 2 * v; };
    if (generator) {
        pool.map(twice, throwingAt(kFailAt), PoolDone, direct);
    } else {
        auto predicate = [](int v) {
            if (v == kFailAt)
                throw std::runtime_error("the range broke at " + std::to_string(v));
            return true;
        };
        pool.map(twice, std::views::iota(0, 1000) | std::views::filter(predicate), PoolDone,
                 direct);
    }
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QList<int> expected;
    for (int i = 0; i < kFailAt; ++i)
        expected.append(2 * i);
    QCOMPARE(sorted(takeValues(pool)), expected);
    const QList<Failure> failures = pool.failed().takeAll();
    QCOMPARE(failures.size(), 1);
    QCOMPARE(failures.front().id, JobId(0));
    QCOMPARE(failures.front().message, QStringLiteral("the range broke at 50"));
    QCOMPARE(pool.completed(), pool.submitted());
}

void tst_Map::pooledMapRacingShutdownRunsAllItemsOrThrowsHavingRunNone()
{
    constexpr int kItems = 20000;
    int threw = 0;
    for (int round = 0; round < 40; ++round) {
        std::atomic<int> ran{0};
        Pool pool({.maxChildren = 2});
        std::atomic<bool> go{false};
        std::thread stopper([&] {
            while (!go.load()) { }
            pool.shutdown(QDeadlineTimer(10s));
        });
        bool mapThrew = false;
        go = true;
        try {
            pool.map([&ran](int) { ran.fetch_add(1); }, iotaVector(kItems), false, false);
        } catch (const PoolStopped &) {
            mapThrew = true;
        }
        stopper.join();
        QVERIFY(pool.shutdown(QDeadlineTimer(10s)));
        if (mapThrew) {
            ++threw;
            QCOMPARE(ran.load(), 0);
        } else {
            QCOMPARE(ran.load(), kItems); // a graceful shutdown runs what was queued
        }
    }
    qInfo("the map threw in %d of 40 rounds", threw);
}

void tst_Map::cancelAllStopsARunningDirectMap()
{
    constexpr int kItems = 10000;
    Gate gate;
    std::atomic<int> ran{0};
    Pool pool({.maxChildren = 1});
    GateOpener opener(gate);
    pool.map(
            [&](int v) {
                if (v == 0)
                    gate.pass();
                ran.fetch_add(1);
            },
            iotaVector(kItems), false, true);
    QVERIFY(gate.waitEntered());
    pool.cancelAll();
    gate.openAll();
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QVERIFY2(ran.load() < kItems, qPrintable(QString::number(ran.load())));
    // The items that ran completed; the dropped ones count as cancelled.
    QCOMPARE(pool.completed(), quint64(ran.load()));
    QCOMPARE(pool.completed() + pool.cancelled(), pool.submitted());
}

void tst_Map::cancelRunningStopsAPooledMapBetweenItems()
{
    constexpr int kItems = 10000;
    Gate gate;
    std::atomic<int> ran{0};
    Pool pool({.maxChildren = 1});
    GateOpener opener(gate);
    pool.map(
            [&](int v) {
                if (v == 0)
                    gate.pass();
                ran.fetch_add(1);
                return v;
            },
            iotaVector(kItems), true, false);
    QVERIFY(gate.waitEntered());
    pool.cancelAll(CancelRunning::Yes); // the running slice stops before its next item
    gate.openAll();
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QVERIFY2(ran.load() < kItems, qPrintable(QString::number(ran.load())));
    // Every item that ran delivered its value and completed; the rest count as cancelled.
    QCOMPARE(pool.done().size(), qsizetype(ran.load()));
    QCOMPARE(pool.completed(), quint64(ran.load()));
    QCOMPARE(pool.completed() + pool.cancelled(), pool.submitted());
}

void tst_Map::directMapStartsAtMostFourThreadsPerCore()
{
    const int bound = 4 * std::max(1, QThread::idealThreadCount());
    const int items = bound + 40;
    Pool pool({.maxChildren = 10000});
    pool.map([](int v) { return v; }, iotaVector(items), false, true);
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QVERIFY2(pool.childCount() <= bound, qPrintable(QString::number(pool.childCount())));
}

void tst_Map::everyItemCountsAsOneJob()
{
    QFETCH(bool, direct);
    constexpr int kItems = 1000;
    Pool pool({.maxChildren = 2});
    pool.submitDone([] {}, false);
    pool.map([](int v) { return v; }, iotaVector(kItems), false, direct);
    pool.map([](int v) { return v; }, numbers(kItems), false, direct); // an input range too
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QCOMPARE(pool.submitted(), quint64(2 * kItems + 1));
    QCOMPARE(pool.completed(), quint64(2 * kItems + 1));
}

void tst_Map::explicitDoneTrueFillsTheQueueOfAPoolThatDiscards()
{
    QFETCH(bool, direct);
    Pool pool({.maxChildren = 2, .doneCallback = false});
    pool.map([](int v) { return v; }, iotaVector(10), true, direct);
    pool.map([](int v) { return v; }, iotaVector(10), PoolDone, direct); // the pool's choice
    QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
    QCOMPARE(sorted(takeValues(pool)), QList<int>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

void tst_Map::waitIdleWaitsForAJobAMapItemSubmitted()
{
    // The item submits a job and its thread ends: the pool is not idle until that job ran.
    for (int round = 0; round < 300; ++round) {
        std::atomic<int> ran{0};
        Pool pool({.maxChildren = 2});
        pool.map([&](int) { pool.submitDone([&ran] { ran.fetch_add(1); }, false); }, iotaVector(1),
                 false, true);
        QVERIFY(pool.waitIdle(QDeadlineTimer(10s)));
        QCOMPARE(ran.load(), 1);
    }
}

QTEST_GUILESS_MAIN(tst_Map)
#include "tst_map.moc"
