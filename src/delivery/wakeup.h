// Private: the one wake-up a pool's own thread (normally the GUI thread) gets per batch.
// Workers and submitters poke; at most one event is in flight to the QObject, whatever
// the rate of pokes. Nothing is posted for what no connected signal wants.
#pragma once

#include <QtCore/qcoreevent.h>

#include <atomic>

QT_BEGIN_NAMESPACE
class QObject;
QT_END_NAMESPACE

namespace FastThreadPool::detail {

class Wakeup
{
public:
    //! What a receiver wants to hear about (the Pool sets it from its connected signals).
    enum Want : unsigned {
        Results = 1, // resultReady / resultsReady: drain done()
        Failures = 2, // jobFailed: drain failed()
        Counters = 4, // the properties' change signals and idle()
        Progress = 8, // jobProgress: running jobs' progress (JobEvents)
        Cancelled = 16, // jobCancelled: jobs a cancel reached while they ran (JobEvents)
    };

    explicit Wakeup(QObject *target) : m_target(target) { }

    static QEvent::Type eventType();

    unsigned wanted() const noexcept
    {
        return m_wanted.load(std::memory_order_relaxed); // relaxed: see poke()
    }
    void addWanted(unsigned bits) noexcept
    {
        // relaxed: as setWanted().
        m_wanted.fetch_or(bits, std::memory_order_relaxed);
    }
    void setWanted(unsigned bits) noexcept
    {
        // relaxed: a connection made concurrently with a result may miss that one result's
        // poke; a post() follows every connection (see SignalPump::signalConnected()).
        m_wanted.store(bits, std::memory_order_relaxed);
    }

    //! Any thread, after making `what` visible: makes sure an event is on its way if a
    //! receiver wants `what`. Costs one relaxed load when nobody listens.
    void poke(unsigned what) noexcept
    {
        if (wanted() & what) [[unlikely]]
            post();
    }
    //! Posts unless an event is already on its way.
    void post() noexcept;

    //! On the receiving thread, before it looks at what to deliver: a poke from now on
    //! posts again, so nothing made visible after the look is left undelivered.
    void rearm() noexcept;

private:
    QObject *const m_target;
    std::atomic<unsigned> m_wanted{0};
    // Its own line: every poke reads it while it is set; only post() and rearm() write it.
    alignas(64) std::atomic<int> m_posted{0}; // int: loadAfterBarrier() needs fetch_add
};

} // namespace FastThreadPool::detail
