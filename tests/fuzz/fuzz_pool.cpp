// libFuzzer target: sequences of Pool operations from up to three threads, decided by the
// input bytes: submit / submitFirst / submitDone (true, false, a callable), cancel by id,
// cancelAll (queued only or running too), suspend/resume, jobs that report progress and
// check for cancels, map over vectors, throwing generators and throwing input ranges (direct and
// pooled), timers with extreme durations and times, shutdown(soon) with deadlines, clear,
// waitIdle and asCompleted with deadlines, futures, and callbacks and jobs that call back
// into the pool. After each sequence a graceful shutdown must end within its deadline, and:
// - no job ran twice; a job cancelled by id, or refused by its submit or map, never ran;
// - unless something was allowed to drop jobs (cancelAll, clear, a soon stop, a failing
//   iteration), every accepted job ran exactly once and every kept value was delivered
//   exactly once (to done(), asCompleted(), or the done callback);
// - a job a cancel reached while it ran may lose its value (it ends cancelled), no other;
// - the count semaphores equal the queue lengths, completed() + cancelled() equals
//   submitted(), and no thread of the pool is left.
//
// Ranges are vectors, Generator and a hand-written input range: clang 14 with libstdc++ 12
// cannot compile Pool::map() over some standard views (the library's tests, built with
// g++, cover those).
#include <fastthreadpool/pool.h>
#include <fastthreadpool/thisjob.h>

#include "fuzzinput.h"

#include <QtCore/qdatetime.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace FastThreadPool;
using namespace std::chrono_literals;
using FuzzSupport::require;

namespace {

constexpr int kMaxTags = 8192; // values a sequence can hand out
constexpr auto kFinalDeadline = 20s;

//! What the sequence did, and what each job (by its tag, which is also its value) did.
struct Ledger
{
    std::atomic<int> nextTag{1};
    std::array<std::atomic<int>, kMaxTags> ran{}; // runs of the job
    std::array<std::atomic<int>, kMaxTags> delivered{}; // its value seen by someone
    std::array<std::atomic<bool>, kMaxTags> accepted{}; // its submit returned
    std::array<std::atomic<bool>, kMaxTags> kept{}; // its value must be delivered
    std::array<std::atomic<bool>, kMaxTags> noRun{}; // cancelled by id or refused
    // cancel(id) returned false: if it was running then, it ends cancelled (value dropped).
    std::array<std::atomic<bool>, kMaxTags> askedToStop{};
    std::atomic<int> timerRuns{0}; // runs of repeating timers (any number)
    std::atomic<bool> mayDrop{false}; // something ran that may drop accepted jobs
    std::atomic<bool> resultsCleared{false};

    //! A fresh tag, or 0 when the sequence used them all.
    int tag()
    {
        const int t = nextTag.fetch_add(1);
        return t < kMaxTags ? t : 0;
    }
    void deliver(const QVariant &value)
    {
        bool ok = false;
        const int t = value.toInt(&ok);
        if (ok && t > 0 && t < kMaxTags)
            delivered[std::size_t(t)].fetch_add(1);
    }
};

//! An input range whose iteration throws at item `failAt` (never, if negative).
class ThrowingRange
{
public:
    struct iterator
    {
        using value_type = int;
        using difference_type = std::ptrdiff_t;
        const ThrowingRange *range = nullptr;
        int index = 0;
        int operator*() const { return range->tags[std::size_t(index)]; }
        iterator &operator++()
        {
            ++index;
            if (index == range->failAt)
                throw std::runtime_error("the range broke");
            return *this;
        }
        void operator++(int) { ++*this; }
        friend bool operator==(const iterator &it, std::default_sentinel_t)
        {
            return it.index >= int(it.range->tags.size());
        }
    };
    iterator begin() const { return iterator{this, 0}; }
    std::default_sentinel_t end() const { return {}; }

    std::vector<int> tags;
    int failAt = -1;
};

Generator<int> throwingGenerator(std::vector<int> tags, int failAt)
{
    for (std::size_t i = 0; i < tags.size(); ++i) {
        if (int(i) == failAt)
            throw std::runtime_error("the generator broke");
        co_yield tags[i];
    }
}

class Sequence
{
public:
    Sequence(Pool &pool, Ledger &ledger) : m_pool(pool), m_ledger(ledger) { }

