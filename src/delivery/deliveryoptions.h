// Private: what the result path needs to know of a pool's options. The pool builds it from
// PoolOptions, so that delivery/ does not depend on the pool's public types.
#pragma once

#include <fastthreadpool/result.h>

#include <QtCore/qlogging.h>

#include <functional>
#include <optional>

namespace FastThreadPool::detail {

struct DeliveryOptions
{
    //! False: results of jobs that follow the pool are discarded (doneCallback = false).
    bool keepResults = true;
    //! Set: every such result is handed to it on the "ThreadPoolDone" thread.
    std::function<void(const Result &)> doneCallback;
    //! Set: every failure is handed to it on the "ThreadPoolFailed" thread.
    std::function<void(const Failure &)> failedCallback;
    std::optional<QtMsgType> logLevel;
    bool resultIds = false; // Result::id and Failure::id carry the job's id
    bool excStack = false; // Failure::details
    bool excArgs = false; // Failure::args
    int doneMax = 0; // > 0: at most this many results wait
};

} // namespace FastThreadPool::detail
