// Generator jobs: a job that co_yields values produces one result per value.
#include <fastthreadpool/fastthreadpool.h>

#include <cstdio>

FastThreadPool::Generator<int> primesBelow(int limit)
{
    for (int n = 2; n < limit; ++n) {
        bool prime = true;
        for (int d = 2; d * d <= n && prime; ++d)
            prime = n % d != 0;
        if (prime)
            co_yield n;
    }
}

int main()
{
    FastThreadPool::Pool pool({.resultId = true});
    const auto id = pool.submit(primesBelow, 30);
    pool.waitIdle();
    std::printf("job %llu yielded:", id);
    while (auto result = pool.done().tryTake())
        std::printf(" %d", result->value.toInt());
    std::printf("\n");
}
