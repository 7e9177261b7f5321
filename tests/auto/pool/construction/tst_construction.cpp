#include <fastthreadpool/pool.h>

#include "testsupport.h"

#include <QtCore/qlist.h>
#include <QtCore/qmutex.h>
#include <QtCore/qpointer.h>
#include <QtCore/qset.h>
#include <QtCore/qthread.h>
#include <QtTest/qtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#if defined(__linux__)
#    include <pthread.h>
#endif

using namespace std::chrono_literals;
using FastThreadPool::Pool;
using FastThreadPool::PoolOptions;
using TestSupport::Gate;

using TestSupport::kWaitMs;
using TestSupport::waitDeadline;

namespace {

int cores() { return std::max(1, QThread::idealThreadCount()); }

//! The name the OS knows the calling thread by.
QString osThreadName()
{
#if defined(__linux__)
    char name[64] = {};
    if (pthread_getname_np(pthread_self(), name, sizeof name) != 0)
        return QStringLiteral("<pthread_getname_np failed>");
    return QString::fromUtf8(name);
#else
    return QThread::currentThread()->objectName();
#endif
}

QString invalidArgumentMessage(int maxChildren)
{
    try {
        Pool pool({.maxChildren = maxChildren});
    } catch (const std::invalid_argument &e) {
        return QString::fromUtf8(e.what());
    }
    return QString();
}

} // namespace

class tst_Construction : public QObject
{
    Q_OBJECT

private slots:
    void defaultMaxChildrenIsIdealThreadCount();
    void positiveMaxChildrenIsTakenAsIs_data();
    void positiveMaxChildrenIsTakenAsIs();
    void nonPositiveMaxChildrenIsAddedToCores();
    void maxChildrenResolvingBelowOneThrows_data();
    void maxChildrenResolvingBelowOneThrows();
    void negativeDoneMaxThrows();
    void fatalLogLevelThrows();
    void newPoolIsEmptyAndIdle();
    void childrenAreCreatedLazily();
    void burstIntoTwoChildrenCreatesExactlyTwo();
    void childrenAreNamedAfterPrefix_data();
    void childrenAreNamedAfterPrefix();
    void initCallbackRunsInEachChildBeforeItsFirstJob();
    void finishCallbackRunsOnceWhenChildEnds();
    void throwingInitCallbackIsFailureWithIdZero();
    void throwingFinishCallbackIsFailureWithIdZero();
    void parentDeletesPool();
    void propertiesAreReadableThroughQObject();
};

void tst_Construction::defaultMaxChildrenIsIdealThreadCount()
{
    Pool byDefault;
    QCOMPARE(byDefault.maxChildren(), cores());
    Pool explicitDefault({.maxChildren = PoolOptions::DefaultMaxChildren});
    QCOMPARE(explicitDefault.maxChildren(), cores());
    Pool belowDefault({.maxChildren = -100000});
    QCOMPARE(belowDefault.maxChildren(), cores());
    QCOMPARE(FastThreadPool::resolveMaxChildren(-9999), cores());
}

void tst_Construction::positiveMaxChildrenIsTakenAsIs_data()
{
    QTest::addColumn<int>("maxChildren");
    QTest::newRow("1") << 1;
    QTest::newRow("3") << 3;
    QTest::newRow("cores+5") << cores() + 5;
    QTest::newRow("256") << 256;
}

void tst_Construction::positiveMaxChildrenIsTakenAsIs()
{
    QFETCH(int, maxChildren);
    Pool pool({.maxChildren = maxChildren});
    QCOMPARE(pool.maxChildren(), maxChildren);
    QCOMPARE(pool.childCount(), 0); // the maximum, not threads started up front
}

void tst_Construction::nonPositiveMaxChildrenIsAddedToCores()
{
    // Every value from 0 down to the last one that still leaves one thread.
    for (int value = 0; cores() + value >= 1; --value) {
        Pool pool({.maxChildren = value});
        QCOMPARE(pool.maxChildren(), cores() + value);
    }
}

void tst_Construction::maxChildrenResolvingBelowOneThrows_data()
{
    QTest::addColumn<int>("maxChildren");
    QTest::newRow("-cores") << -cores();
    QTest::newRow("-cores-1") << -cores() - 1;
    QTest::newRow("-9998 (just above the default)") << -9998;
}

