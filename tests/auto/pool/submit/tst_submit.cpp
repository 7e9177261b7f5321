#include <fastthreadpool/pool.h>

#include "testsupport.h"

#include <QtCore/qlist.h>
#include <QtCore/qmutex.h>
#include <QtCore/qregularexpression.h>
#include <QtCore/qset.h>
#include <QtCore/qthread.h>
#include <QtTest/qtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using FastThreadPool::Failure;
using FastThreadPool::JobId;
using FastThreadPool::Pool;
using FastThreadPool::PoolOptions;
using FastThreadPool::Result;
using TestSupport::Gate;

using TestSupport::kWaitMs;
using TestSupport::waitDeadline;

namespace {

QList<int> intValues(const QList<Result> &results)
{
    QList<int> values;
    for (const Result &result : results)
        values.append(result.value.toInt());
    return values;
}

// ---- capturing the failure log ------------------------------------------------------------

struct LoggedMessage
{
    QtMsgType type;
    QString text;
};

QMutex logMutex;
QList<LoggedMessage> failureLog;
QtMessageHandler previousHandler = nullptr;

void captureFailureLog(QtMsgType type, const QMessageLogContext &context, const QString &text)
{
    if (context.category && qstrcmp(context.category, "fastthreadpool.failures") == 0) {
        QMutexLocker lock(&logMutex);
        failureLog.append({type, text});
        return;
    }
    if (previousHandler)
        previousHandler(type, context, text);
}

} // namespace

// Named (not anonymous) so that failure reports can name them.
namespace SubmitTest {

struct Measurement
{
    QString unit;
    double value = 0;
    std::vector<int> samples;

    friend bool operator==(const Measurement &, const Measurement &) = default;
};

class ParseError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

FastThreadPool::Generator<int> countTo(int n)
{
    for (int i = 0; i < n; ++i)
        co_yield i;
}

FastThreadPool::Generator<int> yieldOneTwoThenThrow()
{
    co_yield 1;
    co_yield 2;
    throw std::runtime_error("generator broke after two values");
}

// Exported: the test executable is built with hidden visibility, and a plain function is
// named in the report through its dynamic symbol (dladdr).
Q_DECL_EXPORT int failingJobForExcStack(int value)
{
    throw std::runtime_error("excStack failure " + std::to_string(value));
}

} // namespace SubmitTest

class tst_Submit : public QObject
{
    Q_OBJECT

private slots:
    void idsAreUniqueNonZeroAndIncreasing_data();
    void idsAreUniqueNonZeroAndIncreasing();
    void idsAreUniqueAcrossSubmittingThreads();
    void resultIdPutsJobIdIntoEntries_data();
    void resultIdPutsJobIdIntoEntries();
    void submitFirstRunsBeforeQueuedJobsLastInFirstOut();
    void oneChildRunsJobsInSubmissionOrder();
    void submitDoneTrueKeepsValue();
    void submitDoneFalseRunsJobButKeepsNothing();
    void submitDoneCallableGetsTypedValueInWorker();
    void submitDoneCallableMayTakeQVariant();
    void exceptionInDoneCallableIsFailureOfJob();
    void submitDoneFirstGoesToHead();
    void voidJobGivesNullVariant();
    void intValueRoundTrips();
    void qstringValueRoundTrips();
    void stdStringValueRoundTrips();
    void customStructValueRoundTrips();
    void stdExceptionFailureHasDemangledTypeAndMessage();
    void thrownIntFailureHasTypeInt();
    void thrownStringLiteralFailureCarriesText();
    void rethrowThrowsOriginalType();
    void excStackDetailsDescribeFailure_data();
    void excStackDetailsDescribeFailure();
    void excArgsCarryJobArguments();
    void failuresAreLoggedAtLogLevel();
    void generatorGivesOneResultPerValue();
    void generatorThrowingKeepsYieldedValues();
    void nullFunctionThrowsAndChangesNothing();
    void submitAfterShutdownChildrenThrowsPoolStopped();
    void argumentsAreCopiedAtSubmit();
    void moveOnlyArgumentsWork();
    void largeCapturesWork();
    void submitFromInsideJobWorks();
    void ownDoneTrueFillsTheQueueOfAPoolThatDiscards();
    void ownDoneTrueFillsTheQueueDespiteThePoolsDoneCallback();
    void plainSubmitFollowsThePoolsDoneCallback();
    void excArgsNamesANonCopyableArgumentByItsDemangledType();
};

void tst_Submit::idsAreUniqueNonZeroAndIncreasing_data()
{
    QTest::addColumn<bool>("resultId");
    QTest::newRow("resultId=false") << false;
    QTest::newRow("resultId=true") << true;
}

