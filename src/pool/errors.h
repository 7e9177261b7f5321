// Public: the exceptions a Pool throws at the call (bad input is std::invalid_argument).
#pragma once

#include <fastthreadpool/fastthreadpool_export.h>

#include <stdexcept>

namespace FastThreadPool {

//! submit(), map() or a timer after shutdownChildren() or shutdown(), until clear().
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

} // namespace FastThreadPool
