// White-box tests of the type-erased job: inline storage, relocation, one destruction.
#include <fastthreadpool/detail/task.h>

#include <fastthreadpool/detail/jobcontext.h>

#include <QtTest/qtest.h>

#include <array>
#include <memory>

using FastThreadPool::JobContext;
using FastThreadPool::JobId;
using FastThreadPool::detail::Task;

class tst_Task : public QObject
{
    Q_OBJECT

private slots:
    void emptyTaskIsFalse();
    void smallClosureLivesInline();
    void largeClosureLivesOnTheHeap();
    void runConsumesTheClosure();
    void resetDestroysWithoutRunning();
    void moveTransfersOwnership();
    void cloneCopiesTheClosure();
    void moveOnlyClosureIsNotCloneable();
};

namespace {
struct Counters
{
    int runs = 0;
    int destroyed = 0;
};

// Counts destructions of live (not moved-from) instances.
struct Probe
{
    Counters *counters;
    explicit Probe(Counters *c) : counters(c) { }
    Probe(Probe &&other) noexcept : counters(std::exchange(other.counters, nullptr)) { }
    ~Probe()
    {
        if (counters)
            ++counters->destroyed;
    }
    void operator()(JobContext &) { ++counters->runs; }
};

struct BigProbe : Probe
{
    using Probe::Probe;
    std::array<char, 200> payload{};
};

//! A task runs against the core's abstract sink: these tests need no result path.
struct NullContext final : JobContext
{
    NullContext() : JobContext(1, true, false) { }
    void deliver(QVariant &&, JobId, bool) override { }
    void fail(std::exception_ptr, JobId, QVariantList &&,
              const FastThreadPool::detail::FunctionInfo &) noexcept override
    { }
    void setProgress(int, int, const QString &) override { }
};

struct Harness
{
    NullContext context;
};
} // namespace

void tst_Task::emptyTaskIsFalse()
{
    Task task;
    QVERIFY(!task);
    task.reset(); // harmless
}

void tst_Task::smallClosureLivesInline()
{
    static_assert(sizeof(Probe) <= Task::kInlineSize);
    Counters counters;
    Task task = Task::make(Probe(&counters));
    QVERIFY(bool(task));
    // Building the task moved the probe in; the only live instance sits in the task.
    QCOMPARE(counters.destroyed, 0);
}

void tst_Task::largeClosureLivesOnTheHeap()
{
    static_assert(sizeof(BigProbe) > Task::kInlineSize);
    Counters counters;
    Harness harness;
    Task task = Task::make(BigProbe(&counters));
    Task moved = std::move(task);
    moved.run(harness.context);
    QCOMPARE(counters.runs, 1);
    QCOMPARE(counters.destroyed, 1);
}

void tst_Task::runConsumesTheClosure()
{
    Counters counters;
    Harness harness;
    Task task = Task::make(Probe(&counters));
    task.run(harness.context);
    QCOMPARE(counters.runs, 1);
    QCOMPARE(counters.destroyed, 1);
    QVERIFY(!task);
}

void tst_Task::resetDestroysWithoutRunning()
{
    Counters counters;
    {
        Task task = Task::make(Probe(&counters));
        task.reset();
        QCOMPARE(counters.destroyed, 1);
    }
    QCOMPARE(counters.runs, 0);
    QCOMPARE(counters.destroyed, 1);
}

void tst_Task::moveTransfersOwnership()
{
    Counters counters;
    Harness harness;
    Task first = Task::make(Probe(&counters));
    Task second;
    second = std::move(first);
    QVERIFY(!first);
    QVERIFY(bool(second));
    QCOMPARE(counters.destroyed, 0);
    second.run(harness.context);
    QCOMPARE(counters.runs, 1);
    QCOMPARE(counters.destroyed, 1);
}

void tst_Task::cloneCopiesTheClosure()
{
    int runs = 0;
    Harness harness;
    std::array<char, 100> big{}; // heap-stored closure: clone() copies the pointee
    Task small = Task::make([&runs](JobContext &) { ++runs; });
    Task large = Task::make([&runs, big](JobContext &) { runs += 10 + big[0]; });
    QVERIFY(small.cloneable());
    QVERIFY(large.cloneable());
    Task smallCopy = small.clone();
    Task largeCopy = large.clone();
    smallCopy.run(harness.context);
    largeCopy.run(harness.context);
    small.run(harness.context);
    large.run(harness.context);
    QCOMPARE(runs, 22);
}

void tst_Task::moveOnlyClosureIsNotCloneable()
{
    Counters counters;
    Task task = Task::make(Probe(&counters));
    QVERIFY(!task.cloneable());
    QVERIFY(!Task().cloneable());
}

QTEST_GUILESS_MAIN(tst_Task)
#include "tst_task.moc"