void tst_Submit::idsAreUniqueNonZeroAndIncreasing()
{
    QFETCH(bool, resultId);
    Pool pool({.maxChildren = 2, .resultId = resultId});
    QList<JobId> ids;
    for (int i = 0; i < 500; ++i) {
        switch (i % 4) {
        case 0:
            ids.append(pool.submit([] {}));
            break;
        case 1:
            ids.append(pool.submitFirst([] {}));
            break;
        case 2:
            ids.append(pool.submitDone([] { return 1; }, false));
            break;
        default:
            ids.append(pool.submitDoneFirst([] { return 1; }, false));
            break;
        }
    }
    QVERIFY(pool.waitIdle(waitDeadline()));
    QVERIFY(ids.first() != 0);
    for (qsizetype i = 1; i < ids.size(); ++i)
        QVERIFY2(ids.at(i) > ids.at(i - 1), qPrintable(QString::number(i)));
}

void tst_Submit::idsAreUniqueAcrossSubmittingThreads()
{
    constexpr int kThreads = 3;
    constexpr int kPerThread = 500;
    Pool pool({.maxChildren = 2});
    std::vector<std::vector<JobId>> ids(kThreads);
    {
        std::vector<std::jthread> submitters;
        for (int t = 0; t < kThreads; ++t)
            submitters.emplace_back([&pool, &mine = ids[std::size_t(t)]] {
                for (int i = 0; i < kPerThread; ++i)
                    mine.push_back(pool.submit([] {}));
            });
    }
    QVERIFY(pool.waitIdle(waitDeadline()));
    QSet<JobId> all;
    for (const auto &mine : ids) {
        QCOMPARE(mine.size(), std::size_t(kPerThread));
        QVERIFY(std::is_sorted(mine.begin(), mine.end()));
        for (JobId id : mine) {
            QVERIFY(id != 0);
            all.insert(id);
        }
    }
    QCOMPARE(all.size(), kThreads * kPerThread);
}

void tst_Submit::resultIdPutsJobIdIntoEntries_data()
{
    QTest::addColumn<bool>("resultId");
    QTest::newRow("resultId=false") << false;
    QTest::newRow("resultId=true") << true;
}

void tst_Submit::resultIdPutsJobIdIntoEntries()
{
    QFETCH(bool, resultId);
    Pool pool({.maxChildren = 1, .resultId = resultId});
    const JobId valueJob = pool.submit([] { return 5; });
    const JobId failingJob = pool.submit([]() -> int { throw std::runtime_error("no"); });
    QVERIFY(pool.waitIdle(waitDeadline()));

    const auto result = pool.done().tryTake();
    QVERIFY(result.has_value());
    QCOMPARE(result->value.toInt(), 5);
    QCOMPARE(result->id, resultId ? valueJob : JobId(0));

    const auto failure = pool.failed().tryTake();
    QVERIFY(failure.has_value());
    QCOMPARE(failure->id, resultId ? failingJob : JobId(0));
}

void tst_Submit::submitFirstRunsBeforeQueuedJobsLastInFirstOut()
{
    Gate gate;
    QMutex mutex;
    QString order;
    auto record = [&](QChar name) {
        return [&mutex, &order, name] {
            QMutexLocker lock(&mutex);
            order.append(name);
        };
    };
    Pool pool({.maxChildren = 1});
    pool.submit([&gate] { gate.pass(); });
    QVERIFY(gate.waitEntered()); // the one child is busy from here on
    const JobId a = pool.submit(record(u'A'));
    const JobId b = pool.submit(record(u'B'));
    const JobId c = pool.submitFirst(record(u'C'));
    const JobId d = pool.submitFirst(record(u'D'));

    const QList<JobId> waiting = pool.jobs();
    gate.open();
    QVERIFY(pool.waitIdle(waitDeadline()));

    QCOMPARE(waiting, (QList<JobId>{d, c, a, b}));
    QCOMPARE(order, QStringLiteral("DCAB"));
    QVERIFY(pool.jobs().isEmpty());
}

void tst_Submit::oneChildRunsJobsInSubmissionOrder()
{
    constexpr int kJobs = 300;
    Gate gate;
    QMutex mutex;
    QList<int> ran;
    Pool pool({.maxChildren = 1});
    pool.submitDone([&gate] { gate.pass(); }, false);
    QVERIFY(gate.waitEntered());
    QList<int> submitted;
    for (int i = 0; i < kJobs; ++i) {
        pool.submit(
                [&mutex, &ran](int n) {
                    QMutexLocker lock(&mutex);
                    ran.append(n);
                    return n;
                },
                i);
        submitted.append(i);
    }
    gate.open();
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(ran, submitted);
    QCOMPARE(intValues(pool.done().takeAll()), submitted); // results in the same order
}

