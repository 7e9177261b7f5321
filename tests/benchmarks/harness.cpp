#include "harness.h"

#include <QtCore/qfile.h>
#include <QtCore/qjsonarray.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>

#include <algorithm>
#include <cstdio>

namespace Bench {

namespace {
double percentile(std::vector<double> values, double p)
{
    std::sort(values.begin(), values.end());
    const double index = p * double(values.size() - 1);
    const auto low = std::size_t(index);
    const auto high = std::min(low + 1, values.size() - 1);
    return values[low] + (values[high] - values[low]) * (index - double(low));
}
} // namespace

std::vector<Record> run(const std::vector<Workload> &workloads, const Options &options)
{
    std::vector<Record> records;
    for (const Workload &workload : workloads) {
        if (!options.filter.isEmpty()
            && !QString::fromStdString(workload.name).contains(options.filter))
            continue;
        const std::size_t n = workload.peers.size();
        std::vector<std::vector<double>> values(n);
        std::fprintf(stderr, "%s:", workload.name.c_str());
        for (int round = 0; round < options.rounds; ++round) {
            for (std::size_t k = 0; k < n; ++k) {
                const std::size_t peer = (k + std::size_t(round)) % n; // rotate the order
                values[peer].push_back(workload.peers[peer].run());
            }
            std::fprintf(stderr, " %d", round + 1);
        }
        std::fprintf(stderr, "\n");
        for (std::size_t peer = 1; peer < n; ++peer) {
            std::vector<double> ratios;
            for (int round = 0; round < options.rounds; ++round) {
                const double ours = values[0][std::size_t(round)];
                const double theirs = values[peer][std::size_t(round)];
                ratios.push_back(ours / theirs);
            }
            records.push_back({workload.name, workload.peers[peer].name, workload.metric,
                               percentile(values[0], 0.5), percentile(values[peer], 0.5),
                               percentile(ratios, 0.5), percentile(ratios, 0.25),
                               percentile(ratios, 0.75), workload.higherIsBetter});
        }
        if (n == 1) {
            records.push_back({workload.name, "", workload.metric, percentile(values[0], 0.5),
                               0, 0, 0, 0, workload.higherIsBetter});
        }
    }
    return records;
}

void printTable(const std::vector<Record> &records)
{
    std::printf("\n%-50s %-8s %-28s %10s %10s %8s %s\n", "workload", "metric", "peer", "ours",
                "theirs", "ours/them", "(25%..75%)");
    std::string last;
    for (const Record &r : records) {
        const bool first = r.workload != last;
        last = r.workload;
        if (r.peer.empty()) {
            std::printf("%-50s %-8s %-28s %10.4g\n", r.workload.c_str(), r.metric.c_str(),
                        "(ours alone)", r.ours);
            continue;
        }
        std::printf("%-50s %-8s %-28s %10.4g %10.4g %8.2fx (%.2f..%.2f)\n",
                    first ? r.workload.c_str() : "", first ? r.metric.c_str() : "",
                    r.peer.c_str(), r.ours, r.theirs, r.ratio, r.ratioLow, r.ratioHigh);
    }
    std::printf("\nours/them: median of the per-round ratios of the metric; for /s metrics "
                "higher is better, for times lower is better.\n");
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
        array.append(o);
    }
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write(QJsonDocument(array).toJson());
}

} // namespace Bench
