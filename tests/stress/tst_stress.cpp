// Random interleavings of submit / submitFirst / submitDone / cancel / cancelAll / map /
// shutdown from four threads against fresh pools, until at least FASTTHREADPOOL_STRESS_JOBS
// jobs were submitted (or, as a soak, for FASTTHREADPOOL_STRESS_SECONDS). In some rounds the
// results and failures come as signals to the test thread, which runs its event loop meanwhile,
// instead of through the queues. Every job carries a witness: its closure must be destroyed exactly
// once, it runs at most once, never after a successful cancel or a refused submit, and
// every result and failure it produced is found exactly once. Print the seed; set
// FASTTHREADPOOL_STRESS_SEED to replay one.
#include <fastthreadpool/pool.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdebug.h>
#include <QtCore/qelapsedtimer.h>
#include <QtTest/qtest.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace FastThreadPool;
using namespace std::chrono_literals;

namespace {

struct Ledger
{
    explicit Ledger(std::size_t jobs)
        : ran(jobs)
        , destroyed(jobs)
        , callbacks(jobs)
        , cancelled(jobs)
        , askedToStop(jobs)
        , refused(jobs)
        , ids(jobs)
        , mode(jobs)
    { }
    std::vector<std::atomic<int>> ran; // times the job body ran
    std::vector<std::atomic<int>> destroyed; // times its closure was destroyed
    std::vector<std::atomic<int>> callbacks; // per-job done callback calls
    std::vector<std::atomic<int>> cancelled; // cancel(id) returned true
    // cancel(id) returned false: the job may have been running, and then ends cancelled
    // (its outcome dropped) if it had not handed its value over yet.
    std::vector<std::atomic<int>> askedToStop;
    std::vector<std::atomic<int>> refused; // submit threw PoolStopped
    std::vector<std::atomic<JobId>> ids;
    std::vector<std::atomic<int>> mode; // Mode of the job
    std::atomic<int> next{0};
};

enum Mode : int { Keep, Discard, Callback, Throw, MapItem };

// Lives in the job's closure; its destructor is the closure's end.
struct Witness
{
    Ledger *ledger;
    int token;
    Witness(Ledger *l, int t) : ledger(l), token(t) { }
    Witness(Witness &&other) noexcept : ledger(other.ledger), token(std::exchange(other.token, -1))
    { }
    Witness &operator=(Witness &&) = delete;
    ~Witness()
    {
        if (token >= 0)
            ledger->destroyed[std::size_t(token)].fetch_add(1);
    }
};

struct Recent
{
    // Recently submitted (id, token) pairs for the cancelling threads.
    static constexpr std::size_t kSize = 1024;
    std::atomic<std::uint64_t> entries[kSize]{};
    void put(JobId id, int token, std::uint64_t where)
    {
        entries[where % kSize].store((id << 24) | std::uint64_t(token), std::memory_order_relaxed);
    }
    std::pair<JobId, int> get(std::uint64_t where) const
    {
        const std::uint64_t v = entries[where % kSize].load(std::memory_order_relaxed);
        return {v >> 24, int(v & 0xFFFFFF)};
    }
};

} // namespace

class tst_Stress : public QObject
{
    Q_OBJECT

private slots:
    void everyJobEndsExactlyOnce();

private:
    // Returns the number of jobs submitted in this round.
    int round(std::uint64_t seed, int ops);
};

void tst_Stress::everyJobEndsExactlyOnce()
{
    const qint64 target = qEnvironmentVariableIsSet("FASTTHREADPOOL_STRESS_JOBS")
            ? qEnvironmentVariable("FASTTHREADPOOL_STRESS_JOBS").toLongLong()
            : 1'000'000;
    std::uint64_t seed = qEnvironmentVariableIsSet("FASTTHREADPOOL_STRESS_SEED")
            ? qEnvironmentVariable("FASTTHREADPOOL_STRESS_SEED").toULongLong()
            : std::random_device{}();
    // A soak: rounds until FASTTHREADPOOL_STRESS_SECONDS passed, whatever the job count.
    const qint64 seconds = qEnvironmentVariableIsSet("FASTTHREADPOOL_STRESS_SECONDS")
            ? qEnvironmentVariable("FASTTHREADPOOL_STRESS_SECONDS").toLongLong()
            : 0;
    if (seconds > 0)
        qInfo("seed %llu, soak for %lld s", static_cast<unsigned long long>(seed), seconds);
    else
        qInfo("seed %llu, target %lld jobs", static_cast<unsigned long long>(seed), target);
    QElapsedTimer timer;
    timer.start();
    qint64 jobs = 0;
    int rounds = 0;
    while (seconds > 0 ? timer.elapsed() < seconds * 1000 : jobs < target) {
        jobs += round(seed + std::uint64_t(rounds), 4000);
        if (QTest::currentTestFailed()) {
            qWarning("failed in round %d (seed %llu)", rounds,
                     static_cast<unsigned long long>(seed + std::uint64_t(rounds)));
            return;
        }
        ++rounds;
    }
    qInfo("%lld jobs in %d rounds, %lld ms", jobs, rounds, timer.elapsed());
}

