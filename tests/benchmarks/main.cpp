// FastThreadPool benchmarks: peers side by side in one process.
//   fastthreadpool_benchmarks [--quick] [--rounds N] [--json FILE] [--filter TEXT]
#include "harness.h"
#include "workloads.h"

#include <QtCore/qcommandlineparser.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qthread.h>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const Bench::Options options = Bench::parseOptions(
            parser, app,
            "FastThreadPool against QThreadPool, QtConcurrent, oneTBB, Boost.Asio and textbook "
            "baselines, side by side.",
            15);

    std::printf("FastThreadPool benchmarks: %d cores, %d rounds%s\n", QThread::idealThreadCount(),
                options.rounds, options.quick ? " (quick)" : "");
    std::vector<Bench::Workload> workloads;
    for (auto family : {Bench::jobWorkloads, Bench::mapWorkloads, Bench::roundTripWorkloads,
                        Bench::semaphoreWorkloads, Bench::idleWorkloads,
                        Bench::instructionWorkloads, Bench::timerWorkloads}) {
        for (auto &w : family(options))
            workloads.push_back(std::move(w));
    }
    const auto records = Bench::run(workloads, options);
    Bench::printTable(records);
    if (!options.json.isEmpty())
        Bench::writeJson(records, options.json);
    return 0;
}
