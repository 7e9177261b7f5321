#include "delivery/signalpump.h"

#include "delivery/delivery.h"

#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>

#include <optional>
#include <utility>

namespace FastThreadPool::detail {

namespace {
// Entries emitted between two looks at the clock.
constexpr int kChunk = 64;
} // namespace

SignalPump::SignalPump(SignalTarget &target, Delivery &delivery)
    : m_target(target), m_delivery(delivery), m_wakeup(&target.receiver())
{ }

void SignalPump::signalConnected(unsigned want)
{
    if (!want)
        return;
    m_wakeup.addWanted(want); // workers post for it from now on
    // A look the receiver's thread takes concurrently may have missed the connection and
    // overwrite the bit: it looks again at the event posted here.
    m_recheck.store(true, std::memory_order_release); // release: before the post
    m_wakeup.post(); // what arrived before the connection, or during it, is delivered
}

void SignalPump::signalDisconnected(unsigned want)
{
    if (!want)
        return;
    // Looked at in the receiver's thread: here Qt may hold its own lock (and a destroyed
    // receiver is still counted as connected).
    m_recheck.store(true, std::memory_order_release); // release: before the post
    m_wakeup.post();
}

unsigned SignalPump::currentWants()
{
    // acquire: pairs with signalConnected()/signalDisconnected(). Loaded first: this runs
    // per emitted entry, and an exchange would write the line every time.
    if (m_recheck.load(std::memory_order_acquire)
        && m_recheck.exchange(false, std::memory_order_acquire))
        m_wakeup.setWanted(m_target.connectedWants());
    return m_wakeup.wanted();
}

void SignalPump::onWakeup()
{
    m_wakeup.rearm();
    const unsigned wanted = currentWants();
    QPointer<QObject> alive(&m_target.receiver()); // a slot may delete the pool
    QElapsedTimer clock;
    clock.start();
    if (drain(wanted, clock)) {
        if (alive)
            m_wakeup.post(); // the rest in a later event: other events go first
        return;
    }
    if (alive && (wanted & (Wakeup::Progress | Wakeup::Cancelled)))
        emitJobEvents(wanted, false);
    if (alive && (wanted & Wakeup::Counters))
        refresh();
}

void SignalPump::emitJobEvents(unsigned wanted, bool now)
{
    JobEvents &events = m_delivery.jobEvents();
    std::vector<JobId> cancelled;
    if (wanted & Wakeup::Cancelled)
        cancelled = events.takeCancelled();
    QPointer<QObject> alive(&m_target.receiver());
    if (wanted & Wakeup::Progress) {
        // A cancelled job's last progress comes before its end, whatever the rate.
        const qint64 since = m_lastProgress.isValid() ? m_lastProgress.elapsed() : kRefreshMs;
        if (now || !cancelled.empty() || since >= kRefreshMs) {
            m_progressTimer.stop();
            m_lastProgress.start();
            for (const JobEvents::Progress &report : events.takeProgress()) {
                m_target.emitProgress(report.id, report.value, report.maximum, report.text);
                if (!alive)
                    return;
            }
        } else if (!m_progressTimer.isActive()) {
            // Workers poke only when their slot was taken: the timer takes what comes now.
            // Precise: a coarse timer may fire early, and then a job's reports come closer
            // than kRefreshMs apart.
            m_progressTimer.start(int(kRefreshMs - since), Qt::PreciseTimer, &m_target.receiver());
        }
    }
    for (JobId id : cancelled) {
        m_target.emitCancelled(id);
        if (!alive)
            return;
    }
}

bool SignalPump::drain(unsigned wanted, const QElapsedTimer &clock)
{
    // An entry is taken only while a receiver is connected, so none is taken for nobody:
    // a slot may disconnect the last receiver (or destroy it, or the pool) at any emission.
    // `wanted` is what was connected when the event arrived.
    QPointer<QObject> alive(&m_target.receiver());
    const bool batches = m_target.batchesResults();
    // Whether a receiver is still there, cheaply: a slot that disconnects one (or
    // destroys it) makes the target's disconnectNotify() raise m_recheck.
    auto stillWanted = [this](unsigned want) { return (currentWants() & want) != 0; };
    for (;;) {
        int emitted = 0;
        if (wanted & Wakeup::Failures) {
            for (; emitted < kChunk && stillWanted(Wakeup::Failures); ++emitted) {
                std::optional<Failure> failure = m_delivery.failed().tryTake();
                if (!failure)
                    break;
                m_target.emitFailure(*failure);
                if (!alive)
                    return false;
            }
        }
        if ((wanted & Wakeup::Results) && batches) {
            // Taken as a batch: the batched signal gets all of it whatever the per-result
            // signal's receivers do meanwhile.
            const QList<Result> results = m_delivery.done().takeUpTo(kChunk);
            for (const Result &result : results) {
                m_target.emitResult(result);
                if (!alive)
                    return false;
            }
            if (!results.isEmpty())
                m_target.emitResults(results);
            if (!alive)
                return false;
            emitted += int(results.size());
        } else if (wanted & Wakeup::Results) {
            for (int n = 0; n < kChunk && stillWanted(Wakeup::Results); ++n, ++emitted) {
                std::optional<Result> result = m_delivery.done().tryTake();
                if (!result)
                    break;
                m_target.emitResult(*result);
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

void SignalPump::refresh()
{
    if (m_lastRefresh.isValid() && m_lastRefresh.elapsed() < kRefreshMs) {
        if (!m_refreshTimer.isActive())
            m_refreshTimer.start(int(kRefreshMs - m_lastRefresh.elapsed()), &m_target.receiver());
        return;
    }
    refreshNow();
}

bool SignalPump::onTimer(int timerId)
{
    if (timerId == m_progressTimer.timerId()) {
        m_progressTimer.stop();
        emitJobEvents(currentWants(), true);
        return true;
    }
    if (timerId != m_refreshTimer.timerId())
        return false;
    m_refreshTimer.stop();
    refreshNow();
    return true;
}

void SignalPump::refreshNow()
{
    m_lastRefresh.start();
    const SignalTarget::Look look = m_target.look();
    const SignalTarget::Counters before = std::exchange(m_shown, look.counters);
    QPointer<QObject> alive(&m_target.receiver());
    m_target.emitChanges(before, look.counters); // a slot may delete the pool
    if (!alive)
        return;

    // Idle: nothing pending or running, and nothing left for the signals to deliver.
    const unsigned wanted = m_wakeup.wanted();
    const bool undelivered = ((wanted & Wakeup::Results) && look.counters.doneQueued > 0)
            || ((wanted & Wakeup::Failures) && look.counters.failedQueued > 0);
    if (!look.idle || undelivered) {
        m_refreshTimer.start(kRefreshMs, &m_target.receiver()); // keep progress moving
        return;
    }
    if (look.submittedBefore != m_idleAfter) {
        m_idleAfter = look.submittedBefore;
        // Every job's last progress report comes before idle().
        if (wanted & (Wakeup::Progress | Wakeup::Cancelled)) {
            emitJobEvents(wanted, true);
            if (!alive)
                return;
        }
        m_target.emitIdle();
    }
}

} // namespace FastThreadPool::detail
