// Private: the pool's signals, as the end of the result path. Workers poke a Wakeup; on the
// thread the pool lives in (the GUI thread, normally) the pump drains done()/failed() in
// time slices through the target's result signals, and refreshes the counting properties at
// most every kRefreshMs while work is in progress, emitting their change signals and idle().
// Jobs' progress reports are emitted at most every kRefreshMs too, the latest per job.
#pragma once

#include "delivery/signaltarget.h"
#include "delivery/wakeup.h"

#include <QtCore/qbasictimer.h>
#include <QtCore/qelapsedtimer.h>

#include <atomic>
#include <chrono>

namespace FastThreadPool::detail {

class Delivery;

class SignalPump
{
public:
    //! Emits through `target`, takes entries from `delivery`'s queues.
    SignalPump(SignalTarget &target, Delivery &delivery);

    Wakeup &wakeup() noexcept { return m_wakeup; }
    void poke(unsigned what) noexcept { m_wakeup.poke(what); }

    //! Any thread, from the target's connectNotify()/disconnectNotify(), where Qt may hold
    //! its own lock: neither calls back into the QObject. `want`: the signal's Wakeup bit.
    void signalConnected(unsigned want);
    void signalDisconnected(unsigned want);
    //! The receiver's thread: the posted event arrived.
    void onWakeup();
    //! The receiver's thread: a timer event; true if it was the pump's.
    bool onTimer(int timerId);

    //! Time given to emitting per event, so input and paint events interleave.
    static constexpr std::chrono::milliseconds kSlice{4};
    //! The counting properties are looked at this often while work is in progress.
    static constexpr int kRefreshMs = 16;

private:
    //! The wants, looked at again if a signal was disconnected since the last look.
    unsigned currentWants();
    //! Emits queued entries until both are empty (false) or the slice is used (true).
    bool drain(unsigned wanted, const QElapsedTimer &clock);
    void refresh();
    void refreshNow();
    //! Emits the jobs' progress (at most every kRefreshMs, or `now`) and cancelled ends.
    void emitJobEvents(unsigned wanted, bool now);

    SignalTarget &m_target;
    Delivery &m_delivery;
    Wakeup m_wakeup;
    std::atomic<bool> m_recheck{false}; // a disconnect happened: ask the QObject again
    // Only the receiver's thread touches what follows.
    SignalTarget::Counters m_shown;
    quint64 m_idleAfter = 0; // submitted count when idle() was last emitted
    QElapsedTimer m_lastRefresh;
    QBasicTimer m_refreshTimer;
    QElapsedTimer m_lastProgress;
    QBasicTimer m_progressTimer;
};

} // namespace FastThreadPool::detail
