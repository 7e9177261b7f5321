// Test helpers for synchronising a test with the jobs it runs: a semaphore that
// ThreadSanitizer can see through, a gate that holds jobs until the test opens it, a
// guard that opens a gate on scope exit, and the small jobs many tests submit.
#pragma once

#include <QtCore/qdeadlinetimer.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>

namespace TestSupport {

//! How long a test waits for what should happen soon: generous, the machines running the
//! tests are shared and noisy, and only a failing test ever waits this long.
constexpr int kWaitMs = 10000;
inline QDeadlineTimer waitDeadline() { return QDeadlineTimer(kWaitMs); }

//! A job returning its argument.
inline int identity(int value) { return value; }
//! A job throwing std::runtime_error whose message is its argument.
[[noreturn]] inline int failWith(int value) { throw std::runtime_error(std::to_string(value)); }

//! A QSemaphore stand-in for tests. Qt is not built with ThreadSanitizer and QSemaphore
//! waits in Qt's own futex code, so TSan misses its happens-before edge and reports false
//! races; this one is built on std::mutex and std::condition_variable (pthread, which TSan
//! intercepts). Same meaning as QSemaphore for the members it has.
class Semaphore
{
public:
    //! Starts with `n` permits.
    explicit Semaphore(int n = 0) : m_available(n) { }
    Semaphore(const Semaphore &) = delete;
    Semaphore &operator=(const Semaphore &) = delete;

    //! Takes `n` permits, waiting as long as it takes.
    void acquire(int n = 1)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_available >= n; });
        m_available -= n;
    }

    //! Takes `n` permits if there are that many now; never waits.
    bool tryAcquire(int n = 1)
    {
        std::lock_guard lock(m_mutex);
        if (m_available < n)
            return false;
        m_available -= n;
        return true;
    }

    //! Takes `n` permits, waiting at most `timeoutMs` (negative: for ever); false on timeout.
    bool tryAcquire(int n, int timeoutMs)
    {
        if (timeoutMs < 0) {
            acquire(n);
            return true;
        }
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
        std::unique_lock lock(m_mutex);
        if (!m_changed.wait_until(lock, until, [&] { return m_available >= n; }))
            return false;
        m_available -= n;
        return true;
    }

    //! Adds `n` permits and wakes the waiters.
    void release(int n = 1)
    {
        {
            std::lock_guard lock(m_mutex);
            m_available += n;
        }
        m_changed.notify_all(); // all: waiters may want different numbers of permits
    }

    //! The permits there are now.
    int available() const
    {
        std::lock_guard lock(m_mutex);
        return m_available;
    }

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    int m_available;
};

//! Holds jobs inside their workers until the test opens it: a job calls pass() (or is
//! job()/valueJob()), which announces that it entered and then waits for a permit from
//! open(). A job gives up after kSafetyMs, so a failing test cannot hang for ever.
class Gate
{
public:
    //! How long a job waits in pass() at most: only reached when a test has already failed.
    static constexpr int kSafetyMs = 30000;
    //! Permits openAll() gives: more than any test sends through a gate.
    static constexpr int kAllPermits = 1 << 20;

    Gate() = default;
    Gate(const Gate &) = delete;
    Gate &operator=(const Gate &) = delete;

    //! Called inside a job: announces it entered, then waits until opened; false on timeout.
    bool pass()
    {
        m_entered.release();
        const bool opened = m_opened.tryAcquire(1, kSafetyMs);
        if (!opened)
            m_timedOut = true;
        m_finished = true;
        return opened;
    }
    //! A job for Pool::submit(job): passes the gate.
    auto job()
    {
        return [this] { pass(); };
    }
    //! A job for Pool::submit(job, value): passes the gate, then returns `value`.
    auto valueJob()
    {
        return [this](int value) {
            pass();
            return value;
        };
    }

    //! Waits (up to kWaitMs) until `n` more jobs entered; consumes their announcements.
    bool waitEntered(int n = 1) { return m_entered.tryAcquire(n, kWaitMs); }
    //! Jobs that entered and whose announcement waitEntered() has not consumed.
    int entered() const { return m_entered.available(); }

    //! Lets `n` jobs through (now or when they arrive).
    void open(int n = 1) { m_opened.release(n); }
    //! Lets every job through, the ones waiting and the ones still to come.
    void openAll() { m_opened.release(kAllPermits); }

    //! A job has left pass() (opened or timed out).
    bool finished() const { return m_finished; }
    //! A job gave up waiting in pass(): the test did not open the gate in time.
    bool timedOut() const { return m_timedOut; }

private:
    Semaphore m_entered;
    Semaphore m_opened;
    std::atomic<bool> m_finished{false};
    std::atomic<bool> m_timedOut{false};
};

//! Opens a gate for every job on scope exit, so a failing check never leaves a job
//! blocked. Declare the gate before the pool (it outlives the jobs) and the opener after
//! it (it runs before the pool's destructor waits for the jobs).
class GateOpener
{
public:
    //! Guards `gate`, which must outlive this object.
    explicit GateOpener(Gate &gate) : m_gate(gate) { }
    GateOpener(const GateOpener &) = delete;
    GateOpener &operator=(const GateOpener &) = delete;
    //! Opens the gate: Gate::openAll().
    ~GateOpener() { m_gate.openAll(); }

private:
    Gate &m_gate;
};

} // namespace TestSupport
