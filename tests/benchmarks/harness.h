// The side-by-side runner: every round runs each peer once, in an order rotated per round,
// and the summary is the median of the per-round ratios (ours / theirs), with its spread.
// Absolute times drift 2-5x on shared machines; ratios from the same round do not.
#pragma once

#include <QtCore/qstring.h>

QT_BEGIN_NAMESPACE
class QCommandLineParser;
class QCoreApplication;
QT_END_NAMESPACE

#include <chrono>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

namespace Bench {

struct Options
{
    bool quick = false; // smoke run: few rounds, small sizes
    int rounds = 15;
    QString json; // write the summary here
    QString filter; // run only workloads whose name contains this
};

//! What one run measured: one number per metric of its workload (a plain double converts).
struct Values
{
    Values(double value) : numbers{value} { }
    Values(std::initializer_list<double> list) : numbers(list) { }
    std::vector<double> numbers;
};

//! One contestant: returns the metrics measured in one run (e.g. ns per job).
struct Peer
{
    std::string name;
    std::function<Values()> run;
};

struct Workload
{
    std::string name; // e.g. "empty jobs, results discarded (2 workers)"
    std::vector<std::string> metrics; // one per number a run returns, e.g. {"us median"}
    bool higherIsBetter; // for the metrics themselves
    std::vector<Peer> peers; // peers[0] is FastThreadPool
    bool once = false; // one run instead of one per round (slow, deterministic)
    std::string skipped{}; // non-empty: not run; this note is printed instead
};

struct Record
{
    std::string workload, peer, metric;
    double ours, theirs; // medians of the metric
    double ratio; // median over rounds of ours / theirs (see higherIsBetter)
    double ratioLow, ratioHigh; // spread: 25th and 75th percentile of the per-round ratios
    bool higherIsBetter;
    int rounds; // runs per peer behind the figures (1 for a single-shot workload)
};

//! Adds the options every benchmark program takes (--quick, --rounds N, --json FILE,
//! --filter TEXT, --help) to `parser`, which may hold the program's own, processes the
//! command line and returns them. Exits with a message for fewer than 1 round.
Options parseOptions(QCommandLineParser &parser, const QCoreApplication &app,
                     const QString &description, int defaultRounds);
std::vector<Record> run(const std::vector<Workload> &workloads, const Options &options);
void printTable(const std::vector<Record> &records);
void writeJson(const std::vector<Record> &records, const QString &path);

//! The p-quantile (0..1) of `values`, interpolated between neighbours.
double percentile(std::vector<double> values, double p);

//! Busy-waits `duration` on the steady clock: a gap more precise than a sleep.
void spinFor(std::chrono::nanoseconds duration);

//! A benchmark that measured the wrong thing is worthless: prints `message` and aborts.
[[noreturn]] void fail(const std::string &message);

//! Keeps the optimiser from deleting a computation.
template<class T>
inline void keep(const T &value)
{
    asm volatile("" : : "g"(&value) : "memory");
}

} // namespace Bench