void tst_Submit::submitDoneTrueKeepsValue()
{
    Pool pool({.maxChildren = 1, .resultId = true});
    const JobId id = pool.submitDone([](int x) { return x * 3; }, true, 14);
    QVERIFY(pool.waitIdle(waitDeadline()));
    const QList<Result> done = pool.done().takeAll();
    QCOMPARE(done.size(), 1);
    QCOMPARE(done.first().id, id);
    QCOMPARE(done.first().value.toInt(), 42);
    QVERIFY(pool.failed().isEmpty());
}

void tst_Submit::submitDoneFalseRunsJobButKeepsNothing()
{
    std::atomic<int> ran{0};
    Pool pool({.maxChildren = 1});
    for (int i = 0; i < 3; ++i)
        pool.submitDone(
                [&ran] {
                    ran.fetch_add(1);
                    return QStringLiteral("discarded");
                },
                false);
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(ran.load(), 3);
    QVERIFY(pool.done().isEmpty());
    QCOMPARE(pool.doneCount().value(), 0);
    QVERIFY(pool.failed().isEmpty());
}

void tst_Submit::submitDoneCallableGetsTypedValueInWorker()
{
    QMutex mutex;
    QStringList received;
    QList<QThread *> callbackThreads;
    QList<QThread *> jobThreads;
    Pool pool({.maxChildren = 1});
    for (int i = 0; i < 3; ++i) {
        pool.submitDone(
                [&](int n) {
                    {
                        QMutexLocker lock(&mutex);
                        jobThreads.append(QThread::currentThread());
                    }
                    return QStringLiteral("value %1").arg(n);
                },
                [&](const QString &value) { // typed: the job's own return type
                    QMutexLocker lock(&mutex);
                    received.append(value);
                    callbackThreads.append(QThread::currentThread());
                },
                i);
    }
    QVERIFY(pool.waitIdle(waitDeadline()));

    QMutexLocker lock(&mutex);
    QCOMPARE(received,
             (QStringList{QStringLiteral("value 0"), QStringLiteral("value 1"),
                          QStringLiteral("value 2")}));
    QCOMPARE(callbackThreads, jobThreads); // in the worker that ran the job
    QVERIFY(pool.childThreads().contains(callbackThreads.first()));
    QVERIFY(callbackThreads.first() != QThread::currentThread());
    QVERIFY(pool.done().isEmpty()); // nothing queued
    QVERIFY(pool.failed().isEmpty());
}

void tst_Submit::submitDoneCallableMayTakeQVariant()
{
    QMutex mutex;
    QVariantList received;
    Pool pool({.maxChildren = 1});
    auto keep = [&](const QVariant &value) {
        QMutexLocker lock(&mutex);
        received.append(value);
    };
    pool.submitDone([] { return 17; }, keep);
    pool.submitDone([] { return QStringLiteral("text"); }, keep);
    QVERIFY(pool.waitIdle(waitDeadline()));

    QMutexLocker lock(&mutex);
    QCOMPARE(received.size(), 2);
    QCOMPARE(received.at(0).metaType(), QMetaType::fromType<int>());
    QCOMPARE(received.at(0).toInt(), 17);
    QCOMPARE(received.at(1).metaType(), QMetaType::fromType<QString>());
    QCOMPARE(received.at(1).toString(), QStringLiteral("text"));
    QVERIFY(pool.done().isEmpty());
}

void tst_Submit::exceptionInDoneCallableIsFailureOfJob()
{
    std::atomic<int> ran{0};
    Pool pool({.maxChildren = 1, .resultId = true});
    const JobId id = pool.submitDone(
            [&ran] {
                ran.fetch_add(1);
                return 3;
            },
            [](int) { throw std::runtime_error("callback rejected the value"); });
    QVERIFY(pool.waitIdle(waitDeadline()));

    QCOMPARE(ran.load(), 1);
    QVERIFY(pool.done().isEmpty());
    const QList<Failure> failed = pool.failed().takeAll();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().id, id);
    QCOMPARE(failed.first().type, QStringLiteral("std::runtime_error"));
    QCOMPARE(failed.first().message, QStringLiteral("callback rejected the value"));
}

