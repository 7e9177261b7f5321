// Instructions per job, the number to guard on a noisy machine: run under callgrind with two
// job counts; (I(n2) - I(n1)) / (n2 - n1) is the cost of one job, start-up cancelled out.
//   valgrind --tool=callgrind fastthreadpool_jobcost ours 100000
//   fastthreadpool_jobcost {ours|qthreadpool} JOBS
// fastthreadpool_benchmarks does this itself when valgrind is on PATH.
//
// Deterministic by construction: every worker is first held inside a gate job (asleep on a
// std::latch), the jobs are queued while no worker is idle, then the gate opens and the
// workers drain the queue. So no thread polls for work while the counted jobs are submitted
// (an idle worker's spinning would add instructions that depend on timing).
#include <fastthreadpool/pool.h>

#include <QtCore/qthreadpool.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <latch>

namespace {

constexpr int kWorkers = 2;

// `start(job)` hands a job to the pool, `wait()` waits until the pool is idle.
template<class Start, class Wait>
void gatedRun(int jobs, Start &&start, Wait &&wait)
{
    std::latch gate(1);
    std::atomic<int> held{0};
    for (int w = 0; w < kWorkers; ++w) {
        // One at a time: each gate job is running before the next is submitted, so the pool
        // sees all its workers busy and starts another.
        start([&] {
            held.fetch_add(1);
            held.notify_one();
            gate.wait();
        });
        for (int h = held.load(); h != w + 1; h = held.load())
            held.wait(h);
    }
    for (int i = 0; i < jobs; ++i)
        start([] {});
    gate.count_down();
    wait();
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s ours|qthreadpool JOBS\n", argv[0]);
        return 2;
    }
    const int jobs = std::atoi(argv[2]);
    if (std::strcmp(argv[1], "ours") == 0) {
        FastThreadPool::Pool pool({.maxChildren = kWorkers, .doneCallback = false});
        gatedRun(
                jobs, [&](auto job) { pool.submit(job); }, [&] { pool.waitIdle(); });
    } else if (std::strcmp(argv[1], "qthreadpool") == 0) {
        QThreadPool pool;
        pool.setMaxThreadCount(kWorkers);
        gatedRun(
                jobs, [&](auto job) { pool.start(job); }, [&] { pool.waitForDone(); });
    } else {
        std::fprintf(stderr, "unknown peer %s\n", argv[1]);
        return 2;
    }
    return 0;
}
