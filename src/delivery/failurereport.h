// Private: turns a caught exception into a Failure entry and logs it.
#pragma once

#include <fastthreadpool/detail/jobcontext.h>
#include <fastthreadpool/result.h>

#include <QtCore/qloggingcategory.h>

#include <exception>

namespace FastThreadPool::detail {

Q_DECLARE_LOGGING_CATEGORY(lcFailures)

struct FailureOptions
{
    bool details = false; // PoolOptions::excStack
};

Failure makeFailure(std::exception_ptr error, JobId id, QVariantList &&args,
                    const FunctionInfo &function, const FailureOptions &options);

//! Failure of a callback (init, finish, done): id 0, described by `where`.
Failure callbackFailure(std::exception_ptr error, const char *where, bool details);

void logFailure(QtMsgType level, const Failure &failure);

} // namespace FastThreadPool::detail
