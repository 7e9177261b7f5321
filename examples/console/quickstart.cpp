// Quick start: submit jobs, then take their results as they complete.
#include <fastthreadpool/fastthreadpool.h>

#include <cstdio>

int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main()
{
    FastThreadPool::Pool pool({.resultId = true}); // one child per core, made on demand
    for (int n = 25; n < 32; ++n)
        pool.submit(fib, n); // returns the job's id
    for (const FastThreadPool::Completion &c : pool.asCompleted())
        std::printf("job %llu -> %d\n", c.id(), c.value().toInt());
}
