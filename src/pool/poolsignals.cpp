#include "pool/poolsignals.h"

#include <fastthreadpool/pool.h>

#include "pool/pool_p.h"

#include <QtCore/qmetaobject.h>
#include <QtCore/qpointer.h>

#include <array>

namespace FastThreadPool::detail {

namespace {
struct SignalWant
{
    QMetaMethod signal;
    unsigned want;
};

//! Every signal the pump serves, with the Wakeup::Want bit it needs.
const std::array<SignalWant, 17> &signalWants()
{
    static const std::array<SignalWant, 17> table{{
            {QMetaMethod::fromSignal(&Pool::resultReady), Wakeup::Results},
            {QMetaMethod::fromSignal(&Pool::resultsReady), Wakeup::Results},
            {QMetaMethod::fromSignal(&Pool::jobFailed), Wakeup::Failures},
            {QMetaMethod::fromSignal(&Pool::idle), Wakeup::Counters},
            {QMetaMethod::fromSignal(&Pool::aliveChanged), Wakeup::Counters},
            {QMetaMethod::fromSignal(&Pool::busyChanged), Wakeup::Counters},
            {QMetaMethod::fromSignal(&Pool::childCountChanged), Wakeup::Counters},
            {QMetaMethod::fromSignal(&Pool::pendingChanged), Wakeup::Counters},
            {QMetaMethod::fromSignal(&Pool::doneQueuedChanged), Wakeup::Counters},
            {QMetaMethod::fromSignal(&Pool::failedQueuedChanged), Wakeup::Counters},
            {QMetaMethod::fromSignal(&Pool::doneCountChanged), Wakeup::Counters},
            {QMetaMethod::fromSignal(&Pool::failedCountChanged), Wakeup::Counters},
            {QMetaMethod::fromSignal(&Pool::submittedChanged), Wakeup::Counters},
            {QMetaMethod::fromSignal(&Pool::completedChanged), Wakeup::Counters},
            {QMetaMethod::fromSignal(&Pool::cancelledChanged), Wakeup::Counters},
            {QMetaMethod::fromSignal(&Pool::jobProgress), Wakeup::Progress},
            {QMetaMethod::fromSignal(&Pool::jobCancelled), Wakeup::Cancelled},
    }};
    return table;
}
} // namespace

unsigned PoolSignals::wantOf(const QMetaMethod &signal)
{
    for (const SignalWant &entry : signalWants()) {
        if (entry.signal == signal)
            return entry.want;
    }
    return 0;
}

QObject &PoolSignals::receiver() noexcept { return q; }

unsigned PoolSignals::connectedWants() const
{
    unsigned wanted = 0;
    for (const SignalWant &entry : signalWants()) {
        if (!(wanted & entry.want) && q.isSignalConnected(entry.signal))
            wanted |= entry.want;
    }
    return wanted;
}

bool PoolSignals::batchesResults() const
{
    return q.isSignalConnected(QMetaMethod::fromSignal(&Pool::resultsReady));
}

void PoolSignals::emitResult(const Result &result) { emit q.resultReady(result.id, result.value); }

void PoolSignals::emitResults(const QList<Result> &results) { emit q.resultsReady(results); }

void PoolSignals::emitFailure(const Failure &failure) { emit q.jobFailed(failure.id, failure); }

SignalTarget::Look PoolSignals::look()
{
    Look look;
    look.submittedBefore = d.submittedJobs();
    look.idle = d.isIdle();
    Counters &now = look.counters;
    // Completed and cancelled before submitted: all only grow, so their sum never exceeds
    // submitted.
    now.completed = d.completedJobs();
    now.cancelled = d.cancelledJobs();
    now.submitted = d.submittedJobs();
    now.alive = q.alive();
    now.busy = q.busy();
    now.childCount = q.childCount();
    now.pending = q.pending();
    now.doneQueued = q.doneQueued();
    now.failedQueued = q.failedQueued();
    return look;
}

void PoolSignals::emitChanges(const Counters &before, const Counters &now)
{
    QPointer<Pool> alive(&q);
    // Each change signal carries the value just read; a slot may delete the pool.
    auto announce = [&](auto oldValue, auto newValue, auto signal) {
        if (alive && oldValue != newValue)
            emit(q.*signal)(newValue);
    };
    announce(before.submitted, now.submitted, &Pool::submittedChanged);
    announce(before.completed, now.completed, &Pool::completedChanged);
    announce(before.cancelled, now.cancelled, &Pool::cancelledChanged);
    announce(before.pending, now.pending, &Pool::pendingChanged);
    announce(before.busy, now.busy, &Pool::busyChanged);
    announce(before.alive, now.alive, &Pool::aliveChanged);
    announce(before.childCount, now.childCount, &Pool::childCountChanged);
    announce(before.doneQueued, now.doneQueued, &Pool::doneQueuedChanged);
    announce(before.failedQueued, now.failedQueued, &Pool::failedQueuedChanged);
    announce(before.doneQueued, now.doneQueued, &Pool::doneCountChanged); // deprecated
    announce(before.failedQueued, now.failedQueued, &Pool::failedCountChanged); // deprecated
}

void PoolSignals::emitIdle() { emit q.idle(); }

void PoolSignals::emitProgress(JobId id, int value, int maximum, const QString &text)
{
    emit q.jobProgress(id, value, maximum, text);
}

void PoolSignals::emitCancelled(JobId id) { emit q.jobCancelled(id); }

} // namespace FastThreadPool::detail