    void run(const std::vector<std::uint8_t> &ops)
    {
        for (std::size_t i = 0; i + 1 < ops.size(); i += 2) {
            try {
                step(ops[i], ops[i + 1]);
            } catch (const PoolStopped &) {
            } catch (const PoolCallback &) {
            } catch (const std::invalid_argument &) {
            } catch (const WouldDeadlock &) { }
        }
    }

private:
    //! A job that counts its run and returns its tag (throws instead if `fails`).
    auto job(int tag, bool fails = false)
    {
        Ledger *ledger = &m_ledger;
        return [ledger, tag, fails]() -> int {
            ledger->ran[std::size_t(tag)].fetch_add(1);
            if (fails)
                throw std::runtime_error("job failed");
            return tag;
        };
    }

    //! Runs `submit` for a new tag and notes what it accepted.
    template<class Submit>
    void submitTagged(bool kept, Submit &&submit)
    {
        const int tag = m_ledger.tag();
        if (!tag)
            return;
        try {
            const JobId id = submit(tag);
            m_ids.push_back(id);
            m_tagOf.push_back(tag);
            m_ledger.kept[std::size_t(tag)] = kept;
            m_ledger.accepted[std::size_t(tag)] = true;
        } catch (...) {
            m_ledger.noRun[std::size_t(tag)] = true;
            throw;
        }
    }

    std::vector<int> tags(int count, bool kept)
    {
        std::vector<int> result;
        for (int i = 0; i < count; ++i) {
            const int tag = m_ledger.tag();
            if (!tag)
                break;
            m_ledger.kept[std::size_t(tag)] = kept;
            result.push_back(tag);
        }
        return result;
    }

    //! A map's items: accepted if it returned, never run if it threw.
    template<class Map>
    void mapTagged(const std::vector<int> &items, Map &&map)
    {
        try {
            map();
        } catch (...) {
            for (int tag : items)
                m_ledger.noRun[std::size_t(tag)] = true;
            throw;
        }
        for (int tag : items)
            m_ledger.accepted[std::size_t(tag)] = true;
    }

    //! Calls start(duration) with a duration of the type and size `which` picks: extremes
    //! of several std::chrono types, zero, negative, short.
    template<class Start>
    static void withDuration(unsigned which, Start &&start)
    {
        using namespace std::chrono;
        switch (which % 10) {
        case 0:
            return start(nanoseconds::max());
        case 1:
            return start(years(300));
        case 2:
            return start(hours::max());
        case 3:
            return start(duration<double>(std::numeric_limits<double>::infinity()));
        case 4:
            return start(duration<double>(std::numeric_limits<double>::quiet_NaN()));
        case 5:
            return start(0ns);
        case 6:
            return start(-1ns);
        case 7:
            return start(milliseconds::min());
        case 8:
            return start(50us);
        default:
            return start(2ms);
        }
    }

    void timer(std::uint8_t arg)
    {
        using namespace std::chrono;
        m_ledger.mayDrop = true; // timers are cancelled by the final shutdown
        const int tag = m_ledger.tag();
        if (!tag)
            return;
        auto once = job(tag); // a one-shot timer runs at most once
        Ledger *ledger = &m_ledger;
        auto repeated = [ledger] { ledger->timerRuns.fetch_add(1); };
        const unsigned which = arg >> 3;
        switch (arg % 5) {
        case 0:
            withDuration(which, [&](auto d) {
                m_timers.push_back(m_pool.submitDoneLater(d, once, false));
            });
            break;
        case 1:
            withDuration(which, [&](auto d) {
                m_timers.push_back(m_pool.scheduleDone(d, repeated, false));
            });
            break;
        case 2:
            withDuration(which, [&](auto d) {
                m_timers.push_back(m_pool.submitDoneAt(QDateTime::currentDateTimeUtc().addMSecs(2),
                                                       d, repeated, false));
            });
            break;
        case 3:
            m_timers.push_back(m_pool.submitDoneAt(
                    QDateTime::currentDateTimeUtc().addYears(which & 1 ? 274 : 600), 0ms, once,
                    false));
            break;
        default:
            m_timers.push_back(m_pool.submitDoneAt(std::chrono::system_clock::time_point::max(),
                                                   0ms, once, false));
            break;
        }
    }