void tst_Submit::submitDoneFirstGoesToHead()
{
    Gate gate;
    QMutex mutex;
    QString order;
    std::atomic<int> callbackValue{0};
    Pool pool({.maxChildren = 1, .resultId = true});
    pool.submitDone([&gate] { gate.pass(); }, false);
    QVERIFY(gate.waitEntered());
    auto job = [&](QChar name, int value) {
        return [&mutex, &order, name, value] {
            QMutexLocker lock(&mutex);
            order.append(name);
            return value;
        };
    };
    const JobId a = pool.submit(job(u'A', 1));
    const JobId b = pool.submitDoneFirst(job(u'B', 2), true);
    const JobId c = pool.submitDoneFirst(job(u'C', 3), [&](int v) { callbackValue.store(v); });
    const QList<JobId> waiting = pool.jobs();
    gate.open();
    QVERIFY(pool.waitIdle(waitDeadline()));

    QCOMPARE(waiting, (QList<JobId>{c, b, a}));
    QCOMPARE(order, QStringLiteral("CBA"));
    QCOMPARE(callbackValue.load(), 3);
    const QList<Result> done = pool.done().takeAll();
    QCOMPARE(done.size(), 2); // C's value went to its callback
    QCOMPARE(done.at(0).id, b);
    QCOMPARE(done.at(0).value.toInt(), 2);
    QCOMPARE(done.at(1).id, a);
    QCOMPARE(done.at(1).value.toInt(), 1);
}

void tst_Submit::voidJobGivesNullVariant()
{
    std::atomic<bool> ran{false};
    Pool pool({.maxChildren = 1, .resultId = true});
    const JobId id = pool.submit([&ran] { ran.store(true); });
    QVERIFY(pool.waitIdle(waitDeadline()));
    QVERIFY(ran.load());
    const QList<Result> done = pool.done().takeAll();
    QCOMPARE(done.size(), 1); // a void job still leaves one entry
    QCOMPARE(done.first().id, id);
    QVERIFY(!done.first().value.isValid());
    QVERIFY(done.first().value.isNull());
}

void tst_Submit::intValueRoundTrips()
{
    Pool pool({.maxChildren = 1});
    pool.submit([](int a, int b) { return a * b; }, -6, 7);
    QVERIFY(pool.waitIdle(waitDeadline()));
    const auto result = pool.done().tryTake();
    QVERIFY(result.has_value());
    QCOMPARE(result->value.metaType(), QMetaType::fromType<int>());
    QCOMPARE(result->value.value<int>(), -42);
}

void tst_Submit::qstringValueRoundTrips()
{
    Pool pool({.maxChildren = 1});
    const QString input = QStringLiteral("grüße, 世界");
    pool.submit([](const QString &s) { return s + s; }, input);
    QVERIFY(pool.waitIdle(waitDeadline()));
    const auto result = pool.done().tryTake();
    QVERIFY(result.has_value());
    QCOMPARE(result->value.metaType(), QMetaType::fromType<QString>());
    QCOMPARE(result->value.value<QString>(), input + input);
}

void tst_Submit::stdStringValueRoundTrips()
{
    Pool pool({.maxChildren = 1});
    const std::string input("bytes\0kept", 10); // an embedded NUL survives as std::string
    pool.submit([](std::string s) { return s + "!"; }, input);
    QVERIFY(pool.waitIdle(waitDeadline()));
    const auto result = pool.done().tryTake();
    QVERIFY(result.has_value());
    QCOMPARE(result->value.metaType(), QMetaType::fromType<std::string>());
    QCOMPARE(result->value.value<std::string>(), input + "!");
}

void tst_Submit::customStructValueRoundTrips()
{
    using SubmitTest::Measurement;
    const Measurement expected{QStringLiteral("mV"), 3.25, {1, 2, 3, 5, 8}};
    Pool pool({.maxChildren = 1});
    pool.submit([](Measurement m) { return m; }, expected);
    QVERIFY(pool.waitIdle(waitDeadline()));
    const auto result = pool.done().tryTake();
    QVERIFY(result.has_value());
    QCOMPARE(result->value.metaType(), QMetaType::fromType<Measurement>());
    QVERIFY(result->value.canConvert<Measurement>());
    const Measurement got = result->value.value<Measurement>();
    QCOMPARE(got.unit, expected.unit);
    QCOMPARE(got.value, expected.value);
    QVERIFY(got == expected);
}

