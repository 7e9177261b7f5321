// libFuzzer target: Semaphore under sequences of acquire/release/tryAcquire/value from up
// to three threads, with extreme and bad arguments. Checks: value() is never negative and
// never above INT_MAX; a refused release (negative, overflowing) changes nothing; at the end
// the value is the start plus what was released minus what was taken; a timed wait ends.
#include <fastthreadpool/semaphore.h>

#include "fuzzinput.h"

#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

using FastThreadPool::Semaphore;
using FuzzSupport::require;

namespace {

struct Tally
{
    std::atomic<long long> released{0};
    std::atomic<long long> taken{0};
};

void runOps(Semaphore &semaphore, Tally &tally, const std::vector<std::uint8_t> &ops)
{
    using namespace std::chrono;
    for (std::size_t i = 0; i + 1 < ops.size(); i += 2) {
        const std::uint8_t arg = ops[i + 1];
        switch (ops[i] % 8) {
        case 0: // release a few (refused near INT_MAX, after a big release)
            try {
                semaphore.release(arg % 4);
                tally.released.fetch_add(arg % 4);
            } catch (const std::invalid_argument &) { }
            break;
        case 1: { // release a lot: may overflow, then nothing changes
            const int n = arg & 1 ? INT_MAX : INT_MAX / 2 + arg;
            try {
                semaphore.release(n);
                tally.released.fetch_add(n);
            } catch (const std::invalid_argument &) { }
            break;
        }
        case 2: // a negative release is refused
            try {
                semaphore.release(-1 - arg);
                FuzzSupport::violated("release(negative) did not throw");
            } catch (const std::invalid_argument &) { }
            break;
        case 3:
            if (semaphore.acquire(false))
                tally.taken.fetch_add(1);
            break;
        case 4: // a short timed wait
            if (semaphore.tryAcquireFor(microseconds(arg)))
                tally.taken.fetch_add(1);
            break;
        case 5: { // a deadline in the past (QDeadlineTimer(-1) would be Forever)
            if (semaphore.tryAcquire(QDeadlineTimer(steady_clock::now() - milliseconds(arg))))
                tally.taken.fetch_add(1);
            break;
        }
        case 6: { // a NaN timeout is refused
            try {
                (void)semaphore.tryAcquireFor(
                        duration<double>(std::numeric_limits<double>::quiet_NaN()));
                FuzzSupport::violated("tryAcquireFor(NaN) did not throw");
            } catch (const std::invalid_argument &) { }
            break;
        }
        default: {
            const int v = semaphore.value();
            require(v >= 0, "value() is negative");
            break;
        }
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    FuzzSupport::Input input(data, size);
    const int initial = input.byte() % 3;
    const unsigned threads = 1 + input.pick(3);
    std::vector<std::vector<std::uint8_t>> ops(threads);
    for (unsigned n = 0; !input.empty() && n < 256; ++n) {
        const unsigned t = input.pick(threads);
        ops[t].push_back(input.byte());
        ops[t].push_back(input.byte());
    }
    Semaphore semaphore(initial);
    Tally tally;
    std::vector<std::thread> workers;
    for (unsigned t = 1; t < threads; ++t)
        workers.emplace_back([&, t] { runOps(semaphore, tally, ops[t]); });
    runOps(semaphore, tally, ops[0]);
    for (auto &w : workers)
        w.join();
    const long long expected = initial + tally.released.load() - tally.taken.load();
    require(expected >= 0 && expected <= INT_MAX, "more taken than there was");
    require(semaphore.value() == expected, "value() is not start + released - taken");
    // Whatever is left can be taken, and no more.
    for (long long i = 0; i < std::min<long long>(expected, 64); ++i)
        require(semaphore.acquire(false), "a permit that value() shows cannot be taken");
    return 0;
}
