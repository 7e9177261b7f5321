#include "pool/poolthread.h"

#include "core/cpurelax.h"
#include "pool/pool_p.h"

#include <chrono>

namespace FastThreadPool::detail {

namespace {
// An idle worker polls the queue this long before sleeping: a job submitted right after
// the previous one finished then starts without a futex wake-up (~6 us on 2 vCPUs).
constexpr auto kIdleSpin = std::chrono::microseconds(20);
} // namespace

PoolThread::PoolThread(PoolPrivate &pool, const QString &name) : d(pool)
{
    setObjectName(name); // QThread names the OS thread after it: visible in debuggers
}

void PoolThread::body()
{
    // relaxed: a statistic; shutdown learns that a thread ended from QThread::wait().
    d.m_alive.fetch_add(1, std::memory_order_relaxed);
    if (d.options.initCallback) {
        try {
            d.options.initCallback(this);
        } catch (...) {
            d.m_delivery.failCallback(std::current_exception(), "initCallback");
        }
    }
    work();
    if (d.options.finishCallback) {
        try {
            d.options.finishCallback(this);
        } catch (...) {
            d.m_delivery.failCallback(std::current_exception(), "finishCallback");
        }
    }
    d.m_alive.fetch_sub(1, std::memory_order_relaxed); // relaxed: as above
}

void WorkerThread::requestStop(StopMode mode) noexcept
{
    // seq_cst: Dekker pair with the sleeper registration in work().
    int current = m_stop.load(std::memory_order_seq_cst);
    while (current < mode
           && !m_stop.compare_exchange_weak(current, mode, std::memory_order_seq_cst)) {
    }
}

bool WorkerThread::shouldExit(StopMode mode) const
{
    // Drain: leave once no job waits to start. Jobs running on other threads are finished
    // by their own thread (one of them may be the job that called shutdown()).
    return mode == Now || (mode == Drain && d.unstartedJobs() == 0);
}

void WorkerThread::work()
{
    RetireBatch retire(d.m_store);
    JobQueue::Consumer queue(d.m_queue, retire);
    bool busy = true; // spawnWorker() counted this thread busy
    auto setBusy = [&](bool nowBusy) {
        if (busy == nowBusy)
            return;
        busy = nowBusy;
        if (nowBusy) {
            d.m_workersBusy.fetch_add(1, std::memory_order_relaxed); // relaxed: a statistic
        } else {
            retire.flush();
            // release: results delivered before going idle are visible to idle waiters.
            d.m_workersBusy.fetch_sub(1, std::memory_order_release);
            d.workerIdle();
        }
    };

    for (;;) {
        // acquire: pairs with requestStop(); later loads see the state it was raised in.
        auto mode = StopMode(m_stop.load(std::memory_order_acquire));
        if (mode == Now)
            break;
        if (JobRecord *record = queue.pop()) {
            setBusy(true);
            d.runJob(record, retire, m_progress);
            continue;
        }
        if (shouldExit(mode)) {
            d.wakeAllSleepers(); // the others may be waiting for the last job: let them go
            break;
        }
        setBusy(false);

        JobRecord *record = nullptr;
        const auto spinUntil = std::chrono::steady_clock::now() + kIdleSpin;
        for (int i = 1; !record; ++i) {
            cpuRelax();
            record = queue.pop();
            if ((i & 63) == 0 && std::chrono::steady_clock::now() >= spinUntil)
                break;
        }
        if (!record) {
            d.registerSleeper();
            record = queue.pop(); // a submit may have missed the registration: look again
            mode = StopMode(m_stop.load(std::memory_order_seq_cst)); // seq_cst: see above
            if (!record && !shouldExit(mode)) {
                d.sleep();
                busy = true; // the waker counted us busy
                continue;
            }
            if (d.unregisterSleeper())
                busy = true; // a waker claimed us first and counted us busy
        }
        if (record) {
            setBusy(true);
            d.runJob(record, retire, m_progress);
        }
    }
    setBusy(false);
}

void MapThread::work()
{
    JobContext context(d.m_delivery, 0);
    m_body(context, m_stop);
    d.mapThreadEnded();
}

} // namespace FastThreadPool::detail
