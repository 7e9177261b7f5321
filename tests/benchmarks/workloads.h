// The workloads of the suite, one function per family.
#pragma once

#include "harness.h"

#include <vector>

namespace Bench {

std::vector<Workload> jobWorkloads(const Options &options);
std::vector<Workload> semaphoreWorkloads(const Options &options);

} // namespace Bench
