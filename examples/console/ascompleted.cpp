// asCompleted: results and failures as they arrive, with or without a deadline.
#include <fastthreadpool/fastthreadpool.h>

#include <QtCore/qsemaphore.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>

using namespace std::chrono_literals;

int main()
{
    FastThreadPool::Pool pool({.resultId = true});
    pool.submit([] { return 42; });
    pool.submit([]() -> int { throw std::runtime_error("no luck"); });

    // Failures arrive as values, not as exceptions.
    for (const FastThreadPool::Completion &c : pool.asCompleted()) {
        if (c.isFailure())
            std::printf("job %llu failed: %s\n", c.id(), qPrintable(c.failure().toString()));
        else
            std::printf("job %llu gave %d\n", c.id(), c.value().toInt());
    }

    // With a deadline: stop waiting after 100 ms even though a job still runs.
    QSemaphore gate;
    pool.submit([&gate] { gate.acquire(); });
    int seen = 0;
    for ([[maybe_unused]] const auto &c : pool.asCompleted(100ms))
        ++seen;
    std::printf("after 100 ms: %d entries, %lld job(s) still pending\n", seen, pool.pending());
    gate.release();

    // NoWait: whatever is there now.
    pool.waitIdle();
    for (const auto &c : pool.asCompleted(FastThreadPool::NoWait))
        std::printf("left over: %s\n", qPrintable(c.value().toString()));
}