void tst_Submit::stdExceptionFailureHasDemangledTypeAndMessage()
{
    Pool pool({.maxChildren = 1});
    pool.submit([]() -> int { throw std::runtime_error("runtime trouble"); });
    pool.submit([] { throw std::out_of_range("index 9 of 3"); });
    pool.submit([] { throw SubmitTest::ParseError("bad token ')'"); });
    QVERIFY(pool.waitIdle(waitDeadline()));

    const QList<Failure> failed = pool.failed().takeAll();
    QCOMPARE(failed.size(), 3); // one child: in submission order
    QCOMPARE(failed.at(0).type, QStringLiteral("std::runtime_error"));
    QCOMPARE(failed.at(0).message, QStringLiteral("runtime trouble"));
    QCOMPARE(failed.at(1).type, QStringLiteral("std::out_of_range"));
    QCOMPARE(failed.at(1).message, QStringLiteral("index 9 of 3"));
    QCOMPARE(failed.at(2).type, QStringLiteral("SubmitTest::ParseError"));
    QCOMPARE(failed.at(2).message, QStringLiteral("bad token ')'"));
    QCOMPARE(failed.at(0).toString(), QStringLiteral("std::runtime_error: runtime trouble"));
    QVERIFY(pool.done().isEmpty());
}

void tst_Submit::thrownIntFailureHasTypeInt()
{
    Pool pool({.maxChildren = 1});
    pool.submit([] { throw 42; });
    QVERIFY(pool.waitIdle(waitDeadline()));
    const auto failure = pool.failed().tryTake();
    QVERIFY(failure.has_value());
    QCOMPARE(failure->type, QStringLiteral("int"));
    QVERIFY(failure->message.isEmpty());
    QVERIFY(failure->exception != nullptr);
}

void tst_Submit::thrownStringLiteralFailureCarriesText()
{
    Pool pool({.maxChildren = 1});
    pool.submit([] { throw "text"; });
    QVERIFY(pool.waitIdle(waitDeadline()));
    const auto failure = pool.failed().tryTake();
    QVERIFY(failure.has_value());
    QCOMPARE(failure->message, QStringLiteral("text"));
    QVERIFY2(failure->type.contains(QStringLiteral("char")), qPrintable(failure->type));
}

void tst_Submit::rethrowThrowsOriginalType()
{
    Pool pool({.maxChildren = 1});
    pool.submit([] { throw SubmitTest::ParseError("unexpected end"); });
    pool.submit([] { throw 42; });
    QVERIFY(pool.waitIdle(waitDeadline()));
    const QList<Failure> failed = pool.failed().takeAll();
    QCOMPARE(failed.size(), 2);

    QVERIFY_THROWS_EXCEPTION(SubmitTest::ParseError, failed.at(0).rethrow());
    QString message;
    try {
        failed.at(0).rethrow();
    } catch (const SubmitTest::ParseError &e) {
        message = QString::fromUtf8(e.what());
    }
    QCOMPARE(message, QStringLiteral("unexpected end"));

    int thrown = 0;
    try {
        failed.at(1).rethrow();
    } catch (int value) {
        thrown = value;
    }
    QCOMPARE(thrown, 42);
}

void tst_Submit::excStackDetailsDescribeFailure_data()
{
    QTest::addColumn<bool>("resultId");
    QTest::addColumn<bool>("plainFunction");
    QTest::newRow("function, resultId=true") << true << true;
    QTest::newRow("function, resultId=false") << false << true;
    QTest::newRow("lambda, resultId=true") << true << false;
}

void tst_Submit::excStackDetailsDescribeFailure()
{
    QFETCH(bool, resultId);
    QFETCH(bool, plainFunction);
    Pool pool({.maxChildren = 1, .resultId = resultId, .excStack = true});
    // Ids first, so that the failing job's id is a number (> 64 stack frames) that the
    // rest of the report cannot contain by accident.
    for (int i = 0; i < 200; ++i)
        pool.submitDone([] {}, false);
    const JobId id = plainFunction
            ? pool.submit(&SubmitTest::failingJobForExcStack, 4711)
            : pool.submit([](int v) { return SubmitTest::failingJobForExcStack(v); }, 4711);
    QVERIFY(pool.waitIdle(waitDeadline()));
    const auto failure = pool.failed().tryTake();
    QVERIFY(failure.has_value());
    const QString details = failure->details;
    QVERIFY2(details.contains(QStringLiteral("std::runtime_error")), qPrintable(details));
    QVERIFY2(details.contains(QStringLiteral("excStack failure 4711")), qPrintable(details));
    // The function: its symbol, or for a lambda the function that defines it.
    const QString function = plainFunction ? QStringLiteral("failingJobForExcStack")
                                           : QStringLiteral("excStackDetailsDescribeFailure");
    QVERIFY2(details.contains(function), qPrintable(details));
    // The job's id (ids are never 0), whatever resultId says about Failure::id.
    const QRegularExpression jobIdPattern(QStringLiteral("\\b%1\\b").arg(id));
    QVERIFY2(details.contains(jobIdPattern),
             qPrintable(QStringLiteral("job id %1 not in: %2").arg(id).arg(details)));
    // The short form is still there.
    QCOMPARE(failure->type, QStringLiteral("std::runtime_error"));
    QCOMPARE(failure->message, QStringLiteral("excStack failure 4711"));
}