    void step(std::uint8_t op, std::uint8_t arg)
    {
        switch (op % 27) {
        case 0:
            submitTagged(m_keepsByDefault, [&](int t) { return m_pool.submit(job(t)); });
            break;
        case 1:
            submitTagged(false, [&](int t) { return m_pool.submit(job(t, true)); });
            break;
        case 2:
            submitTagged(m_keepsByDefault, [&](int t) { return m_pool.submitFirst(job(t)); });
            break;
        case 3:
            submitTagged(true, [&](int t) { return m_pool.submitDone(job(t), true); });
            break;
        case 4:
            submitTagged(false, [&](int t) { return m_pool.submitDone(job(t), false); });
            break;
        case 5: { // a per-job callback, in the worker
            Ledger *ledger = &m_ledger;
            submitTagged(true, [&](int t) {
                return m_pool.submitDoneFirst(job(t), [ledger](int v) { ledger->deliver(v); });
            });
            break;
        }
        case 6: { // cancel a recent job by id
            if (m_ids.empty())
                break;
            const std::size_t k = arg % m_ids.size();
            if (m_pool.cancel(m_ids[k]))
                m_ledger.noRun[std::size_t(m_tagOf[k])] = true;
            else
                m_ledger.askedToStop[std::size_t(m_tagOf[k])] = true;
            break;
        }
        case 7:
            m_ledger.mayDrop = true;
            m_pool.cancelAll();
            break;
        case 8: { // map over a vector
            const bool direct = arg & 1;
            const std::vector<int> items = tags(1 + arg % 40, m_keepsByDefault);
            Ledger *ledger = &m_ledger;
            mapTagged(items, [&] {
                m_pool.map(
                        [ledger](int t) {
                            ledger->ran[std::size_t(t)].fetch_add(1);
                            return t;
                        },
                        items, PoolDone, direct);
            });
            break;
        }
        case 9: { // map over a generator that may throw
            const bool direct = arg & 1;
            std::vector<int> items = tags(1 + arg % 30, m_keepsByDefault);
            const int failAt = (arg & 2) ? int(arg % 7) : -1;
            if (failAt >= 0)
                m_ledger.mayDrop = true; // the items after the throw never exist
            Ledger *ledger = &m_ledger;
            mapTagged(items, [&] {
                m_pool.map(
                        [ledger](int t) {
                            ledger->ran[std::size_t(t)].fetch_add(1);
                            return t;
                        },
                        throwingGenerator(items, failAt), PoolDone, direct);
            });
            break;
        }
        case 10: { // map over an input range that may throw, results to done()
            const bool direct = arg & 1;
            ThrowingRange range;
            range.tags = tags(1 + arg % 30, true);
            range.failAt = (arg & 2) ? int(arg % 9) : -1;
            if (range.failAt >= 0)
                m_ledger.mayDrop = true;
            Ledger *ledger = &m_ledger;
            mapTagged(range.tags, [&] {
                m_pool.map(
                        [ledger](int t) {
                            ledger->ran[std::size_t(t)].fetch_add(1);
                            return t;
                        },
                        range, true, direct);
            });
            break;
        }
        case 11:
        case 12:
            timer(arg);
            break;
        case 13:
            if (!m_timers.empty())
                m_pool.cancel(m_timers[arg % m_timers.size()]);
            break;
        case 14:
            m_pool.cancelTimers();
            break;
        case 15: { // shut down with a short deadline; it must be honoured
            const bool soon = arg & 1;
            if (soon)
                m_ledger.mayDrop = true;
            const auto deadline = std::chrono::milliseconds(arg % 8);
            const auto start = std::chrono::steady_clock::now();
            m_pool.shutdown(QDeadlineTimer(deadline), soon);
            require(std::chrono::steady_clock::now() - start < deadline + 2s,
                    "shutdown() overran its deadline");
            break;
        }
        case 16:
            m_ledger.mayDrop = true;
            m_ledger.resultsCleared = true;
            m_pool.clear();
            break;
        case 17:
            m_pool.waitIdle(QDeadlineTimer(std::chrono::milliseconds(arg % 4)));
            break;
        case 18:
            for (const Completion &c :
                 m_pool.asCompleted(QDeadlineTimer(std::chrono::milliseconds(arg % 3))))
                if (!c.isFailure())
                    m_ledger.deliver(c.value());
            break;
        case 19:
            for (const Result &r : m_pool.done().takeAll())
                m_ledger.deliver(r.value);
            m_pool.failed().takeAll();
            break;
        case 20:
            m_ledger.mayDrop = true;
            m_pool.shutdownChildren();
            break;
        case 21: { // a future, perhaps cancelled
            const int tag = m_ledger.tag();
            if (!tag)
                break;
            auto future = m_pool.submitFuture(job(tag));
            if (arg & 1) {
                m_ledger.mayDrop = true;
                future.cancel();
            }
            break;
        }
        case 22: { // a job that calls back into its pool
            Pool *pool = &m_pool;
            Ledger *ledger = &m_ledger;
            const int inner = m_ledger.tag();
            if (!inner)
                break;
            const bool keep = m_keepsByDefault;
            submitTagged(false, [&](int tag) {
                return m_pool.submitDone(
                        [pool, ledger, tag, inner, keep, arg] {
                            ledger->ran[std::size_t(tag)].fetch_add(1);
                            (void)pool->pending();
                            (void)pool->jobs();
                            try {
                                pool->waitIdle(QDeadlineTimer(1));
                                FuzzSupport::violated("waitIdle() from a job did not throw");
                            } catch (const WouldDeadlock &) { }
                            if (!(arg & 1))
                                return;
                            ledger->kept[std::size_t(inner)] = keep;
                            try {
                                pool->submitDone(
                                        [ledger, inner] {
                                            ledger->ran[std::size_t(inner)].fetch_add(1);
                                            return inner;
                                        },
                                        keep);
                                ledger->accepted[std::size_t(inner)] = true;
                            } catch (const PoolStopped &) {
                                ledger->noRun[std::size_t(inner)] = true;
                            }
                        },
                        false);
            });
            break;
        }
        case 23: // suspend or resume (the final shutdown resumes)
            if (arg & 1)
                m_pool.suspend();
            else
                m_pool.resume();
            break;
        case 24:
            m_ledger.mayDrop = true;
            m_pool.cancelAll(CancelRunning::Yes);
            break;
        case 25: { // a job that reports progress, may pause and stops when cancelled
            Ledger *ledger = &m_ledger;
            submitTagged(m_keepsByDefault, [&](int t) {
                return m_pool.submit([ledger, t, arg] {
                    ledger->ran[std::size_t(t)].fetch_add(1);
                    ThisJob::setProgress(arg % 101, 100);
                    ThisJob::suspendIfRequested();
                    ThisJob::checkCancelled();
                    return t;
                });
            });
            break;
        }
        default: { // counters are consistent snapshots
            const qint64 pending = m_pool.pending();
            require(pending >= 0, "pending() is negative");
            // First: all three only grow.
            const quint64 ended = m_pool.completed() + m_pool.cancelled();
            require(ended <= m_pool.submitted(), "completed() + cancelled() exceed submitted()");
            (void)m_pool.busy();
            (void)m_pool.alive();
            break;
        }
        }
    }

public:
    bool m_keepsByDefault = true;

private:
    Pool &m_pool;
    Ledger &m_ledger;
    std::vector<JobId> m_ids;
    std::vector<int> m_tagOf;
    std::vector<TimerId> m_timers;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    FuzzSupport::Input input(data, size);
    auto ledger = std::make_unique<Ledger>();
    PoolOptions options;
    options.maxChildren = 1 + int(input.pick(3));
    options.resultId = input.flag();
    options.excArgs = input.flag();
    options.doneMax = int(input.pick(4));
    const unsigned doneMode = input.pick(3);
    const bool failedCallback = input.flag();
    std::atomic<Pool *> self{nullptr};
    Ledger *l = ledger.get();
    if (doneMode == 1) {
        options.doneCallback = false;
    } else if (doneMode == 2) {
        options.doneCallback = [l, &self](const Result &r) {
            l->deliver(r.value);
            if (Pool *pool = self.load(); pool && (r.value.toInt() & 3) == 0)
                (void)pool->pending(); // a callback that calls back into the pool
        };
    }
    if (failedCallback) {
        options.failedCallback = [&self](const Failure &) {
            if (Pool *pool = self.load())
                (void)pool->jobs();
        };
    }
    const unsigned threads = 1 + input.pick(3);
    std::vector<std::vector<std::uint8_t>> ops(threads);
    for (unsigned n = 0; !input.empty() && n < 96; ++n) {
        const unsigned t = input.pick(threads);
        ops[t].push_back(input.byte());
        ops[t].push_back(input.byte());
    }
    if (std::getenv("FUZZ_TRACE")) { // replaying a finding: what the input means
        std::fprintf(
                stderr,
                "maxChildren=%d resultId=%d excArgs=%d doneMax=%d doneMode=%u failedCallback=%d\n",
                options.maxChildren, options.resultId, options.excArgs, options.doneMax, doneMode,
                failedCallback);
        for (unsigned t = 0; t < threads; ++t) {
            std::fprintf(stderr, "thread %u:", t);
            for (std::size_t i = 0; i + 1 < ops[t].size(); i += 2)
                std::fprintf(stderr, " op%u(%u)", ops[t][i] % 24u, ops[t][i + 1]);
            std::fprintf(stderr, "\n");
        }
    }

