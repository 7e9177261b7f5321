// Public (detail): what a running job reports to, as the core sees it: an abstract sink for
// a job's values and failures. Jobs never see it directly: the closures that Pool::submit
// builds hand it their values and exceptions. The result path implements it.
#pragma once

#include <fastthreadpool/fastthreadpool_export.h>
#include <fastthreadpool/jobid.h>

#include <QtCore/qstring.h>
#include <QtCore/qvariant.h>

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

protected:
    JobContext(JobId id, bool keepsValues, bool capturesArgs) noexcept
        : m_id(id), m_keepsValues(keepsValues), m_capturesArgs(capturesArgs)
    { }
    ~JobContext() = default; // not owned through this type

private:
    JobId m_id;
    bool m_keepsValues;
    bool m_capturesArgs;
};

} // namespace FastThreadPool
