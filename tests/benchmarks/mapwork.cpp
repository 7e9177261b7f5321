// Workload 2: map over many tiny items (out[i] = x * x into an output array): Pool::map
// against QtConcurrent, oneTBB parallel_for and the serial loop. Every run's output is
// checked: a benchmark that computes the wrong thing is worthless.
#include "workloads.h"

#include <fastthreadpool/pool.h>

#include <QtConcurrent/qtconcurrentmap.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qthreadpool.h>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <numeric>
#include <ranges>

namespace Bench {

namespace {

// The items and the output array, shared by every peer of the map workloads.
struct MapData
{
    explicit MapData(std::size_t n) : input(n), output(n)
    {
        std::iota(input.begin(), input.end(), 0);
    }

    static std::int64_t square(int x) { return std::int64_t{x} * x; }
    void squareAt(std::size_t i) { output[i] = square(input[i]); }

    void clear() { std::ranges::fill(output, -1); }
    void verify(const std::string &peer) const
    {
        for (std::size_t i = 0; i < input.size(); ++i) {
            if (output[i] != square(input[i]))
                fail("map: " + peer + " wrote " + std::to_string(output[i]) + " at index "
                     + std::to_string(i) + ", expected " + std::to_string(square(input[i])));
        }
    }

    std::vector<int> input;
    std::vector<std::int64_t> output;
};

// Milliseconds `mapAll` takes to fill the output; cleared before, checked after (untimed).
template<class MapAll>
double timedMap(MapData &data, const std::string &peer, MapAll &&mapAll)
{
    data.clear();
    QElapsedTimer timer;
    timer.start();
    mapAll();
    const double ms = double(timer.nsecsElapsed()) / 1e6;
    data.verify(peer);
    return ms;
}

// Pool::map over the indices, results discarded; direct = true runs it on threads of its
// own, direct = false as slices queued for the pool's children.
Peer poolMap(std::string name, std::shared_ptr<MapData> data, int workers, bool direct)
{
    return {name, [=] {
                FastThreadPool::Pool pool({.maxChildren = workers, .doneCallback = false});
                return timedMap(*data, name, [&] {
                    pool.map([&d = *data](std::size_t i) { d.squareAt(i); },
                             std::views::iota(std::size_t{0}, data->input.size()), false, direct);
                    pool.waitIdle();
                });
            }};
}

Workload mapSquares(int workers, std::shared_ptr<MapData> data, const std::string &itemsLabel)
{
    Workload w{"map x*x over " + itemsLabel + " items (" + std::to_string(workers)
                       + (workers == 1 ? " worker)" : " workers)"),
               {"ms"},
               false,
               {}};
    w.peers.push_back(poolMap("FastThreadPool map(direct=true)", data, workers, true));
    w.peers.push_back(poolMap("FastThreadPool map(direct=false)", data, workers, false));
    w.peers.push_back({"QtConcurrent::blockingMap", [=] {
                           QThreadPool pool;
                           pool.setMaxThreadCount(workers);
                           MapData &d = *data;
                           return timedMap(d, "QtConcurrent::blockingMap", [&] {
                               // blockingMap hands out the items by reference: the index is
                               // the item's place in the input.
                               QtConcurrent::blockingMap(&pool, d.input, [&d](int &x) {
                                   d.squareAt(std::size_t(&x - d.input.data()));
                               });
                           });
                       }});
    w.peers.push_back({"QtConcurrent::mapped + results()", [=] {
                           QThreadPool pool;
                           pool.setMaxThreadCount(workers);
                           MapData &d = *data;
                           return timedMap(d, "QtConcurrent::mapped", [&] {
                               auto future = QtConcurrent::mapped(
                                       &pool, d.input, [](int x) { return MapData::square(x); });
                               // Copying the results into place is part of collecting them.
                               std::ranges::copy(future.results(), d.output.begin());
                           });
                       }});
    w.peers.push_back({"oneTBB parallel_for", [=] {
                           tbb::task_arena arena(workers); // the caller is one of them
                           MapData &d = *data;
                           return timedMap(d, "oneTBB parallel_for", [&] {
                               arena.execute([&] {
                                   tbb::parallel_for(
                                           tbb::blocked_range<std::size_t>{0, d.input.size()},
                                           [&d](const tbb::blocked_range<std::size_t> &r) {
                                               for (std::size_t i = r.begin(); i != r.end(); ++i)
                                                   d.squareAt(i);
                                           });
                               });
                           });
                       }});
    w.peers.push_back({"serial loop", [=] {
                           MapData &d = *data;
                           return timedMap(d, "serial loop", [&] {
                               for (std::size_t i = 0; i < d.input.size(); ++i)
                                   d.squareAt(i);
                           });
                       }});
    return w;
}

} // namespace

std::vector<Workload> mapWorkloads(const Options &options)
{
    auto data = std::make_shared<MapData>(options.quick ? 50'000 : 1'000'000);
    const std::string label = options.quick ? "50k" : "1M";
    return {mapSquares(1, data, label), mapSquares(2, data, label)};
}

} // namespace Bench