void tst_Construction::maxChildrenResolvingBelowOneThrows()
{
    QFETCH(int, maxChildren);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Pool({.maxChildren = maxChildren}));
    const QString message = invalidArgumentMessage(maxChildren);
    QVERIFY2(message.contains(QString::number(maxChildren)), qPrintable(message));
}

void tst_Construction::negativeDoneMaxThrows()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Pool({.doneMax = -1}));
    Pool unbounded({.doneMax = 0});
    Pool bounded({.doneMax = 5});
    QCOMPARE(unbounded.childCount(), 0);
    QCOMPARE(bounded.childCount(), 0);
}

void tst_Construction::fatalLogLevelThrows()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Pool({.logLevel = QtFatalMsg}));
    Pool critical({.logLevel = QtCriticalMsg});
    QCOMPARE(critical.childCount(), 0);
}

void tst_Construction::newPoolIsEmptyAndIdle()
{
    Pool pool;
    QCOMPARE(pool.childCount(), 0);
    QCOMPARE(pool.alive(), 0);
    QCOMPARE(pool.busy(), 0);
    QCOMPARE(pool.pending(), qint64(0));
    QVERIFY(pool.jobs().isEmpty());
    QVERIFY(pool.childThreads().isEmpty());
    QVERIFY(!pool.isShutdown());
    QVERIFY(pool.done().isEmpty());
    QVERIFY(pool.failed().isEmpty());
    // Idle at once: a deadline already expired is still met.
    QVERIFY(pool.waitIdle(QDeadlineTimer(0)));
}

void tst_Construction::childrenAreCreatedLazily()
{
    std::atomic<int> ran{0};
    Pool pool({.maxChildren = 4});
    QCOMPARE(pool.childCount(), 0);

    pool.submit([&ran] { ran.fetch_add(1); });
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(pool.childCount(), 1);

    // An idle child takes the next job: no new child while one is idle.
    for (int i = 0; i < 5; ++i) {
        QVERIFY(QTest::qWaitFor([&] { return pool.busy() == 0; }, kWaitMs));
        pool.submit([&ran] { ran.fetch_add(1); });
        QVERIFY(pool.waitIdle(waitDeadline()));
    }
    QCOMPARE(ran.load(), 6);
    QCOMPARE(pool.childCount(), 1);
    // Idle children stay alive until shutdown.
    QCOMPARE(pool.alive(), 1);
}

void tst_Construction::burstIntoTwoChildrenCreatesExactlyTwo()
{
    constexpr int kJobs = 10000;
    Gate gate;
    std::atomic<int> ran{0};
    Pool pool({.maxChildren = 2});
    // The first child is held busy, so the burst needs (and may start) a second one.
    pool.submit([&gate] { gate.pass(); });
    for (int i = 0; i < kJobs; ++i)
        pool.submit([&ran] { ran.fetch_add(1, std::memory_order_relaxed); });
    QVERIFY(gate.waitEntered());
    QVERIFY(pool.childCount() <= 2);
    gate.open();
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(ran.load(), kJobs);
    QCOMPARE(pool.childCount(), 2);
    // The second child may still be starting (its jobs were all taken by the first one).
    QVERIFY(QTest::qWaitFor([&] { return pool.alive() == 2; }, kWaitMs));
    QCOMPARE(pool.childCount(), 2);
}

void tst_Construction::childrenAreNamedAfterPrefix_data()
{
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<QString>("expectedPrefix");
    QTest::newRow("default") << QString() << QStringLiteral("ThreadPool");
    QTest::newRow("custom") << QStringLiteral("Crunch") << QStringLiteral("Crunch");
}

void tst_Construction::childrenAreNamedAfterPrefix()
{
    QFETCH(QString, prefix);
    QFETCH(QString, expectedPrefix);

    QMutex mutex;
    QStringList objectNames;
    QStringList osNames;
    Gate gate;
    Pool pool({.maxChildren = 2, .childNamePrefix = prefix});
    // Two jobs that both wait inside: they run on two different children.
    for (int i = 0; i < 2; ++i) {
        pool.submit([&] {
            {
                QMutexLocker lock(&mutex);
                objectNames.append(QThread::currentThread()->objectName());
                osNames.append(osThreadName());
            }
            gate.pass();
        });
    }
    QVERIFY(gate.waitEntered(2));
    gate.open(2);
    QVERIFY(pool.waitIdle(waitDeadline()));

    const QSet<QString> expected{expectedPrefix + QStringLiteral("-0"),
                                 expectedPrefix + QStringLiteral("-1")};
    QCOMPARE(QSet<QString>(objectNames.begin(), objectNames.end()), expected);
#if defined(__linux__)
    QCOMPARE(QSet<QString>(osNames.begin(), osNames.end()), expected);
#endif
    QSet<QString> fromThreads;
    for (QThread *thread : pool.childThreads())
        fromThreads.insert(thread->objectName());
    QCOMPARE(fromThreads, expected);
}

