// Private: what running jobs tell the pool's thread about themselves, beside their values:
// progress (ThisJob::setProgress(), latest value wins per job) and an end by a cancel that
// reached them while they ran. Progress goes into a slot per pool thread; the signal pump
// takes everything at once, at most every SignalPump::kRefreshMs for progress.
#pragma once

#include <fastthreadpool/jobid.h>

#include <QtCore/qstring.h>

#include <deque>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace FastThreadPool::detail {

class JobEvents
{
public:
    struct Progress
    {
        JobId id = 0;
        int value = 0;
        int maximum = 0;
        QString text;
    };

    /*!
        One pool thread's latest progress report. Each thread writes its own (the job it
        runs), so reporting contends with nothing but the pump's take every 16 ms. Owned by
        the JobEvents and reused by a later thread, never freed while the pool lives.
    */
    class Slot
    {
        friend class JobEvents;
        std::mutex m_mutex; // nests nothing
        Progress m_report; // under m_mutex
        bool m_pending = false; // under m_mutex: not taken by the pump yet
    };

    //! A pool thread's slot (on its first report); give it back with release().
    Slot &acquire()
    {
        std::lock_guard lock(m_mutex);
        if (!m_free.empty()) {
            Slot *slot = m_free.back();
            m_free.pop_back();
            return *slot;
        }
        return m_slots.emplace_back();
    }
    //! The thread ends. A report it left is still taken.
    void release(Slot &slot)
    {
        std::lock_guard lock(m_mutex);
        m_free.push_back(&slot);
    }

    /*!
        A worker: job `id` reports progress into its thread's slot, replacing its own report
        the pump has not taken yet. A previous job's untaken report (that job ended) is set
        aside for the pump, not lost. Returns true if the pump needs a poke.
    */
    bool progress(Slot &slot, JobId id, int value, int maximum, const QString &text)
    {
        std::optional<Progress> earlier;
        bool wasPending = false;
        {
            std::lock_guard lock(slot.m_mutex);
            Progress &report = slot.m_report;
            wasPending = slot.m_pending;
            if (wasPending && report.id != id)
                earlier = report; // a copy: rare, and the text is shared
            report.id = id;
            report.value = value;
            report.maximum = maximum;
            if (report.text != text) // most reports keep the text: no reference count traffic
                report.text = text;
            slot.m_pending = true;
        }
        if (earlier) { // not under the slot's lock: the pump nests the other way round
            std::lock_guard lock(m_mutex);
            m_earlier.push_back(std::move(*earlier));
        }
        return !wasPending;
    }
    //! A worker: job `id` ended cancelled while it ran.
    void cancelled(JobId id)
    {
        std::lock_guard lock(m_mutex);
        m_cancelled.push_back(id);
    }

    //! The pool's thread: every progress report waiting, the ended jobs' first.
    std::vector<Progress> takeProgress()
    {
        std::vector<Progress> taken;
        std::lock_guard lock(m_mutex); // the slot list; then each slot's own lock
        taken.swap(m_earlier);
        for (Slot &slot : m_slots) {
            std::lock_guard slotLock(slot.m_mutex);
            if (std::exchange(slot.m_pending, false))
                taken.push_back(slot.m_report);
        }
        return taken;
    }
    //! The pool's thread: the jobs that ended cancelled, in the order they ended.
    std::vector<JobId> takeCancelled()
    {
        std::vector<JobId> taken;
        std::lock_guard lock(m_mutex);
        taken.swap(m_cancelled);
        return taken;
    }

private:
    std::mutex m_mutex; // the lists below; nests a Slot's mutex (takeProgress())
    std::deque<Slot> m_slots; // stable addresses
    std::vector<Slot *> m_free;
    std::vector<Progress> m_earlier; // reports of ended jobs, set aside from their slots
    std::vector<JobId> m_cancelled;
};

} // namespace FastThreadPool::detail
