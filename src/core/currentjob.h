// Private: the job the calling thread runs, for ThisJob. A pool thread sets it around each
// job; everything else sees no job.
#pragma once

#include <fastthreadpool/detail/jobcontext.h>

#include "core/suspendgate.h"

namespace FastThreadPool::detail {

struct CurrentJob
{
    //! The running job's context (its id, cancel request, progress), or nullptr outside a job.
    JobContext *context = nullptr;
    //! The pool's suspension, for ThisJob::suspendIfRequested() (set with `context`).
    SuspendGate *suspension = nullptr;
};

//! This thread's current job. Look it up once per thread and keep the reference: it is a
//! thread_local of the library.
CurrentJob &currentJob() noexcept;

//! Marks the running job on this thread for its lifetime.
class CurrentJobScope
{
public:
    CurrentJobScope(CurrentJob &current, JobContext &context, SuspendGate &suspension) noexcept
        : m_current(current)
    {
        current.context = &context;
        current.suspension = &suspension;
    }
    ~CurrentJobScope()
    {
        m_current.context = nullptr;
        m_current.suspension = nullptr;
    }
    CurrentJobScope(const CurrentJobScope &) = delete;
    CurrentJobScope &operator=(const CurrentJobScope &) = delete;

private:
    CurrentJob &m_current;
};

} // namespace FastThreadPool::detail