void tst_Construction::initCallbackRunsInEachChildBeforeItsFirstJob()
{
    struct InitCall
    {
        QThread *argument;
        QThread *runningIn;
        int sequence;
    };
    struct JobRun
    {
        QThread *runningIn;
        int sequence;
    };
    QMutex mutex;
    std::atomic<int> sequence{0};
    QList<InitCall> initCalls;
    QList<JobRun> jobRuns;
    Gate gate;

    PoolOptions options;
    options.maxChildren = 2;
    options.initCallback = [&](QThread *thread) {
        QMutexLocker lock(&mutex);
        initCalls.append({thread, QThread::currentThread(), sequence.fetch_add(1)});
    };
    Pool pool(std::move(options));
    QCOMPARE(initCalls.size(), 0); // no child yet, so no call yet

    auto job = [&] {
        {
            QMutexLocker lock(&mutex);
            jobRuns.append({QThread::currentThread(), sequence.fetch_add(1)});
        }
        gate.pass();
    };
    pool.submit(job);
    pool.submit(job);
    QVERIFY(gate.waitEntered(2));
    gate.open(2);
    QVERIFY(pool.waitIdle(waitDeadline()));
    // More jobs on the same children: no further init calls.
    for (int i = 0; i < 20; ++i)
        pool.submit([] {});
    QVERIFY(pool.waitIdle(waitDeadline()));

    QMutexLocker lock(&mutex);
    QCOMPARE(pool.childCount(), 2);
    QCOMPARE(initCalls.size(), 2);
    const QList<QThread *> children = pool.childThreads();
    QSet<QThread *> initialised;
    for (const InitCall &call : initCalls) {
        QCOMPARE(call.argument, call.runningIn); // in that child, about that child
        QVERIFY(children.contains(call.argument));
        initialised.insert(call.argument);
    }
    QCOMPARE(initialised.size(), 2); // once per child
    QCOMPARE(jobRuns.size(), 2);
    for (const JobRun &run : jobRuns) {
        auto init = std::find_if(initCalls.begin(), initCalls.end(),
                                 [&](const InitCall &c) { return c.runningIn == run.runningIn; });
        QVERIFY(init != initCalls.end());
        QVERIFY(init->sequence < run.sequence); // before the child's first job
    }
}

void tst_Construction::finishCallbackRunsOnceWhenChildEnds()
{
    QMutex mutex;
    QList<QThread *> arguments;
    QList<QThread *> runningIn;
    Gate gate;

    PoolOptions options;
    options.maxChildren = 2;
    options.finishCallback = [&](QThread *thread) {
        QMutexLocker lock(&mutex);
        arguments.append(thread);
        runningIn.append(QThread::currentThread());
    };
    Pool pool(std::move(options));
    for (int i = 0; i < 2; ++i)
        pool.submit([&gate] { gate.pass(); });
    QVERIFY(gate.waitEntered(2));
    gate.open(2);
    QVERIFY(pool.waitIdle(waitDeadline()));
    {
        QMutexLocker lock(&mutex);
        QCOMPARE(arguments.size(), 0); // idle children have not ended
    }

    QVERIFY(pool.shutdown(waitDeadline()));
    QCOMPARE(pool.alive(), 0);
    QMutexLocker lock(&mutex);
    QCOMPARE(arguments.size(), 2);
    QCOMPARE(arguments, runningIn); // called in the ending child, about that child
    const QList<QThread *> children = pool.childThreads();
    QCOMPARE(QSet<QThread *>(arguments.begin(), arguments.end()),
             QSet<QThread *>(children.begin(), children.end()));
}

