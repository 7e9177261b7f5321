// Public: the exceptions a Pool throws at the call (bad input is std::invalid_argument).
#pragma once

#include <fastthreadpool/fastthreadpool_export.h>

#include <stdexcept>

namespace FastThreadPool {

//! submit(), map() or a timer after shutdownChildren(), shutdown(), shutdownAll() or the
//! application's quit, until clear(). The message names which of them stopped the pool.
class FASTTHREADPOOL_EXPORT PoolStopped : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

//! asCompleted() on a pool whose results go to a done or failed callback.
class FASTTHREADPOOL_EXPORT PoolCallback : public std::logic_error
{
public:
    using std::logic_error::logic_error;
};

/*!
    The pool needed a new thread for the call and the system could not start one (a
    resource limit, QThread::start() failing). Nothing of the call runs: a submit's job is
    withdrawn (it is not counted as pending), a map ran no item, a timer was not added. The
    pool stays usable: the next call tries again. Thrown only when no thread of the pool can
    take the work; with some threads running the pool goes on with fewer.
*/
class FASTTHREADPOOL_EXPORT ThreadStartFailed : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/*!
    A wait that could never end: waitIdle(), or asCompleted() without a deadline, called from
    one of the pool's own threads (the calling job keeps the pool busy for as long as it
    waits). The message names the call.
*/
class FASTTHREADPOOL_EXPORT WouldDeadlock : public std::logic_error
{
public:
    using std::logic_error::logic_error;
};

/*!
    Thrown by ThisJob::checkCancelled() when a cancel reached the running job. A job that
    ends by it (or by any JobCancelled it lets escape) is cancelled, not failed: it counts
    in Pool::cancelled(), and nothing reaches failed(), jobFailed() or the failed callback.
    A submitFuture() job ended by it cancels its QFuture.
*/
class FASTTHREADPOOL_EXPORT JobCancelled : public std::exception
{
public:
    const char *what() const noexcept override { return "the job was cancelled"; }
};

} // namespace FastThreadPool