int tst_Stress::round(std::uint64_t seed, int ops)
{
    constexpr int kThreads = 4;
    std::mt19937_64 setup(seed);
    const int maxChildren = int(setup() % 4) + 1;
    const bool soonShutdown = setup() % 4 == 0; // a thread calls shutdown(soon) midway
    const bool plainShutdown = setup() % 4 == 1; // ... or a graceful shutdown()
    const int doneMax = setup() % 3 == 0 ? 64 : 0;
    const bool viaSignals = setup() % 4 == 2; // results reach this thread as signals
    const std::size_t capacity = std::size_t(kThreads) * std::size_t(ops) * 4;

    Ledger ledger(capacity);
    Recent recent;
    std::vector<std::atomic<int>> mapRuns(capacity);
    std::atomic<std::uint64_t> mapItems{0};
    std::atomic<bool> stopped{false};
    auto pool = std::make_unique<Pool>(
            PoolOptions{.maxChildren = maxChildren, .resultId = true, .doneMax = doneMax});

    // With doneMax a drainer keeps results flowing; the taken entries are checked later.
    std::atomic<bool> draining{doneMax > 0};
    std::mutex takenMutex;
    QList<Result> taken;
    QList<Failure> signalledFailures;
    if (viaSignals) {
        QObject::connect(pool.get(), &Pool::resultReady, pool.get(),
                         [&](JobId id, const QVariant &value) {
                             std::lock_guard lock(takenMutex);
                             taken.append(Result{id, value});
                         });
        QObject::connect(pool.get(), &Pool::jobFailed, pool.get(),
                         [&](JobId, const Failure &failure) { signalledFailures.append(failure); });
    }
    std::thread drainer([&] {
        while (draining.load()) {
            if (auto result = pool->done().take(QDeadlineTimer(5ms))) {
                std::lock_guard lock(takenMutex);
                taken.append(std::move(*result));
            }
        }
    });

    auto makeJob = [&](int token, int mode) {
        ledger.mode[std::size_t(token)].store(mode);
        return [w = Witness(&ledger, token), mode]() -> int {
            w.ledger->ran[std::size_t(w.token)].fetch_add(1);
            if (mode == Throw)
                throw std::runtime_error(std::to_string(w.token));
            return w.token;
        };
    };

    std::vector<std::thread> threads;
    std::atomic<int> threadsDone{0};
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            struct Done
            {
                std::atomic<int> &count;
                ~Done() { count.fetch_add(1); }
            } done{threadsDone};
            std::mt19937_64 random(seed * 7919 + std::uint64_t(t));
            for (int op = 0; op < ops; ++op) {
                const int dice = int(random() % 1000);
                if (t == 0 && op == ops / 2 && (soonShutdown || plainShutdown)) {
                    stopped.store(true);
                    pool->shutdown(QDeadlineTimer(QDeadlineTimer::Forever), soonShutdown);
                    continue;
                }
                if (dice < 150) { // cancel a recent job, maybe another thread's
                    const auto [id, token] = recent.get(random());
                    if (id != 0) {
                        if (pool->cancel(id))
                            ledger.cancelled[std::size_t(token)].fetch_add(1);
                        else
                            ledger.askedToStop[std::size_t(token)].fetch_add(1);
                    }
                    continue;
                }
                if (dice < 152) {
                    pool->cancelAll();
                    continue;
                }
                if (dice < 170) { // a small map of item tokens
                    std::vector<int> items;
                    for (int i = 0; i < 8; ++i)
                        items.push_back(int(mapItems.fetch_add(1)));
                    if (std::size_t(items.back()) >= capacity)
                        continue;
                    try {
                        pool->map([&mapRuns](int item) { mapRuns[std::size_t(item)].fetch_add(1); },
                                  std::move(items), false, random() % 2 == 0);
                    } catch (const PoolStopped &) { }
                    continue;
                }
                const int token = ledger.next.fetch_add(1);
                if (std::size_t(token) >= capacity)
                    break;
                try {
                    JobId id = 0;
                    if (dice < 600) {
                        id = pool->submit(makeJob(token, Keep));
                    } else if (dice < 750) {
                        id = pool->submitFirst(makeJob(token, Keep));
                    } else if (dice < 850) {
                        id = pool->submitDone(makeJob(token, Discard), false);
                    } else if (dice < 930) {
                        id = pool->submitDoneFirst(makeJob(token, Callback), [&ledger, token](int) {
                            ledger.callbacks[std::size_t(token)].fetch_add(1);
                        });
                    } else {
                        id = pool->submit(makeJob(token, Throw));
                    }
                    ledger.ids[std::size_t(token)].store(id);
                    recent.put(id, token, random());
                } catch (const PoolStopped &) {
                    ledger.refused[std::size_t(token)].fetch_add(1);
                }
            }
        });
    }
    if (viaSignals) {
        // The receiving thread keeps its event loop running while the others work.
        while (threadsDone.load() < kThreads)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    for (auto &thread : threads)
        thread.join();

    if (!stopped.load())
        [&] { QVERIFY(pool->waitIdle(QDeadlineTimer(120s))); }();
    if (QTest::currentTestFailed())
        return 0;
    draining.store(false);
    drainer.join();
    if (viaSignals) {
        // Everything queued now is delivered by the events posted for it.
        QDeadlineTimer deadline(120s);
        while ((!pool->done().isEmpty() || !pool->failed().isEmpty()) && !deadline.hasExpired())
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        [&] { QVERIFY(!deadline.hasExpired()); }();
    }

    // Quiescent: the semaphores equal the queue lengths.
    [&] {
        QCOMPARE(pool->doneCount().value(), int(pool->done().size()));
        QCOMPARE(pool->failedCount().value(), int(pool->failed().size()));
        if (!soonShutdown)
            QCOMPARE(pool->pending(), 0);
    }();
    const QList<Result> results = taken + pool->done().takeAll();
    const QList<Failure> failures = signalledFailures + pool->failed().takeAll();
    pool->clear(); // drops what a soon-shutdown left pending
    pool.reset(); // the destructor must not run anything else
    const int submitted = std::min(ledger.next.load(), int(capacity));

    std::vector<int> resultCount(capacity), failureCount(capacity);
    for (const Result &result : results) {
        const int token = result.value.toInt();
        [&] {
            QVERIFY(token >= 0 && token < submitted);
            QCOMPARE(result.id, ledger.ids[std::size_t(token)].load());
        }();
        ++resultCount[std::size_t(token)];
    }
    for (const Failure &failure : failures) {
        const int token = failure.message.toInt();
        [&] { QCOMPARE(failure.id, ledger.ids[std::size_t(token)].load()); }();
        ++failureCount[std::size_t(token)];
    }
    for (int token = 0; token < submitted; ++token) {
        const auto i = std::size_t(token);
        const int ran = ledger.ran[i].load();
        [&] {
            QVERIFY2(ledger.destroyed[i].load() == 1,
                     qPrintable(QStringLiteral("job %1: closure destroyed %2 times")
                                        .arg(token)
                                        .arg(ledger.destroyed[i].load())));
            QVERIFY2(ran <= 1,
                     qPrintable(QStringLiteral("job %1 ran %2 times").arg(token).arg(ran)));
            if (ledger.cancelled[i].load() || ledger.refused[i].load())
                QCOMPARE(ran, 0);
            QCOMPARE(ledger.cancelled[i].load() + ledger.refused[i].load() <= 1, true);
            // Without a soon shutdown or cancelAll, a job not cancelled nor refused ran.
            const int mode = ledger.mode[i].load();
            // A cancel that reached it while it ran (cancel(id) returning false, or a soon
            // shutdown) drops its outcome: at most one, then.
            const int outcome = (ledger.askedToStop[i].load() || soonShutdown)
                    ? (resultCount[i] + failureCount[i] + ledger.callbacks[i].load())
                    : ran;
            QVERIFY(outcome <= ran);
            QCOMPARE(resultCount[i], mode == Keep ? outcome : 0);
            QCOMPARE(failureCount[i], mode == Throw ? outcome : 0);
            QCOMPARE(ledger.callbacks[i].load(), mode == Callback ? outcome : 0);
        }();
        if (QTest::currentTestFailed())
            return submitted;
    }
    const std::size_t items = std::min<std::size_t>(mapItems.load(), capacity);
    for (std::size_t item = 0; item < items; ++item)
        [&] { QVERIFY(mapRuns[item].load() <= 1); }();
    return submitted;
}

int main(int argc, char *argv[])
{
    // A soak is one test function that runs for FASTTHREADPOOL_STRESS_SECONDS: Qt Test's
    // watchdog (5 minutes by default) must allow that and the final drain, in int ms.
    const qint64 soak = qEnvironmentVariable("FASTTHREADPOOL_STRESS_SECONDS").toLongLong();
    if (soak > 0 && !qEnvironmentVariableIsSet("QTEST_FUNCTION_TIMEOUT")) {
        const qint64 bounded = std::min<qint64>(soak, std::numeric_limits<int>::max() / 1000 - 300);
        qputenv("QTEST_FUNCTION_TIMEOUT", QByteArray::number((bounded + 300) * 1000));
    }
    QCoreApplication app(argc, argv);
    tst_Stress test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_stress.moc"