void tst_Submit::excArgsCarryJobArguments()
{
    Pool pool({.maxChildren = 1, .excArgs = true});
    pool.submit([](int, const QString &, std::string,
                   double) -> int { throw std::invalid_argument("rejected"); },
                7, QStringLiteral("seven"), std::string("sieben"), 7.5);
    QVERIFY(pool.waitIdle(waitDeadline()));
    const auto failure = pool.failed().tryTake();
    QVERIFY(failure.has_value());
    QCOMPARE(failure->args.size(), 4);
    QCOMPARE(failure->args.at(0).toInt(), 7);
    QCOMPARE(failure->args.at(1).toString(), QStringLiteral("seven"));
    QCOMPARE(failure->args.at(2).value<std::string>(), std::string("sieben"));
    QCOMPARE(failure->args.at(3).toDouble(), 7.5);
    QCOMPARE(failure->type, QStringLiteral("std::invalid_argument"));

    // Without excArgs, no arguments are kept.
    Pool plain({.maxChildren = 1});
    plain.submit([](int) { throw std::runtime_error("x"); }, 1);
    QVERIFY(plain.waitIdle(waitDeadline()));
    const auto bare = plain.failed().tryTake();
    QVERIFY(bare.has_value());
    QVERIFY(bare->args.isEmpty());
}

void tst_Submit::failuresAreLoggedAtLogLevel()
{
    {
        QMutexLocker lock(&logMutex);
        failureLog.clear();
    }
    previousHandler = qInstallMessageHandler(captureFailureLog);
    struct Restore
    {
        ~Restore() { qInstallMessageHandler(previousHandler); }
    } restore;

    constexpr int kFailures = 3;
    {
        Pool pool({.maxChildren = 2, .logLevel = QtWarningMsg});
        for (int i = 0; i < kFailures; ++i)
            pool.submit(
                    [](int n) { throw std::runtime_error("logged failure #" + std::to_string(n)); },
                    i);
        pool.submit([] { return 1; }); // a success is not logged
        QVERIFY(pool.waitIdle(waitDeadline()));
        QCOMPARE(pool.failed().size(), qsizetype(kFailures)); // logged and still queued
    }

    QMutexLocker lock(&logMutex);
    QCOMPARE(failureLog.size(), kFailures);
    for (int i = 0; i < kFailures; ++i) {
        const QString text = QStringLiteral("logged failure #%1").arg(i);
        const auto matching
                = std::count_if(failureLog.begin(), failureLog.end(),
                                [&](const LoggedMessage &m) { return m.text.contains(text); });
        QCOMPARE(matching, 1);
    }
    for (const LoggedMessage &message : failureLog) {
        QCOMPARE(message.type, QtWarningMsg);
        QVERIFY2(message.text.contains(QStringLiteral("std::runtime_error")),
                 qPrintable(message.text));
    }
}

void tst_Submit::generatorGivesOneResultPerValue()
{
    constexpr int kValues = 6;
    Pool pool({.maxChildren = 1, .resultId = true});
    const JobId id = pool.submit(&SubmitTest::countTo, kValues);
    QVERIFY(pool.waitIdle(waitDeadline()));

    const QList<Result> done = pool.done().takeAll();
    QCOMPARE(done.size(), kValues);
    QList<int> expected(kValues);
    std::iota(expected.begin(), expected.end(), 0);
    QCOMPARE(intValues(done), expected);
    for (const Result &result : done)
        QCOMPARE(result.id, id);
    QVERIFY(pool.failed().isEmpty());
}

void tst_Submit::generatorThrowingKeepsYieldedValues()
{
    Pool pool({.maxChildren = 1, .resultId = true});
    const JobId id = pool.submit(&SubmitTest::yieldOneTwoThenThrow);
    QVERIFY(pool.waitIdle(waitDeadline()));

    const QList<Result> done = pool.done().takeAll();
    QCOMPARE(intValues(done), (QList<int>{1, 2}));
    for (const Result &result : done)
        QCOMPARE(result.id, id);
    const QList<Failure> failed = pool.failed().takeAll();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().id, id);
    QCOMPARE(failed.first().message, QStringLiteral("generator broke after two values"));
}

