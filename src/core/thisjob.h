// Public: what a running job can ask about itself. Every function may be called from any
// thread; outside a job of a pool (the GUI thread, a direct map's item, a callback thread)
// there is no current job: id() is 0 and isCancelled() false.
#pragma once

#include <fastthreadpool/fastthreadpool_export.h>
#include <fastthreadpool/jobid.h>

namespace FastThreadPool::ThisJob {

//! The id of the job running on this thread (the id submit() returned), or 0 outside a job.
FASTTHREADPOOL_EXPORT JobId id() noexcept;

/*!
    True once a cancel was requested for the running job: Pool::cancel(JobId) while it runs
    (which still returns false: the job was not removed), Pool::shutdown() with `soon`,
    shutdownAll(true), or the application's quit (not shutdownChildren(), which lets running
    jobs finish, as in Python). A job that sees it should stop early; it then ends as it
    returns (a value it returns is delivered like any other). A job starting as the stop
    comes may not see it. One relaxed load; call it as often as the work allows.
*/
FASTTHREADPOOL_EXPORT bool isCancelled() noexcept;

} // namespace FastThreadPool::ThisJob
