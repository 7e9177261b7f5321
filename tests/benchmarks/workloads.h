// The workloads of the suite, one function per family.
#pragma once

#include "harness.h"

#include <functional>
#include <vector>

namespace Bench {

//! Runs a burst (submit the jobs, wait until they are done; the pool stays alive) and
//! measures it.
using BurstMeasure = std::function<Values(const std::function<void()> &burst)>;
//! FastThreadPool and its peers, each running `jobs` empty jobs on `workers` threads, the
//! burst measured by `measure` (shared by the throughput and the idle-CPU workloads).
std::vector<Peer> emptyJobPeers(int workers, int jobs, const BurstMeasure &measure);

std::vector<Workload> jobWorkloads(const Options &options); // 1: empty jobs
std::vector<Workload> mapWorkloads(const Options &options); // 2: map of tiny items
std::vector<Workload> roundTripWorkloads(const Options &options); // 3: one job's round trip
std::vector<Workload> semaphoreWorkloads(const Options &options); // 4: semaphores
std::vector<Workload> idleWorkloads(const Options &options); // 5: CPU of an idle pool
std::vector<Workload> instructionWorkloads(const Options &options); // 6: callgrind counts
std::vector<Workload> timerWorkloads(const Options &options); // 7: pending timers

} // namespace Bench
