// Public: what a running job can ask about itself. Every function may be called from any
// thread; outside a job of a pool (the GUI thread, a direct map's item, a callback thread)
// there is no current job: id() is 0, isCancelled() false, checkCancelled(), setProgress()
// and suspendIfRequested() return at once (a function shared by jobs and other code needs
// no test of its own).
#pragma once

#include <fastthreadpool/fastthreadpool_export.h>
#include <fastthreadpool/jobid.h>

#include <QtCore/qstring.h>

namespace FastThreadPool::ThisJob {

//! The id of the job running on this thread (the id submit() returned), or 0 outside a job.
FASTTHREADPOOL_EXPORT JobId id() noexcept;

/*!
    True once a cancel was requested for the running job: Pool::cancel(JobId) while it runs
    (which still returns false: the job was not removed), Pool::cancelAll(CancelRunning::Yes),
    Pool::shutdown() with `soon`, shutdownAll(true), the application's quit (not
    shutdownChildren(), which lets running jobs finish, as in Python), or QFuture::cancel()
    of a submitFuture() job's future.

    A job that sees it should stop early. However it then ends (returning, throwing, or by
    checkCancelled()) it is cancelled: it counts in Pool::cancelled(), not in completed(),
    and its value or exception is dropped. A job that handed over a value before the request
    reached it (a generator's first value) stays completed. A cancel that comes as the job
    returns may come too late: the job then completes. One relaxed load for a job nobody
    cancelled; call it as often as the work allows.
*/
FASTTHREADPOOL_EXPORT bool isCancelled() noexcept;

//! Throws JobCancelled if isCancelled(): the job ends cancelled, not failed.
FASTTHREADPOOL_EXPORT void checkCancelled();

/*!
    Reports the running job's progress: `value` of `maximum`, and an optional `text`. The
    pool emits Pool::jobProgress(id, value, maximum, text) in its thread, at most once per
    16 ms per job with the latest report; nothing is kept or posted while that signal has
    no receiver, so a job may call this as often as it likes. A submitFuture() job also
    sets its QFuture's progress range (0..maximum), value and text
    (QFutureWatcher::progressValueChanged). Throws std::invalid_argument for `maximum` <= 0
    or `value` outside 0..maximum (nothing is reported then).
*/
FASTTHREADPOOL_EXPORT void setProgress(int value, int maximum = 100, const QString &text = {});

/*!
    Blocks while the pool is suspended (Pool::suspend()), or while the job's QFuture is
    (QFuture::suspend() of a submitFuture() job), and returns at once otherwise. Returns on
    Pool::resume(), on a cancel that reaches the job (then isCancelled() is true), and on a
    shutdown (which resumes the pool). Place it where the job can pause cheaply; one
    relaxed load when nothing is suspended.
*/
FASTTHREADPOOL_EXPORT void suspendIfRequested();

} // namespace FastThreadPool::ThisJob
