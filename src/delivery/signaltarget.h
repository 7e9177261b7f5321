// Private: the pool's side of the signal pump. The pump (delivery/) decides when and how
// much to emit; the target (the pool) knows its signals, emits them, and reports its counts.
#pragma once

#include <fastthreadpool/result.h>

#include <QtCore/qlist.h>
#include <QtCore/qstring.h>

QT_BEGIN_NAMESPACE
class QObject;
QT_END_NAMESPACE

namespace FastThreadPool::detail {

class SignalTarget
{
public:
    //! The counting properties and idleness, as one look at the pool.
    struct Counters
    {
        int alive = 0;
        int busy = 0;
        int childCount = 0;
        qint64 pending = 0;
        qsizetype doneQueued = 0;
        qsizetype failedQueued = 0;
        quint64 submitted = 0;
        quint64 completed = 0;
        quint64 cancelled = 0;
        bool operator==(const Counters &) const = default;
    };
    //! idle is decided first, everything else after it: a job queues its results and counts
    //! as ended before the pool can look idle, so what is read next includes all of them.
    //! submittedBefore (read before idle) names the stretch of work an idle() would close.
    struct Look
    {
        quint64 submittedBefore = 0;
        bool idle = false;
        Counters counters;
    };

    //! The QObject the pump's events and timer go to (it lives in the thread that emits).
    virtual QObject &receiver() noexcept = 0;
    //! Which Wakeup::Want bits the connected signals ask for; asks the QObject (so never
    //! from inside connectNotify()).
    virtual unsigned connectedWants() const = 0;
    //! resultsReady() has a receiver: results are taken in batches.
    virtual bool batchesResults() const = 0;
    virtual void emitResult(const Result &result) = 0;
    virtual void emitResults(const QList<Result> &results) = 0;
    virtual void emitFailure(const Failure &failure) = 0;
    virtual Look look() = 0;
    //! Emits the change signal of every count that differs. A slot may destroy the pool.
    virtual void emitChanges(const Counters &before, const Counters &now) = 0;
    virtual void emitIdle() = 0;
    virtual void emitProgress(JobId id, int value, int maximum, const QString &text) = 0;
    virtual void emitCancelled(JobId id) = 0;

protected:
    ~SignalTarget() = default;
};

} // namespace FastThreadPool::detail
