// Quick start: submit jobs, collect their results as they complete.
#include <fastthreadpool/fastthreadpool.h>

#include <QtCore/qdebug.h>

#include <cstdio>

int fib(int n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main()
{
    FastThreadPool::Pool pool({.resultId = true});
    for (int n = 20; n < 30; ++n)
        pool.submit(fib, n);
    for (const FastThreadPool::Completion &c : pool.asCompleted())
        std::printf("job %llu -> %d\n", c.id(), c.value().toInt());
    return 0;
}
