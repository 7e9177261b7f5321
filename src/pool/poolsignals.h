// Private: the Pool's side of the signal pump (SignalTarget): its signals by name, which of
// them have receivers, emitting them, and the counts its properties show.
#pragma once

#include "delivery/signaltarget.h"

QT_BEGIN_NAMESPACE
class QMetaMethod;
QT_END_NAMESPACE

namespace FastThreadPool {
class Pool;
}

namespace FastThreadPool::detail {

class PoolPrivate;

class PoolSignals final : public SignalTarget
{
public:
    PoolSignals(Pool &pool, PoolPrivate &poolPrivate) noexcept : q(pool), d(poolPrivate) { }

    //! The Wakeup::Want bit a signal of Pool needs (0: none). Compares QMetaMethods only:
    //! allowed where connectNotify() runs.
    static unsigned wantOf(const QMetaMethod &signal);

    QObject &receiver() noexcept override;
    unsigned connectedWants() const override;
    bool batchesResults() const override;
    void emitResult(const Result &result) override;
    void emitResults(const QList<Result> &results) override;
    void emitFailure(const Failure &failure) override;
    Look look() override;
    void emitChanges(const Counters &before, const Counters &now) override;
    void emitIdle() override;
    void emitProgress(JobId id, int value, int maximum, const QString &text) override;
    void emitCancelled(JobId id) override;

private:
    Pool &q;
    PoolPrivate &d;
};

} // namespace FastThreadPool::detail