    {
        Pool pool(options);
        self = &pool;
        const bool keepsByDefault = doneMode != 1;
        std::atomic<unsigned> ready{0};
        std::vector<std::thread> workers;
        auto runOne = [&](unsigned t) {
            Sequence sequence(pool, *ledger);
            sequence.m_keepsByDefault = keepsByDefault;
            ready.fetch_add(1);
            while (ready.load() < threads) { }
            sequence.run(ops[t]);
        };
        for (unsigned t = 1; t < threads; ++t)
            workers.emplace_back(runOne, t);
        runOne(0);
        for (auto &w : workers)
            w.join();

        // A graceful shutdown ends within its deadline, and then no thread of the pool runs.
        const auto start = std::chrono::steady_clock::now();
        const bool ended = pool.shutdown(QDeadlineTimer(kFinalDeadline));
        require(ended, "the final shutdown() did not end by its deadline");
        require(std::chrono::steady_clock::now() - start < kFinalDeadline + 5s,
                "the final shutdown() overran its deadline");
        require(pool.alive() == 0, "a thread of the pool is alive after shutdown()");
        // Counts equal the queue lengths; then take what is left.
        require(pool.doneCount().value() == pool.done().size(), "doneCount() != done().size()");
        require(pool.failedCount().value() == pool.failed().size(),
                "failedCount() != failed().size()");
        for (const Result &r : pool.done().takeAll())
            ledger->deliver(r.value);
        require(pool.doneCount().value() == 0, "doneCount() left after takeAll()");
        if (!ledger->mayDrop)
            require(pool.completed() + pool.cancelled() == pool.submitted(),
                    "completed() + cancelled() != submitted()");
        self = nullptr;
    }

    const int tags = std::min(ledger->nextTag.load(), kMaxTags);
    for (int t = 1; t < tags; ++t) {
        const auto i = std::size_t(t);
        const int ran = ledger->ran[i].load();
        require(ran <= 1, "a job ran twice");
        if (ledger->noRun[i])
            require(ran == 0, "a job cancelled by id or refused at its submit ran");
        require(ledger->delivered[i] <= ran, "a value was delivered more often than its job ran");
        if (!ledger->mayDrop && ledger->accepted[i] && !ledger->noRun[i]) {
            if (ran != 1)
                std::fprintf(stderr, "tag %d\n", t);
            require(ran == 1, "an accepted job never ran");
            if (ledger->kept[i] && !ledger->resultsCleared && !ledger->askedToStop[i])
                require(ledger->delivered[i] == 1, "a kept value was lost");
        }
    }
    return 0;
}
