// Public (detail): what a running job reports to. Jobs never see it directly: the closures
// that Pool::submit builds hand it their values and exceptions.
#pragma once

#include <fastthreadpool/fastthreadpool_export.h>
#include <fastthreadpool/result.h>

#include <exception>
#include <typeinfo>

namespace FastThreadPool {

namespace detail {
class Delivery;
class ThreadLanes;

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

class FASTTHREADPOOL_EXPORT JobContext
{
public:
    //! `lanes` are the running thread's own lanes into the pool's queues; the flags are
    //! the pool's (Delivery::keepsValues(), Delivery::capturesArgs()).
    JobContext(detail::Delivery &delivery, detail::ThreadLanes &lanes, JobId id, bool keepsValues,
               bool capturesArgs) noexcept
        : m_delivery(delivery)
        , m_lanes(lanes)
        , m_id(id)
        , m_keepsValues(keepsValues)
        , m_capturesArgs(capturesArgs)
    { }

    //! The running job's id.
    JobId id() const noexcept { return m_id; }
    //! False when the pool discards results (PoolOptions::doneCallback = false): a job
    //! then skips converting its value.
    bool keepsValues() const noexcept { return m_keepsValues; }
    //! PoolOptions::excArgs: failures carry the job's arguments.
    bool capturesArgs() const noexcept { return m_capturesArgs; }

    //! Hands one value to the done path (`toQueue`: to done() itself, whatever the pool's
    //! done callback). May wait while PoolOptions::doneMax is reached.
    void deliver(QVariant &&value, JobId id, bool toQueue = false);
    //! Hands one failure to the failed path (never throws).
    void fail(std::exception_ptr error, JobId id, QVariantList &&args,
              const detail::FunctionInfo &function) noexcept;

private:
    detail::Delivery &m_delivery;
    detail::ThreadLanes &m_lanes;
    JobId m_id;
    bool m_keepsValues;
    bool m_capturesArgs;
};

} // namespace FastThreadPool
