// Private: the Pool's signals. Workers poke a Wakeup; on the thread the pool lives in (the
// GUI thread, normally) the pump drains done()/failed() in time slices, emitting
// resultReady / resultsReady / jobFailed, and refreshes the counting properties at most
// every kRefreshMs while work is in progress, emitting their change signals and idle().
#pragma once

#include "delivery/wakeup.h"

#include <QtCore/qbasictimer.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qmetaobject.h>

#include <atomic>
#include <chrono>
#include <cstdint>

namespace FastThreadPool {
class Pool;
}

namespace FastThreadPool::detail {

class PoolPrivate;

class SignalPump
{
public:
    explicit SignalPump(Pool &pool);

    Wakeup &wakeup() noexcept { return m_wakeup; }
    void poke(unsigned what) noexcept { m_wakeup.poke(what); }

    //! Any thread, from Pool::connectNotify()/disconnectNotify(), where Qt may hold its own
    //! lock: neither calls back into the QObject.
    void signalConnected(const QMetaMethod &signal);
    void signalDisconnected(const QMetaMethod &signal);
    //! The pool's thread: the posted event arrived.
    void onWakeup(PoolPrivate &d);
    //! The pool's thread: a timer event; true if it was the pump's.
    bool onTimer(PoolPrivate &d, int timerId);

    //! Time given to emitting per event, so input and paint events interleave.
    static constexpr std::chrono::milliseconds kSlice{4};
    //! The counting properties are looked at this often while work is in progress.
    static constexpr int kRefreshMs = 16;

private:
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
    };

    //! The Wakeup::Want bit a signal belongs to (0: none).
    static unsigned wantOf(const QMetaMethod &signal);
    //! What the connected signals want (asks the QObject: only outside connectNotify()).
    unsigned connectedWants() const;
    //! The wants, looked at again if a signal was disconnected since the last look.
    unsigned currentWants();
    //! Emits queued entries until both are empty (false) or the slice is used (true).
    bool drain(PoolPrivate &d, unsigned wanted, const QElapsedTimer &clock);
    void refresh(PoolPrivate &d);
    void refreshNow(PoolPrivate &d);

    Pool &q;
    Wakeup m_wakeup;
    std::atomic<bool> m_recheck{false}; // a disconnect happened: ask the QObject again
    // Only the pool's thread touches what follows.
    Counters m_shown;
    quint64 m_idleAfter = 0; // submitted count when idle() was last emitted
    QElapsedTimer m_lastRefresh;
    QBasicTimer m_refreshTimer;
};

} // namespace FastThreadPool::detail
