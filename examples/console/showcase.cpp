// The tour `./build.sh showcase` runs: what the pool does, and how fast, next to Qt's own.
#include <fastthreadpool/fastthreadpool.h>

#include <QtConcurrent/qtconcurrentmap.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qsemaphore.h>
#include <QtCore/qthreadpool.h>

#include <atomic>
#include <cstdio>
#include <numeric>
#include <ranges>
#include <vector>

using namespace FastThreadPool;
using namespace std::chrono_literals;

namespace {

template<class F>
double millis(F &&work)
{
    QElapsedTimer timer;
    timer.start();
    work();
    return double(timer.nsecsElapsed()) / 1e6;
}

void orderOfTheDeque()
{
    Pool pool({.maxChildren = 1});
    QSemaphore gate;
    QString order;
    std::mutex mutex;
    auto record = [&](QChar c) {
        std::lock_guard lock(mutex);
        order += c;
    };
    pool.submit([&] { gate.acquire(); });
    pool.submit(record, QChar('A'));
    pool.submit(record, QChar('B'));
    pool.submitFirst(record, QChar('C'));
    pool.submitFirst(record, QChar('D'));
    gate.release();
    pool.waitIdle();
    std::printf("  submit A, submit B, submitFirst C, submitFirst D ran as: %s\n",
                qPrintable(order));
}

void generatorsAndFailures()
{
    Pool pool({.resultId = true});
    pool.submit([]() -> Generator<int> {
        co_yield 1;
        co_yield 2;
        throw std::runtime_error("the third value failed");
    });
    for (const auto &c : pool.asCompleted()) {
        if (c.isFailure())
            std::printf("  job %llu failed: %s\n", c.id(), qPrintable(c.failure().toString()));
        else
            std::printf("  job %llu yielded %d\n", c.id(), c.value().toInt());
    }
}

void emptyJobs(int count)
{
    std::atomic<int> ran{0};
    const double ours = millis([&] {
        Pool pool;
        for (int i = 0; i < count; ++i)
            pool.submitDone([&ran] { ran.fetch_add(1, std::memory_order_relaxed); }, false);
        pool.waitIdle();
    });
    const double qt = millis([&] {
        QThreadPool pool;
        for (int i = 0; i < count; ++i)
            pool.start([&ran] { ran.fetch_add(1, std::memory_order_relaxed); });
        pool.waitForDone();
    });
    std::printf("  %d tiny jobs: FastThreadPool %.0f ms, QThreadPool %.0f ms (%.1fx)\n", count,
                ours, qt, qt / ours);
}

void mapSquares(int count)
{
    std::vector<long long> data(static_cast<std::size_t>(count));
    std::iota(data.begin(), data.end(), 0);
    std::vector<long long> out(data.size());
    const double ours = millis([&] {
        Pool pool;
        pool.map([&](long long x) { out[std::size_t(x)] = x * x; }, std::views::all(data), false);
        pool.waitIdle();
    });
    const double qt = millis([&] {
        QtConcurrent::blockingMap(data, [&](long long &x) { out[std::size_t(x)] = x * x; });
    });
    std::printf("  map over %d items: FastThreadPool %.1f ms, QtConcurrent::blockingMap %.1f ms "
                "(%.1fx)\n",
                count, ours, qt, qt / ours);
}

void semaphores(int rounds)
{
    Semaphore ours(1);
    QSemaphore theirs(1);
    const double a = millis([&] {
        for (int i = 0; i < rounds; ++i) {
            ours.acquire();
            ours.release();
        }
    });
    const double b = millis([&] {
        for (int i = 0; i < rounds; ++i) {
            theirs.acquire();
            theirs.release();
        }
    });
    std::printf("  acquire+release: Semaphore %.1f ns, QSemaphore %.1f ns\n", a * 1e6 / rounds,
                b * 1e6 / rounds);
}

} // namespace

int main()
{
    std::printf("FastThreadPool showcase (%d cores)\n\n", QThread::idealThreadCount());
    std::puts("The job deque:");
    orderOfTheDeque();
    std::puts("\nGenerator jobs and failures as values:");
    generatorsAndFailures();
    std::puts("\nSpeed, same process, same machine (one run; see ./build.sh benchmark):");
    emptyJobs(1'000'000);
    mapSquares(1'000'000);
    semaphores(10'000'000);
}
