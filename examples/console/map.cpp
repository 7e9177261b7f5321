// map: run a function over every item of a range; tuples unpack into arguments.
#include <fastthreadpool/fastthreadpool.h>

#include <cstdio>
#include <ranges>
#include <vector>

int main()
{
    FastThreadPool::Pool pool;

    // direct (default): extra threads share one cursor over the items, then end.
    pool.map([](int x) { return x * x; }, std::views::iota(1, 11));
    int sum = 0;
    for (const auto &c : pool.asCompleted())
        sum += c.value().toInt();
    std::printf("sum of squares 1..10 = %d\n", sum);

    // direct = false: slices run as ordinary jobs on the pool's children.
    std::vector<std::pair<int, int>> pairs{{1, 2}, {3, 4}, {5, 6}};
    pool.map([](int a, int b) { return a * b; }, pairs, true, false);
    for (const auto &c : pool.asCompleted())
        std::printf("product %d\n", c.value().toInt());

    // done = false: nothing is kept; write into your own storage instead.
    std::vector<double> out(1000);
    pool.map([&out](int i) { out[std::size_t(i)] = i * 0.5; }, std::views::iota(0, 1000), false);
    pool.waitIdle();
    std::printf("out[999] = %.1f\n", out[999]);
}
