// Instructions per job, the number to guard on a noisy machine: run under callgrind with two
// job counts; (I(n2) - I(n1)) / (n2 - n1) is the cost of one job, start-up cancelled out.
//   valgrind --tool=callgrind fastthreadpool_jobcost ours 100000
//   fastthreadpool_jobcost {ours|qthreadpool} JOBS
#include <fastthreadpool/pool.h>

#include <QtCore/qthreadpool.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s ours|qthreadpool JOBS\n", argv[0]);
        return 2;
    }
    const int jobs = std::atoi(argv[2]);
    if (std::strcmp(argv[1], "ours") == 0) {
        FastThreadPool::Pool pool({.maxChildren = 2, .doneCallback = false});
        for (int i = 0; i < jobs; ++i)
            pool.submit([] {});
        pool.waitIdle();
    } else {
        QThreadPool pool;
        pool.setMaxThreadCount(2);
        for (int i = 0; i < jobs; ++i)
            pool.start([] {});
        pool.waitForDone();
    }
    return 0;
}
