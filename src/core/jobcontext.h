// Public (detail): what a running job reports to, as the core sees it: an abstract sink for
// a job's values and failures. Jobs never see it directly: the closures that Pool::submit
// builds hand it their values and exceptions. The result path implements it.
#pragma once

#include <fastthreadpool/fastthreadpool_export.h>
#include <fastthreadpool/jobid.h>

#include <QtCore/qstring.h>
#include <QtCore/qvariant.h>

#include <atomic>
#include <cstdint>
#include <exception>
#include <typeinfo>

namespace FastThreadPool {

namespace detail {
//! The readable name of a type ("std::unique_ptr<int, ...>", "(anonymous namespace)::X").
FASTTHREADPOOL_EXPORT QString demangledTypeName(const std::type_info &type);

//! Names the submitted function in PoolOptions::excStack details.
struct FunctionInfo
{
    const std::type_info *type = nullptr;
    //! The function's address when it is a plain function pointer (resolved to a symbol).
    const void *address = nullptr;
};

/*!
    What a job's own machinery adds to ThisJob while it runs: a submitFuture() job's
    QPromise (its QFuture can be cancelled and suspended, and shows progress). Installed on
    the JobContext for the job's run by the job itself.
*/
class JobHooks
{
public:
    virtual bool isCancelled() const noexcept = 0;
    virtual void setProgress(int value, int maximum, const QString &text) = 0;
    //! Blocks while the job's own suspension (QFuture::suspend()) holds.
    virtual void suspendIfRequested() = 0;

protected:
    ~JobHooks() = default; // not owned through this type
};

//! How a job that ran counts: settled by its first value or failure, or when it returns.
enum class JobOutcome : unsigned char {
    Open, // nothing handed over yet
    Completed, // ran to an end: done or failed
    Cancelled, // a cancel reached it before it handed anything over
};
} // namespace detail

/*!
    The sink a running job's closure reports to. Made by the pool for each job, on the
    thread that runs it; used only by that thread, only while the job runs.
*/
class FASTTHREADPOOL_EXPORT JobContext
{
public:
    JobContext(const JobContext &) = delete;
    JobContext &operator=(const JobContext &) = delete;

    //! The running job's id.
    JobId id() const noexcept { return m_id; }
    //! False when the pool discards results (PoolOptions::doneCallback = false): a job
    //! then skips converting its value.
    bool keepsValues() const noexcept { return m_keepsValues; }
    //! PoolOptions::excArgs: failures carry the job's arguments.
    bool capturesArgs() const noexcept { return m_capturesArgs; }

    //! Hands one value to the done path (`toQueue`: to done() itself, whatever the pool's
    //! done callback). May wait while PoolOptions::doneMax is reached.
    virtual void deliver(QVariant &&value, JobId id, bool toQueue = false) = 0;
    //! Hands one failure to the failed path (never throws).
    virtual void fail(std::exception_ptr error, JobId id, QVariantList &&args,
                      const detail::FunctionInfo &function) noexcept = 0;
    //! ThisJob::setProgress() of the running job, checked already (the pool's part; the
    //! hooks get theirs from ThisJob).
    virtual void setProgress(int value, int maximum, const QString &text) = 0;
    //! The bit of a running record's word that says a cancel was requested.
    static constexpr std::uint64_t kCancelRequestedBit = 32;
    //! A cancel was requested for the running job (by the pool; see also hooks()).
    bool cancelRequested() const noexcept
    {
        // relaxed: a flag the job polls; the job's own data needs no ordering with it.
        return m_word && (m_word->load(std::memory_order_relaxed) & kCancelRequestedBit) != 0;
    }
    //! cancelRequested(), or the job's own hooks say so (a cancelled QFuture).
    bool isCancelled() const noexcept
    {
        return cancelRequested() || (m_hooks && m_hooks->isCancelled());
    }

    /*!
        Called before a value is handed over: the first one settles the outcome. False (drop
        the value) when a cancel reached the job before it handed anything over; values
        after the first follow it.
    */
    bool acceptValue() noexcept
    {
        if (m_outcome == detail::JobOutcome::Open)
            m_outcome
                    = isCancelled() ? detail::JobOutcome::Cancelled : detail::JobOutcome::Completed;
        return m_outcome == detail::JobOutcome::Completed;
    }
    //! Settles the outcome unless a value or failure did already.
    void settle(detail::JobOutcome outcome) noexcept
    {
        if (m_outcome == detail::JobOutcome::Open)
            m_outcome = outcome;
    }
    detail::JobOutcome outcome() const noexcept { return m_outcome; }

    detail::JobHooks *hooks() const noexcept { return m_hooks; }
    //! Installs (or, with nullptr, removes) the running job's own hooks.
    void setHooks(detail::JobHooks *hooks) noexcept { m_hooks = hooks; }

protected:
    //! `word`: the running record's word, whose cancel-request bit the pool sets (nullptr:
    //! nothing cancels this run, a direct map's thread).
    JobContext(JobId id, bool keepsValues, bool capturesArgs,
               const std::atomic<std::uint64_t> *word = nullptr) noexcept
        : m_word(word), m_id(id), m_keepsValues(keepsValues), m_capturesArgs(capturesArgs)
    { }
    ~JobContext() = default; // not owned through this type

private:
    const std::atomic<std::uint64_t> *m_word;
    detail::JobHooks *m_hooks = nullptr;
    JobId m_id;
    bool m_keepsValues;
    bool m_capturesArgs;
    detail::JobOutcome m_outcome = detail::JobOutcome::Open;
};

} // namespace FastThreadPool
