// The workloads of the suite, one function per family.
#pragma once

#include "harness.h"

#include <vector>

namespace Bench {

std::vector<Workload> jobWorkloads(const Options &options);         // 1: empty jobs
std::vector<Workload> mapWorkloads(const Options &options);         // 2: map of tiny items
std::vector<Workload> roundTripWorkloads(const Options &options);   // 3: one job's round trip
std::vector<Workload> semaphoreWorkloads(const Options &options);   // 4: semaphores
std::vector<Workload> idleWorkloads(const Options &options);        // 5: CPU of an idle pool
std::vector<Workload> instructionWorkloads(const Options &options); // 6: callgrind counts
std::vector<Workload> timerWorkloads(const Options &options);       // 7: pending timers

} // namespace Bench
