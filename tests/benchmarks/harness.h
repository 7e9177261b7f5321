// The side-by-side runner: every round runs each peer once, in an order rotated per round,
// and the summary is the median of the per-round ratios (ours / theirs), with its spread.
// Absolute times drift 2-5x on shared machines; ratios from the same round do not.
#pragma once

#include <QtCore/qstring.h>

#include <functional>
#include <string>
#include <vector>

namespace Bench {

struct Options
{
    bool quick = false;   // smoke run: few rounds, small sizes
    int rounds = 15;
    QString json;         // write the summary here
    QString filter;       // run only workloads whose name contains this
};

//! One contestant: returns the metric measured in one run (e.g. ns per job).
struct Peer
{
    std::string name;
    std::function<double()> run;
};

struct Workload
{
    std::string name;       // e.g. "empty jobs, results discarded (2 workers)"
    std::string metric;     // e.g. "ns/job"
    bool higherIsBetter;    // for the metric itself
    std::vector<Peer> peers; // peers[0] is FastThreadPool
};

struct Record
{
    std::string workload, peer, metric;
    double ours, theirs;   // medians of the metric
    double ratio;          // median over rounds of ours / theirs (see higherIsBetter)
    double ratioLow, ratioHigh; // spread: 25th and 75th percentile of the per-round ratios
    bool higherIsBetter;
};

std::vector<Record> run(const std::vector<Workload> &workloads, const Options &options);
void printTable(const std::vector<Record> &records);
void writeJson(const std::vector<Record> &records, const QString &path);

//! Keeps the optimiser from deleting a computation.
template <class T>
inline void keep(const T &value)
{
    asm volatile("" : : "g"(&value) : "memory");
}

} // namespace Bench
