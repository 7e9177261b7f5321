// cancel: take a pending job back; running and finished jobs cannot be cancelled.
#include <fastthreadpool/fastthreadpool.h>

#include <QtCore/qsemaphore.h>

#include <cstdio>

int main()
{
    FastThreadPool::Pool pool({.maxChildren = 1});
    QSemaphore started, gate;
    const auto running = pool.submit([&] {
        started.release();
        gate.acquire();
    });
    const auto waiting = pool.submit([] { std::puts("this never prints"); });
    const auto another = pool.submit([] { std::puts("this one runs"); });
    started.acquire();

    std::printf("cancel(waiting) = %d\n", pool.cancel(waiting)); // 1: it never runs
    std::printf("cancel(running) = %d\n", pool.cancel(running)); // 0: already started
    std::printf("pending = %lld, queued ids:", pool.pending());
    for (auto id : pool.jobs())
        std::printf(" %llu", id);
    std::printf(" (another = %llu)\n", another);

    gate.release();
    pool.waitIdle();
    std::printf("cancel(another) = %d after it ran\n", pool.cancel(another));
}
