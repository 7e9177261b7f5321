// Private: what running jobs tell the pool's thread about themselves, beside their values:
// progress (ThisJob::setProgress(), latest value wins per job) and an end by a cancel that
// reached them while they ran. Workers write under one short lock; the signal pump takes
// everything at once, at most every SignalPump::kRefreshMs for progress.
#pragma once

#include <fastthreadpool/jobid.h>

#include <QtCore/qhash.h>
#include <QtCore/qstring.h>

#include <mutex>
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

    //! A worker: job `id` reports progress; replaces what it reported before and was not
    //! taken yet. Returns true if the board held nothing (the pump needs a poke).
    bool progress(JobId id, int value, int maximum, const QString &text)
    {
        std::lock_guard lock(m_mutex);
        const bool wasEmpty = m_progress.isEmpty();
        Progress &entry = m_progress[id];
        entry.id = id;
        entry.value = value;
        entry.maximum = maximum;
        if (entry.text != text) // most reports keep the text: no reference count traffic
            entry.text = text;
        return wasEmpty;
    }
    //! A worker: job `id` ended cancelled while it ran. Its progress, if any was not taken
    //! yet, still comes first.
    void cancelled(JobId id)
    {
        std::lock_guard lock(m_mutex);
        m_cancelled.push_back(id);
    }

    //! The pool's thread: every progress report waiting, in no particular order.
    std::vector<Progress> takeProgress()
    {
        std::vector<Progress> taken;
        QHash<JobId, Progress> board;
        {
            std::lock_guard lock(m_mutex);
            board.swap(m_progress);
        }
        taken.reserve(std::size_t(board.size()));
        for (auto it = board.begin(); it != board.end(); ++it)
            taken.push_back(std::move(it.value()));
        return taken; // the board's memory is freed outside the lock
    }
    //! The pool's thread: the jobs that ended cancelled, in the order they ended.
    std::vector<JobId> takeCancelled()
    {
        std::vector<JobId> taken;
        std::lock_guard lock(m_mutex);
        taken.swap(m_cancelled);
        return taken;
    }
    bool hasProgress()
    {
        std::lock_guard lock(m_mutex);
        return !m_progress.isEmpty();
    }

private:
    std::mutex m_mutex;
    QHash<JobId, Progress> m_progress;
    std::vector<JobId> m_cancelled;
};

} // namespace FastThreadPool::detail
