// Private: the result path. Workers hand values and failures here; Delivery routes them to
// the done/failed queues or to the callback threads, applies doneMax, logs failures and
// wakes whoever waits for progress. New routes (signals) plug in here, not in the workers.
#pragma once

#include <fastthreadpool/detail/jobcontext.h>
#include <fastthreadpool/resultqueue.h>

#include "core/eventcount.h"
#include "delivery/callbackthread.h"
#include "delivery/deliveryoptions.h"
#include "delivery/failurereport.h"
#include "delivery/jobevents.h"
#include "delivery/spacegate.h"
#include "delivery/signalpump.h"
#include "delivery/threadlanes.h"
#include "delivery/wakeup.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

namespace FastThreadPool::detail {

class Delivery;

//! The JobContext of a job run on one of the pool's threads: it reports through that
//! thread's lanes. Made by Delivery::context() for each job.
class DeliveryContext final : public JobContext
{
public:
    //! `word`: the running record's word (see JobContext), nullptr for a direct map's thread.
    DeliveryContext(Delivery &delivery, ThreadLanes &lanes, JobId id, bool keepsValues,
                    bool capturesArgs, const std::atomic<std::uint64_t> *word) noexcept
        : JobContext(id, keepsValues, capturesArgs, word), m_delivery(delivery), m_lanes(lanes)
    { }
    void deliver(QVariant &&value, JobId id, bool toQueue = false) override;
    void fail(std::exception_ptr error, JobId id, QVariantList &&args,
              const FunctionInfo &function) noexcept override;
    void setProgress(int value, int maximum, const QString &text) override;
    //! A failure of this job as the pool describes it (excStack), without routing it.
    Failure describe(std::exception_ptr error, JobId id, const FunctionInfo &function);

private:
    Delivery &m_delivery;
    ThreadLanes &m_lanes;
};

class Delivery
{
public:
    //! `arrivals` is notified whenever an entry reaches done() or failed(); the signal pump
    //! emits through `target`. `owner` tags the callback threads (ThreadRole).
    Delivery(const DeliveryOptions &options, EventCount &arrivals, SignalTarget &target,
             const void *owner);
    ~Delivery();

    bool keepsValues() const noexcept { return m_keepsValues; }
    bool capturesArgs() const noexcept { return m_capturesArgs; }
    //! The context a job of this pool runs with, on the thread owning `lanes`.
    DeliveryContext context(ThreadLanes &lanes, JobId id,
                            const std::atomic<std::uint64_t> *word = nullptr) noexcept
    {
        return DeliveryContext(*this, lanes, id, m_keepsValues, m_capturesArgs, word);
    }
    //! Callbacks take the results: asCompleted() is refused.
    bool hasCallbacks() const noexcept { return m_doneThread || m_failedThread; }

    //! From a pool thread (through its `lanes`): one value of job `id` (0 for map items).
    //! `toQueue`: into done() whatever the pool's done callback (a job's own done = true).
    //! Waits under doneMax.
    void deliver(ThreadLanes &lanes, QVariant &&value, JobId id, bool toQueue);
    //! From a pool thread: job `id` threw `error`.
    void fail(ThreadLanes &lanes, std::exception_ptr error, JobId id, QVariantList &&args,
              const FunctionInfo &function) noexcept;
    //! `error` as a Failure of job `id`, described and logged as fail() would, not routed.
    Failure describe(std::exception_ptr error, JobId id, const FunctionInfo &function);
    //! From a pool thread: a callback (init, finish, done) threw.
    void failCallback(ThreadLanes &lanes, std::exception_ptr error, const char *where) noexcept;
    //! From any other thread (the timer thread, say): `where` failed with `error` (id 0).
    void failElsewhere(std::exception_ptr error, const char *where) noexcept;
    //! From a pool thread: job `id` reports progress. Nothing is kept, and nothing posted,
    //! unless jobProgress has a receiver.
    void progress(ThreadLanes &lanes, JobId id, int value, int maximum, const QString &text)
    {
        if (!(m_signalPump.wakeup().wanted() & Wakeup::Progress))
            return;
        if (m_jobEvents.progress(lanes.progress(), id, value, maximum, text))
            m_signalPump.poke(Wakeup::Progress);
    }
    //! From a pool thread: job `id` ended cancelled while it ran (for jobCancelled).
    void jobCancelled(JobId id)
    {
        if (!(m_signalPump.wakeup().wanted() & Wakeup::Cancelled))
            return;
        m_jobEvents.cancelled(id);
        m_signalPump.poke(Wakeup::Cancelled);
    }
    JobEvents &jobEvents() noexcept { return m_jobEvents; }

    //! Where results and failures go now: the queues, or the callback threads.
    LaneQueue<Result> &doneTarget() noexcept;
    LaneQueue<Failure> &failedTarget() noexcept;
    //! done()'s own lanes, whatever the target.
    LaneQueue<Result> &queueTarget() noexcept { return m_done.lanes(); }

    ResultQueue<Result> &done() noexcept { return m_done; }
    //! The pool's signals: the end of the result path in the receiver's thread.
    SignalPump &signalPump() noexcept { return m_signalPump; }
    ResultQueue<Failure> &failed() noexcept { return m_failed; }

    //! shutdown: doneMax no longer holds workers back, so every job can end.
    void openBounds() noexcept { m_space.open(); }
    //! Waits until the callback threads handed out everything, then ends them.
    bool stopCallbackThreads(QDeadlineTimer deadline);
    //! clear(): empties both queues (their entries' destructors may be user code).
    void clearQueues();
    //! clear(): restores the doneMax bound.
    void closeBounds() noexcept { m_space.close(); }

private:
    void route(ThreadLanes &lanes, Failure &&failure);

    const bool m_keepsValues;
    const bool m_capturesArgs;
    const bool m_resultIds;
    const FailureOptions m_failureOptions;
    const std::optional<QtMsgType> m_logLevel;
    EventCount &m_arrivals;
    SpaceGate m_space;
    ResultQueue<Result> m_done;
    ResultQueue<Failure> m_failed;
    JobEvents m_jobEvents; // before the lanes below, which hold its slots
    SignalPump m_signalPump; // after the queues and events it drains
    std::unique_ptr<CallbackThread<Result>> m_doneThread;
    std::unique_ptr<CallbackThread<Failure>> m_failedThread;
    // The done thread's own lanes, for failures of the done callback.
    ThreadLanes m_doneThreadLanes{*this};
    // Lanes for failures met on threads that have none (failElsewhere), one at a time.
    std::mutex m_elsewhereMutex;
    ThreadLanes m_elsewhereLanes{*this};
};

} // namespace FastThreadPool::detail
