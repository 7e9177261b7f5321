// Workload 4: semaphores, uncontended and between threads; 4b: the blocking path, where the
// waiter really sleeps in the kernel.
#include "textbookpool.h"
#include "workloads.h"

#include <fastthreadpool/semaphore.h>

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qsemaphore.h>

#include <semaphore.h>

#include <chrono>
#include <semaphore>
#include <thread>
#include <vector>

namespace Bench {

namespace {

template<class Acquire, class Release>
double uncontended(int rounds, Acquire &&acquire, Release &&release)
{
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < rounds; ++i) {
        acquire();
        release();
    }
    return double(timer.nsecsElapsed()) / rounds;
}

// Two threads hand one permit back and forth: ns per hand-over.
template<class Sem>
double pingPong(int rounds, Sem &ping, Sem &pong)
{
    QElapsedTimer timer;
    std::thread partner([&] {
        for (int i = 0; i < rounds; ++i) {
            ping.acquire();
            pong.release();
        }
    });
    timer.start();
    for (int i = 0; i < rounds; ++i) {
        ping.release();
        pong.acquire();
    }
    const double ns = double(timer.nsecsElapsed()) / (2.0 * rounds);
    partner.join();
    return ns;
}

// One producer releases `rounds` permits, one consumer acquires them: ns per item.
template<class Sem>
double producerConsumer(int rounds, Sem &items)
{
    QElapsedTimer timer;
    timer.start();
    std::thread consumer([&] {
        for (int i = 0; i < rounds; ++i)
            items.acquire();
    });
    for (int i = 0; i < rounds; ++i)
        items.release();
    consumer.join();
    return double(timer.nsecsElapsed()) / rounds;
}

// The blocking path: a consumer waits in acquire() and the producer releases only after
// `gap`, long enough for any semaphore's spinning to have given up and the consumer to sleep
// in the kernel. Microseconds from release() to the consumer's return from acquire(), as
// median and p99.
template<class Sem>
Values wakeLatency(int rounds, std::chrono::microseconds gap, Sem &items)
{
    using Clock = std::chrono::steady_clock;
    const auto n = static_cast<std::size_t>(rounds);
    std::vector<Clock::time_point> released(n), woken(n);
    std::thread consumer([&] {
        for (std::size_t i = 0; i < woken.size(); ++i) {
            items.acquire();
            woken[i] = Clock::now();
        }
    });
    for (std::size_t i = 0; i < released.size(); ++i) {
        spinFor(gap);
        released[i] = Clock::now();
        items.release();
    }
    consumer.join();
    std::vector<double> us;
    for (std::size_t i = 0; i < released.size(); ++i)
        us.push_back(std::chrono::duration<double, std::micro>(woken[i] - released[i]).count());
    return {percentile(us, 0.5), percentile(us, 0.99)};
}

struct PosixSemaphore
{
    explicit PosixSemaphore(int value) { sem_init(&sem, 0, unsigned(value)); }
    ~PosixSemaphore() { sem_destroy(&sem); }
    void acquire() { sem_wait(&sem); }
    void release() { sem_post(&sem); }
    sem_t sem;
};

struct QtSemaphore : QSemaphore
{
    using QSemaphore::QSemaphore;
    void acquire() { QSemaphore::acquire(); }
    void release() { QSemaphore::release(); }
};

struct StdSemaphore : std::counting_semaphore<>
{
    explicit StdSemaphore(int value) : std::counting_semaphore<>(value) { }
};

template<class Sem>
Peer uncontendedPeer(std::string name, int rounds)
{
    return {std::move(name), [=] {
                Sem sem(1);
                return uncontended(
                        rounds, [&] { sem.acquire(); }, [&] { sem.release(); });
            }};
}

template<class Sem>
Peer pingPongPeer(std::string name, int rounds)
{
    return {std::move(name), [=] {
                Sem ping(0), pong(0);
                return pingPong(rounds, ping, pong);
            }};
}

template<class Sem>
Peer producerConsumerPeer(std::string name, int rounds)
{
    return {std::move(name), [=] {
                Sem items(0);
                return producerConsumer(rounds, items);
            }};
}

template<class Sem>
Peer wakeLatencyPeer(std::string name, int rounds)
{
    return {std::move(name), [=] {
                using namespace std::chrono_literals;
                Sem items(0);
                return wakeLatency(rounds, 300us, items);
            }};
}

template<template<class> class Make>
std::vector<Peer> allSemaphores(int rounds)
{
    return {Make<FastThreadPool::Semaphore>{}("FastThreadPool::Semaphore", rounds),
            Make<QtSemaphore>{}("QSemaphore", rounds),
            Make<PosixSemaphore>{}("POSIX sem_t", rounds),
            Make<StdSemaphore>{}("std::counting_semaphore", rounds),
            Make<TextbookSemaphore>{}("mutex+condvar semaphore", rounds)};
}

template<class Sem>
struct MakeUncontended
{
    Peer operator()(std::string name, int rounds) { return uncontendedPeer<Sem>(name, rounds); }
};
template<class Sem>
struct MakePingPong
{
    Peer operator()(std::string name, int rounds) { return pingPongPeer<Sem>(name, rounds); }
};
template<class Sem>
struct MakeProducerConsumer
{
    Peer operator()(std::string name, int rounds)
    {
        return producerConsumerPeer<Sem>(name, rounds);
    }
};

template<class Sem>
struct MakeWakeLatency
{
    Peer operator()(std::string name, int rounds) { return wakeLatencyPeer<Sem>(name, rounds); }
};

} // namespace

std::vector<Workload> semaphoreWorkloads(const Options &options)
{
    const int scale = options.quick ? 100 : 1;
    return {
            {"semaphore uncontended acquire+release",
             {"ns/op"},
             false,
             allSemaphores<MakeUncontended>(5'000'000 / scale)},
            {"semaphore ping-pong between 2 threads",
             {"ns/hop"},
             false,
             allSemaphores<MakePingPong>(20'000 / scale)},
            {"semaphore producer->consumer",
             {"ns/item"},
             false,
             allSemaphores<MakeProducerConsumer>(2'000'000 / scale)},
            {"semaphore blocking path: release to wake-up",
             {"us median", "us p99"},
             false,
             allSemaphores<MakeWakeLatency>(options.quick ? 100 : 1'000)},
    };
}

} // namespace Bench
