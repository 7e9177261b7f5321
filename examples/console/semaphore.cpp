// Semaphore: a counting semaphore that costs one atomic operation when nobody waits.
#include <fastthreadpool/fastthreadpool.h>

#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

int main()
{
    // At most two of the five workers use the "connection" at once.
    FastThreadPool::Semaphore connections(2);
    std::atomic<int> inUse{0}, mostAtOnce{0};
    std::vector<std::thread> workers;
    for (int i = 0; i < 5; ++i) {
        workers.emplace_back([&] {
            std::lock_guard guard(connections); // acquire now, release at scope end
            const int now = ++inUse;
            for (int seen = mostAtOnce;
                 now > seen && !mostAtOnce.compare_exchange_weak(seen, now);) { }
            --inUse;
        });
    }
    for (auto &worker : workers)
        worker.join();
    std::printf("at most %d at once, value back to %d\n", mostAtOnce.load(), connections.value());

    FastThreadPool::Semaphore empty(0);
    std::printf("non-blocking acquire on 0: %s\n", empty.acquire(false) ? "true" : "false");
}