void tst_Submit::nullFunctionThrowsAndChangesNothing()
{
    Gate gate;
    Pool pool({.maxChildren = 1});
    pool.submitDone([&gate] { gate.pass(); }, false);
    pool.submit([] { return 1; });
    pool.submit([] { return 2; });
    QVERIFY(gate.waitEntered());
    const qint64 pendingBefore = pool.pending();
    const QList<JobId> jobsBefore = pool.jobs();

    int (*nullFunction)() = nullptr;
    std::function<int()> emptyFunction;
    std::function<void(int)> emptyCallback;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.submit(nullFunction));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.submit(emptyFunction));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.submitFirst(nullFunction));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.submitDone(emptyFunction, true));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.submitDoneFirst(nullFunction, false));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             pool.submitDone([] { return 3; }, emptyCallback));

    QCOMPARE(pool.pending(), pendingBefore);
    QCOMPARE(pool.jobs(), jobsBefore);
    QCOMPARE(pool.childCount(), 1);
    gate.open();
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(intValues(pool.done().takeAll()), (QList<int>{1, 2})); // nothing lost
    QVERIFY(pool.failed().isEmpty());
}

void tst_Submit::submitAfterShutdownChildrenThrowsPoolStopped()
{
    std::atomic<int> ran{0};
    auto count = [&ran] { ran.fetch_add(1); };
    Pool pool({.maxChildren = 1});
    pool.submit(count);
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(ran.load(), 1);

    pool.shutdownChildren();
    QVERIFY(pool.isShutdown());
    QVERIFY_THROWS_EXCEPTION(FastThreadPool::PoolStopped, pool.submit(count));
    QVERIFY_THROWS_EXCEPTION(FastThreadPool::PoolStopped, pool.submitFirst(count));
    QVERIFY_THROWS_EXCEPTION(FastThreadPool::PoolStopped, pool.submitDone(count, true));
    QVERIFY_THROWS_EXCEPTION(FastThreadPool::PoolStopped, pool.submitDoneFirst(count, false));
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(ran.load(), 1);
    QCOMPARE(pool.pending(), qint64(0));

    // Until clear(): then the pool takes jobs again.
    pool.clear();
    QVERIFY(!pool.isShutdown());
    pool.submit(count);
    QVERIFY(pool.waitIdle(waitDeadline()));
    QCOMPARE(ran.load(), 2);
}

void tst_Submit::argumentsAreCopiedAtSubmit()
{
    Gate gate;
    QString text = QStringLiteral("before");
    std::vector<int> numbers{1, 2, 3};
    const QString expected
            = text + QString::number(std::accumulate(numbers.begin(), numbers.end(), 0));
    Pool pool({.maxChildren = 1});
    pool.submitDone([&gate] { gate.pass(); }, false);
    QVERIFY(gate.waitEntered()); // the job below cannot start before the changes
    pool.submit(
            [](const QString &t, const std::vector<int> &v) {
                return t + QString::number(std::accumulate(v.begin(), v.end(), 0));
            },
            text, numbers);
    text = QStringLiteral("after");
    numbers.push_back(100);
    gate.open();
    QVERIFY(pool.waitIdle(waitDeadline()));
    const auto result = pool.done().tryTake();
    QVERIFY(result.has_value());
    QCOMPARE(result->value.toString(), expected);
}

void tst_Submit::moveOnlyArgumentsWork()
{
    Pool pool({.maxChildren = 1});
    auto owned = std::make_unique<int>(41);
    pool.submit([](std::unique_ptr<int> p) { return *p + 1; }, std::move(owned));
    QVERIFY(!owned); // moved into the job
    pool.submit([](const std::unique_ptr<std::string> &p) { return *p; },
                std::make_unique<std::string>("by reference"));
    // A move-only callable, too.
    pool.submit([p = std::make_unique<int>(7)] { return *p * 2; });
    QVERIFY(pool.waitIdle(waitDeadline()));

    const QList<Result> done = pool.done().takeAll();
    QCOMPARE(done.size(), 3);
    QCOMPARE(done.at(0).value.toInt(), 42);
    QCOMPARE(done.at(1).value.value<std::string>(), std::string("by reference"));
    QCOMPARE(done.at(2).value.toInt(), 14);
    QVERIFY(pool.failed().isEmpty());
}