void tst_Construction::throwingInitCallbackIsFailureWithIdZero()
{
    PoolOptions options;
    options.maxChildren = 1;
    options.initCallback = [](QThread *) { throw std::runtime_error("init exploded"); };
    options.resultId = true;
    Pool pool(std::move(options));

    const FastThreadPool::JobId id = pool.submit([] { return 7; });
    QVERIFY(pool.waitIdle(waitDeadline()));

    // The child still ran the job.
    const QList<FastThreadPool::Result> done = pool.done().takeAll();
    QCOMPARE(done.size(), 1);
    QCOMPARE(done.first().id, id);
    QCOMPARE(done.first().value.toInt(), 7);

    const QList<FastThreadPool::Failure> failed = pool.failed().takeAll();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().id, FastThreadPool::JobId(0));
    QCOMPARE(failed.first().type, QStringLiteral("std::runtime_error"));
    QVERIFY2(failed.first().message.contains(QStringLiteral("init exploded")),
             qPrintable(failed.first().message));

    // And keeps working.
    pool.submit([] { return 8; });
    QVERIFY(pool.waitIdle(waitDeadline()));
    const auto next = pool.done().tryTake();
    QVERIFY(next.has_value());
    QCOMPARE(next->value.toInt(), 8);
    QVERIFY(pool.failed().isEmpty()); // init ran once, not per job
}

void tst_Construction::throwingFinishCallbackIsFailureWithIdZero()
{
    PoolOptions options;
    options.maxChildren = 1;
    options.finishCallback = [](QThread *) { throw std::logic_error("finish exploded"); };
    options.resultId = true;
    Pool pool(std::move(options));

    pool.submit([] { return 1; });
    QVERIFY(pool.waitIdle(waitDeadline()));
    QVERIFY(pool.failed().isEmpty());
    QVERIFY(pool.shutdown(waitDeadline()));

    const QList<FastThreadPool::Failure> failed = pool.failed().takeAll();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().id, FastThreadPool::JobId(0));
    QCOMPARE(failed.first().type, QStringLiteral("std::logic_error"));
    QVERIFY2(failed.first().message.contains(QStringLiteral("finish exploded")),
             qPrintable(failed.first().message));

    // The pool is usable again after clear().
    pool.clear();
    pool.submit([] { return 2; });
    QVERIFY(pool.waitIdle(waitDeadline()));
    const auto next = pool.done().tryTake();
    QVERIFY(next.has_value());
    QCOMPARE(next->value.toInt(), 2);
}

void tst_Construction::parentDeletesPool()
{
    std::atomic<int> ran{0};
    auto *parent = new QObject;
    QPointer<Pool> viaOptions = new Pool({.maxChildren = 1}, parent);
    QPointer<Pool> viaParentOnly = new Pool(parent);
    QCOMPARE(viaOptions->parent(), parent);
    QCOMPARE(viaParentOnly->parent(), parent);
    QVERIFY(qobject_cast<Pool *>(static_cast<QObject *>(viaOptions.data())) != nullptr);
    for (int i = 0; i < 10; ++i)
        viaOptions->submit([&ran] { ran.fetch_add(1); });

    delete parent;
    QVERIFY(viaOptions.isNull());
    QVERIFY(viaParentOnly.isNull());
    QCOMPARE(ran.load(), 10); // destroyed as shutdown(): the queued jobs ran
}

void tst_Construction::propertiesAreReadableThroughQObject()
{
    Gate gate;
    Pool pool({.maxChildren = 1});
    QObject *object = &pool;
    QCOMPARE(object->property("maxChildren").toInt(), 1);
    QCOMPARE(object->property("childCount").toInt(), 0);
    QCOMPARE(object->property("alive").toInt(), 0);
    QCOMPARE(object->property("pending").toLongLong(), 0);

    pool.submit([&gate] { gate.pass(); });
    pool.submit([] {});
    pool.submit([] {});
    QVERIFY(gate.waitEntered());

    QCOMPARE(object->property("alive").toInt(), 1);
    QCOMPARE(object->property("busy").toInt(), 1);
    QCOMPARE(object->property("childCount").toInt(), 1);
    QCOMPARE(object->property("pending").toLongLong(), 3); // one running, two waiting
    QCOMPARE(object->property("isShutdown").toBool(), false);
    QCOMPARE(object->property("pending").toLongLong(), pool.pending());

    gate.open();
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(object->property("pending").toLongLong(), 0);
    QVERIFY(pool.shutdown(waitDeadline()));
    QCOMPARE(object->property("isShutdown").toBool(), true);
    QCOMPARE(object->property("alive").toInt(), 0);
    QCOMPARE(object->property("busy").toInt(), 0);
}

QTEST_GUILESS_MAIN(tst_Construction)
#include "tst_construction.moc"
