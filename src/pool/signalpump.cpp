#include "pool/signalpump.h"

#include <fastthreadpool/pool.h>

#include "pool/pool_p.h"

#include <QtCore/qmetaobject.h>
#include <QtCore/qpointer.h>

#include <array>
#include <optional>

namespace FastThreadPool::detail {

namespace {
// Entries emitted between two looks at the clock.
constexpr int kChunk = 64;
} // namespace

SignalPump::SignalPump(Pool &pool) : q(pool), m_wakeup(&pool) { }

namespace {
struct SignalWant
{
    QMetaMethod signal;
    unsigned want;
};

//! Every signal the pump serves, with the Wakeup::Want bit it needs.
const std::array<SignalWant, 12> &signalWants()
{
    static const std::array<SignalWant, 12> table{{
            {QMetaMethod::fromSignal(&Pool::resultReady), Wakeup::Results},
            {QMetaMethod::fromSignal(&Pool::resultsReady), Wakeup::Results},
            {QMetaMethod::fromSignal(&Pool::jobFailed), Wakeup::Failures},
            {QMetaMethod::fromSignal(&Pool::idle), Wakeup::Counters},
            {QMetaMethod::fromSignal(&Pool::aliveChanged), Wakeup::Counters},
            {QMetaMethod::fromSignal(&Pool::busyChanged), Wakeup::Counters},
            {QMetaMethod::fromSignal(&Pool::childCountChanged), Wakeup::Counters},
            {QMetaMethod::fromSignal(&Pool::pendingChanged), Wakeup::Counters},
            {QMetaMethod::fromSignal(&Pool::doneCountChanged), Wakeup::Counters},
            {QMetaMethod::fromSignal(&Pool::failedCountChanged), Wakeup::Counters},
            {QMetaMethod::fromSignal(&Pool::submittedChanged), Wakeup::Counters},
            {QMetaMethod::fromSignal(&Pool::completedChanged), Wakeup::Counters},
    }};
    return table;
}
} // namespace

unsigned SignalPump::wantOf(const QMetaMethod &signal)
{
    // Comparing QMetaMethods touches no QObject: allowed where connectNotify() runs.
    for (const SignalWant &entry : signalWants()) {
        if (entry.signal == signal)
            return entry.want;
    }
    return 0;
}

unsigned SignalPump::connectedWants() const
{
    unsigned wanted = 0;
    for (const SignalWant &entry : signalWants()) {
        if (!(wanted & entry.want) && q.isSignalConnected(entry.signal))
            wanted |= entry.want;
    }
    return wanted;
}

void SignalPump::signalConnected(const QMetaMethod &signal)
{
    if (const unsigned want = wantOf(signal)) {
        m_wakeup.addWanted(want); // workers post for it from now on
        // A look the pool's thread takes concurrently may have missed the connection and
        // overwrite the bit: it looks again at the event posted here.
        m_recheck.store(true, std::memory_order_release); // release: before the post
        m_wakeup.post(); // what arrived before the connection, or during it, is delivered
    }
}

void SignalPump::signalDisconnected(const QMetaMethod &signal)
{
    if (wantOf(signal)) {
        // Looked at in the pool's thread: here Qt may hold its own lock (and a destroyed
        // receiver is still counted as connected).
        m_recheck.store(true, std::memory_order_release); // release: before the post
        m_wakeup.post();
    }
}

unsigned SignalPump::currentWants()
{
    // acquire: pairs with signalConnected()/signalDisconnected(). Loaded first: this runs
    // per emitted entry, and an exchange would write the line every time.
    if (m_recheck.load(std::memory_order_acquire)
        && m_recheck.exchange(false, std::memory_order_acquire))
        m_wakeup.setWanted(connectedWants());
    return m_wakeup.wanted();
}

void SignalPump::onWakeup(PoolPrivate &d)
{
    m_wakeup.rearm();
    const unsigned wanted = currentWants();
    QPointer<Pool> alive(&q); // a slot may delete the pool
    QElapsedTimer clock;
    clock.start();
    if (drain(d, wanted, clock)) {
        if (alive)
            m_wakeup.post(); // the rest in a later event: other events go first
        return;
    }
    if (alive && (wanted & Wakeup::Counters))
        refresh(d);
}

bool SignalPump::drain(PoolPrivate &d, unsigned wanted, const QElapsedTimer &clock)
{
    // An entry is taken only while a receiver is connected, so none is taken for nobody:
    // a slot may disconnect the last receiver (or destroy it, or the pool) at any emission.
    // `wanted` is what was connected when the event arrived.
    QPointer<Pool> alive(&q);
    const bool batches = q.isSignalConnected(QMetaMethod::fromSignal(&Pool::resultsReady));
    // Whether a receiver is still there, cheaply: a slot that disconnects one (or
    // destroys it) makes disconnectNotify() raise m_recheck.
    auto stillWanted = [this](unsigned want) { return (currentWants() & want) != 0; };
    for (;;) {
        int emitted = 0;
        if (wanted & Wakeup::Failures) {
            for (; emitted < kChunk && stillWanted(Wakeup::Failures); ++emitted) {
                std::optional<Failure> failure = d.m_delivery.failed().tryTake();
                if (!failure)
                    break;
                emit q.jobFailed(failure->id, *failure);
                if (!alive)
                    return false;
            }
        }
        if ((wanted & Wakeup::Results) && batches) {
            // Taken as a batch: resultsReady() gets all of it whatever resultReady()'s
            // receivers do meanwhile.
            const QList<Result> results = d.m_delivery.done().takeUpTo(kChunk);
            for (const Result &result : results) {
                emit q.resultReady(result.id, result.value);
                if (!alive)
                    return false;
            }
            if (!results.isEmpty())
                emit q.resultsReady(results);
            if (!alive)
                return false;
            emitted += int(results.size());
        } else if (wanted & Wakeup::Results) {
            for (int n = 0; n < kChunk && stillWanted(Wakeup::Results); ++n, ++emitted) {
                std::optional<Result> result = d.m_delivery.done().tryTake();
                if (!result)
                    break;
                emit q.resultReady(result->id, result->value);
                if (!alive)
                    return false;
            }
        }
        if (emitted == 0)
            return false;
        if (clock.nsecsElapsed() >= std::chrono::nanoseconds(kSlice).count())
            return true;
    }
}

void SignalPump::refresh(PoolPrivate &d)
{
    if (m_lastRefresh.isValid() && m_lastRefresh.elapsed() < kRefreshMs) {
        if (!m_refreshTimer.isActive())
            m_refreshTimer.start(int(kRefreshMs - m_lastRefresh.elapsed()), &q);
        return;
    }
    refreshNow(d);
}

bool SignalPump::onTimer(PoolPrivate &d, int timerId)
{
    if (timerId != m_refreshTimer.timerId())
        return false;
    m_refreshTimer.stop();
    refreshNow(d);
    return true;
}

void SignalPump::refreshNow(PoolPrivate &d)
{
    m_lastRefresh.start();
    // Idleness first, everything else after it: a job queues its results and counts as
    // ended before the pool can look idle, so what is read next includes all of them.
    // The submitted count read before it is the stretch of work an idle() would close.
    const quint64 submittedBefore = d.submittedJobs();
    const bool idleNow = d.isIdle();
    Counters now;
    // Completed before submitted: both only grow, so completed never exceeds submitted.
    now.completed = d.completedJobs();
    now.submitted = d.submittedJobs();
    now.alive = q.alive();
    now.busy = q.busy();
    now.childCount = q.childCount();
    now.pending = q.pending();
    now.doneQueued = d.m_delivery.done().size();
    now.failedQueued = d.m_delivery.failed().size();

    const Counters before = std::exchange(m_shown, now);
    QPointer<Pool> alive(&q);
    // Each change signal carries the value just read; a slot may delete the pool.
    auto announce = [&](auto oldValue, auto newValue, auto signal) {
        if (alive && oldValue != newValue)
            emit(q.*signal)(newValue);
    };
    announce(before.submitted, now.submitted, &Pool::submittedChanged);
    announce(before.completed, now.completed, &Pool::completedChanged);
    announce(before.pending, now.pending, &Pool::pendingChanged);
    announce(before.busy, now.busy, &Pool::busyChanged);
    announce(before.alive, now.alive, &Pool::aliveChanged);
    announce(before.childCount, now.childCount, &Pool::childCountChanged);
    announce(before.doneQueued, now.doneQueued, &Pool::doneCountChanged);
    announce(before.failedQueued, now.failedQueued, &Pool::failedCountChanged);
    if (!alive)
        return;

    // Idle: nothing pending or running, and nothing left for the signals to deliver.
    const unsigned wanted = m_wakeup.wanted();
    const bool undelivered = ((wanted & Wakeup::Results) && now.doneQueued > 0)
            || ((wanted & Wakeup::Failures) && now.failedQueued > 0);
    if (!idleNow || undelivered) {
        m_refreshTimer.start(kRefreshMs, &q); // keep progress moving while work runs
        return;
    }
    if (submittedBefore != m_idleAfter) {
        m_idleAfter = submittedBefore;
        emit q.idle();
    }
}

} // namespace FastThreadPool::detail