void tst_Submit::largeCapturesWork()
{
    constexpr int kJobs = 50;
    std::array<qint64, 64> data{};
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = qint64(i * i);
    auto sumPlus
            = [data](qint64 offset) { return std::accumulate(data.begin(), data.end(), offset); };
    static_assert(sizeof(sumPlus) > FastThreadPool::detail::Task::kInlineSize,
                  "the capture must exceed the inline storage of a job");

    Pool pool({.maxChildren = 2});
    qint64 expectedTotal = 0;
    for (int i = 0; i < kJobs; ++i) {
        pool.submit(sumPlus, qint64(i));
        expectedTotal += sumPlus(qint64(i));
    }
    // A large argument (not a capture) as well.
    pool.submit(
            [](const std::array<qint64, 64> &a) {
                return std::accumulate(a.begin(), a.end(), qint64(0));
            },
            data);
    expectedTotal += std::accumulate(data.begin(), data.end(), qint64(0));
    QVERIFY(pool.waitIdle(waitDeadline()));

    const QList<Result> done = pool.done().takeAll();
    QCOMPARE(done.size(), kJobs + 1);
    qint64 total = 0;
    for (const Result &result : done)
        total += result.value.value<qint64>();
    QCOMPARE(total, expectedTotal);
}

void tst_Submit::submitFromInsideJobWorks()
{
    std::atomic<JobId> innerId{0};
    std::atomic<bool> innerThrew{false};
    Pool pool({.maxChildren = 1, .resultId = true});
    const JobId outerId = pool.submit([&pool, &innerId, &innerThrew] {
        try {
            innerId.store(pool.submit([](int x) { return x * 10; }, 2));
        } catch (...) {
            innerThrew.store(true);
        }
        return 1;
    });
    QVERIFY(pool.waitIdle(waitDeadline()));

    QVERIFY(!innerThrew.load());
    QVERIFY(innerId.load() > outerId);
    const QList<Result> done = pool.done().takeAll();
    QCOMPARE(done.size(), 2);
    QCOMPARE(done.at(0).id, outerId); // one child: the outer job finishes first
    QCOMPARE(done.at(0).value.toInt(), 1);
    QCOMPARE(done.at(1).id, innerId.load());
    QCOMPARE(done.at(1).value.toInt(), 20);
}

namespace {
struct Unique
{
    std::unique_ptr<int> value;
};
} // namespace

void tst_Submit::ownDoneTrueFillsTheQueueOfAPoolThatDiscards()
{
    Pool pool({.maxChildren = 1, .doneCallback = false});
    pool.submitDone(TestSupport::identity, true, 5);
    pool.submitDoneFirst(TestSupport::identity, true, 6);
    pool.submit(TestSupport::identity, 7); // the pool's choice: discarded
    QVERIFY(pool.waitIdle(waitDeadline()));
    QList<int> values;
    for (const Result &r : pool.done().takeAll())
        values.append(r.value.toInt());
    std::sort(values.begin(), values.end());
    QCOMPARE(values, QList<int>({5, 6}));
}

void tst_Submit::ownDoneTrueFillsTheQueueDespiteThePoolsDoneCallback()
{
    std::atomic<int> toCallback{0};
    Pool pool({.maxChildren = 1,
               .doneCallback = [&toCallback](const Result &) { toCallback.fetch_add(1); }});
    pool.submitDone(TestSupport::identity, true, 5);
    QVERIFY(pool.waitIdle(waitDeadline()));
    const auto result = pool.done().tryTake();
    QVERIFY(result.has_value());
    QCOMPARE(result->value.toInt(), 5);
    QVERIFY(pool.shutdown(waitDeadline())); // the callback thread has handed out all
    QCOMPARE(toCallback.load(), 0);
}

void tst_Submit::plainSubmitFollowsThePoolsDoneCallback()
{
    TestSupport::Semaphore handed;
    Pool pool({.maxChildren = 1, .doneCallback = [&handed](const Result &) { handed.release(); }});
    pool.submit(TestSupport::identity, 5);
    QVERIFY(handed.tryAcquire(1, kWaitMs));
    QVERIFY(pool.done().isEmpty());
}

void tst_Submit::excArgsNamesANonCopyableArgumentByItsDemangledType()
{
    Pool pool({.maxChildren = 1, .excArgs = true});
    pool.submit([](const Unique &, int) -> int { throw std::runtime_error("x"); },
                Unique{std::make_unique<int>(1)}, 3);
    QVERIFY(pool.waitIdle(waitDeadline()));
    const auto failure = pool.failed().tryTake();
    QVERIFY(failure.has_value());
    QCOMPARE(failure->args.size(), 2);
    QCOMPARE(failure->args.at(0).toString(), QStringLiteral("(anonymous namespace)::Unique"));
    QCOMPARE(failure->args.at(1).toInt(), 3);
}

QTEST_GUILESS_MAIN(tst_Submit)
#include "tst_submit.moc"
