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
    JobContext(detail::Delivery &delivery, JobId id) noexcept;

    //! The running job's id.
    JobId id() const noexcept { return m_id; }
    //! False when the pool discards results (PoolOptions::doneCallback = false): a job
    //! then skips converting its value.
    bool keepsValues() const noexcept { return m_keepsValues; }
    //! PoolOptions::excArgs: failures carry the job's arguments.
    bool capturesArgs() const noexcept { return m_capturesArgs; }

    //! Hands one value to the done path. May wait while PoolOptions::doneMax is reached.
    void deliver(QVariant &&value, JobId id);
    //! Hands one failure to the failed path (never throws).
    void fail(std::exception_ptr error, JobId id, QVariantList &&args,
              const detail::FunctionInfo &function) noexcept;

private:
    detail::Delivery &m_delivery;
    JobId m_id;
    bool m_keepsValues;
    bool m_capturesArgs;
};

} // namespace FastThreadPool
