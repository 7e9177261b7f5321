// Timers: a job later, a job at a wall-clock time, a periodic job, and cancelling one.
#include <fastthreadpool/fastthreadpool.h>

#include <QtCore/qdatetime.h>
#include <QtCore/qelapsedtimer.h>

#include <atomic>
#include <cstdio>

using namespace std::chrono_literals;

int main()
{
    FastThreadPool::Pool pool;
    QElapsedTimer clock;
    clock.start();

    // Once, 150 ms from now; listed by delayed() until it fires.
    pool.submitLater(150ms, [&] { std::printf("later:    ran at %lld ms\n", clock.elapsed()); });

    // Once, at a wall-clock time.
    pool.submitAt(QDateTime::currentDateTime().addMSecs(250), 0ms,
                  [&] { std::printf("at:       ran at %lld ms\n", clock.elapsed()); });

    // Every 100 ms at a fixed rate (run N near start + N * 100 ms), until cancelled.
    std::atomic<int> ticks{0};
    FastThreadPool::Semaphore ticked(0);
    const FastThreadPool::TimerId ticker = pool.schedule(100ms, [&] {
        std::printf("schedule: tick %d at %lld ms\n", ++ticks, clock.elapsed());
        ticked.release();
    });

    // A timer cancelled before it fires never runs.
    const auto never = pool.submitLater(200ms, [] { std::puts("this never prints"); });
    std::printf("cancel before it fires: %s\n", pool.cancel(never) ? "true" : "false");

    // Let the periodic job tick five times, then stop it: no run starts afterwards.
    for (int i = 0; i < 5; ++i)
        ticked.acquire();
    std::printf("cancel the periodic job: %s (after %d ticks)\n",
                pool.cancel(ticker) ? "true" : "false", ticks.load());
    pool.waitIdle();
}
