// Workload 6: instructions per job, the figure that holds still on a noisy machine. Runs
// fastthreadpool_jobcost under valgrind's callgrind with two job counts; the difference of
// the instructions collected divided by the difference of the counts is the cost of one job
// (start-up and shutdown cancel out). One run, not one per round: the count is deterministic.
// All the jobs are queued at once (see jobcost.cpp), so the name says how deep the queue
// gets: QThreadPool's enqueue walks its queue pages from the front, and its cost per job
// grows with that depth (ours does not).
#include "workloads.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qprocess.h>
#include <QtCore/qregularexpression.h>
#include <QtCore/qstandardpaths.h>
#include <QtCore/qtemporarydir.h>

namespace Bench {

namespace {

QString jobcostProgram()
{
    return QCoreApplication::applicationDirPath() + QStringLiteral("/fastthreadpool_jobcost");
}

// The "Collected : N" callgrind reports for `jobcost <peer> <jobs>`.
double collected(const QString &peer, int jobs)
{
    QTemporaryDir dir;
    QProcess valgrind;
    const QStringList arguments{"--tool=callgrind",
                                "--callgrind-out-file=" + dir.filePath("callgrind.out"),
                                jobcostProgram(), peer, QString::number(jobs)};
    valgrind.start("valgrind", arguments);
    const bool finished = valgrind.waitForFinished(-1);
    const QString log = QString::fromLocal8Bit(valgrind.readAllStandardError());
    const auto match = QRegularExpression(R"(Collected\s*:\s*(\d+))").match(log);
    if (!finished || valgrind.exitStatus() != QProcess::NormalExit || valgrind.exitCode() != 0
        || !match.hasMatch())
        fail("valgrind " + arguments.join(' ').toStdString() + " failed:\n" + log.toStdString());
    return match.captured(1).toDouble();
}

Peer perJob(std::string name, QString peer, int jobs1, int jobs2)
{
    return {std::move(name), [=] {
                const double first = collected(peer, jobs1);
                const double second = collected(peer, jobs2);
                return (second - first) / double(jobs2 - jobs1);
            }};
}

} // namespace

std::vector<Workload> instructionWorkloads(const Options &options)
{
    const int jobs1 = options.quick ? 2'000 : 50'000;
    const std::string depth
            = std::to_string(jobs1 / 1000) + "k.." + std::to_string(jobs1 / 500) + "k";
    Workload w{"instructions per job, " + depth + " queued (callgrind)",
               {"instructions/job"},
               false,
               {perJob("FastThreadPool", "ours", jobs1, 2 * jobs1),
                perJob("QThreadPool", "qthreadpool", jobs1, 2 * jobs1)},
               true};
    if (QStandardPaths::findExecutable("valgrind").isEmpty())
        w.skipped = "valgrind is not on PATH";
    else if (!QFileInfo(jobcostProgram()).isExecutable())
        w.skipped = jobcostProgram().toStdString() + " is missing";
    return {w};
}

} // namespace Bench
