#include "harness.h"

#include <QtCore/qcommandlineparser.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qfile.h>
#include <QtCore/qjsonarray.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace Bench {

Options parseOptions(QCommandLineParser &parser, const QCoreApplication &app,
                     const QString &description, int defaultRounds)
{
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    parser.addOption({"quick", "Smoke run: 2 rounds, small sizes."});
    parser.addOption({"rounds",
                      QStringLiteral("Rounds per workload (default %1).").arg(defaultRounds), "N",
                      QString::number(defaultRounds)});
    parser.addOption({"json", "Write the summary as JSON to FILE.", "FILE"});
    parser.addOption({"filter", "Only workloads whose name contains TEXT.", "TEXT"});
    parser.process(app);

    Options options;
    options.quick = parser.isSet("quick");
    options.rounds = options.quick ? 2 : parser.value("rounds").toInt();
    options.json = parser.value("json");
    options.filter = parser.value("filter");
    if (options.rounds < 1) {
        std::fprintf(stderr, "--rounds must be at least 1\n");
        std::exit(2);
    }
    return options;
}

namespace {

// ours / theirs; a metric that is 0 for both (e.g. no CPU used at all) is a tie.
double ratioOf(double ours, double theirs)
{
    if (theirs == 0)
        return ours == 0 ? 1 : std::numeric_limits<double>::infinity();
    return ours / theirs;
}

// Every peer's numbers of one workload, indexed [peer][round][metric].
using Table = std::vector<std::vector<std::vector<double>>>;

Table measure(const Workload &workload, int rounds)
{
    const std::size_t n = workload.peers.size();
    Table values(n);
    std::fprintf(stderr, "%s:", workload.name.c_str());
    for (int round = 0; round < rounds; ++round) {
        for (std::size_t k = 0; k < n; ++k) {
            const std::size_t peer = (k + std::size_t(round)) % n; // rotate the order
            Values v = workload.peers[peer].run();
            if (v.numbers.size() != workload.metrics.size())
                fail(workload.name + ": " + workload.peers[peer].name + " returned "
                     + std::to_string(v.numbers.size()) + " numbers for "
                     + std::to_string(workload.metrics.size()) + " metrics");
            values[peer].push_back(std::move(v.numbers));
        }
        std::fprintf(stderr, " %d", round + 1);
    }
    std::fprintf(stderr, "\n");
    return values;
}

std::vector<double> column(const Table &values, std::size_t peer, std::size_t metric)
{
    std::vector<double> result;
    for (const auto &round : values[peer])
        result.push_back(round[metric]);
    return result;
}

} // namespace

double percentile(std::vector<double> values, double p)
{
    std::sort(values.begin(), values.end());
    const double index = p * double(values.size() - 1);
    const auto low = std::size_t(index);
    const auto high = std::min(low + 1, values.size() - 1);
    return values[low] + (values[high] - values[low]) * (index - double(low));
}

void spinFor(std::chrono::nanoseconds duration)
{
    const auto until = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < until) { }
}

void fail(const std::string &message)
{
    std::fflush(stdout);
    std::fprintf(stderr, "\nBENCHMARK FAILED: %s\n", message.c_str());
    std::abort();
}

std::vector<Record> run(const std::vector<Workload> &workloads, const Options &options)
{
    std::vector<Record> records;
    for (const Workload &workload : workloads) {
        if (!options.filter.isEmpty()
            && !QString::fromStdString(workload.name).contains(options.filter))
            continue;
        if (!workload.skipped.empty()) {
            std::printf("skipped: %s: %s\n", workload.name.c_str(), workload.skipped.c_str());
            continue;
        }
        const int rounds = workload.once ? 1 : options.rounds;
        const Table values = measure(workload, rounds);
        for (std::size_t m = 0; m < workload.metrics.size(); ++m) {
            const std::vector<double> ours = column(values, 0, m);
            for (std::size_t peer = 1; peer < workload.peers.size(); ++peer) {
                const std::vector<double> theirs = column(values, peer, m);
                std::vector<double> ratios;
                for (std::size_t round = 0; round < ours.size(); ++round)
                    ratios.push_back(ratioOf(ours[round], theirs[round]));
                records.push_back({workload.name, workload.peers[peer].name, workload.metrics[m],
                                   percentile(ours, 0.5), percentile(theirs, 0.5),
                                   percentile(ratios, 0.5), percentile(ratios, 0.25),
                                   percentile(ratios, 0.75), workload.higherIsBetter, rounds});
            }
            if (workload.peers.size() == 1) {
                records.push_back({workload.name, "", workload.metrics[m], percentile(ours, 0.5), 0,
                                   0, 0, 0, workload.higherIsBetter, rounds});
            }
        }
    }
    return records;
}

void printTable(const std::vector<Record> &records)
{
    std::printf("\n%-54s %-18s %-34s %10s %10s %9s %s\n", "workload", "metric", "peer", "ours",
                "theirs", "ours/them", "(25%..75%)");
    std::string lastWorkload, lastMetric;
    for (const Record &r : records) {
        const bool newWorkload = r.workload != lastWorkload;
        const bool newMetric = newWorkload || r.metric != lastMetric;
        lastWorkload = r.workload;
        lastMetric = r.metric;
        const char *workload = newWorkload ? r.workload.c_str() : "";
        const char *metric = newMetric ? r.metric.c_str() : "";
        if (r.peer.empty()) {
            std::printf("%-54s %-18s %-34s %10.4g\n", workload, metric, "(ours alone)", r.ours);
            continue;
        }
        std::printf("%-54s %-18s %-34s %10.4g %10.4g %8.2fx ", workload, metric, r.peer.c_str(),
                    r.ours, r.theirs, r.ratio);
        if (r.rounds == 1)
            std::printf("(single run)\n");
        else
            std::printf("(%.2f..%.2f)\n", r.ratioLow, r.ratioHigh);
    }
    std::printf("\nours/them: median of the per-round ratios of the metric; for /s metrics "
                "higher is better, for times, CPU and instructions lower is better.\n");
}

void writeJson(const std::vector<Record> &records, const QString &path)
{
    QJsonArray array;
    for (const Record &r : records) {
        QJsonObject o;
        o["workload"] = QString::fromStdString(r.workload);
        o["peer"] = QString::fromStdString(r.peer);
        o["metric"] = QString::fromStdString(r.metric);
        o["ours"] = r.ours;
        o["theirs"] = r.theirs;
        o["ratio"] = r.ratio;
        o["ratio_p25"] = r.ratioLow;
        o["ratio_p75"] = r.ratioHigh;
        o["higher_is_better"] = r.higherIsBetter;
        o["rounds"] = r.rounds;
        array.append(o);
    }
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write(QJsonDocument(array).toJson());
}

} // namespace Bench
