#include <fastthreadpool/detail/ownedjob.h>

#include "delivery/delivery.h"

#include <stdexcept>
#include <string>

namespace FastThreadPool::detail {

std::shared_ptr<OwnerLink> OwnerLink::make(const QObject *owner, const char *caller)
{
    if (!owner)
        throw std::invalid_argument(std::string(caller) + ": the owner is null");
    std::shared_ptr<OwnerLink> link(new OwnerLink(owner));
    // Direct: runs in the destroying thread, while the owner is still a QObject.
    // The handler holds the link weakly: the job's closure owns it and may end meanwhile.
    link->m_connection
            = QObject::connect(owner, &QObject::destroyed, [weak = std::weak_ptr<OwnerLink>(link)] {
                  if (auto alive = weak.lock())
                      alive->ownerDestroyed();
              });
    return link;
}

OwnerLink::~OwnerLink() { release(); }

void OwnerLink::release() noexcept
{
    // Thread-safe in Qt; after it returns the handler is not called again (one running now
    // holds its own reference to the link).
    QObject::disconnect(m_connection);
}

void OwnerLink::ownerDestroyed()
{
    std::lock_guard lock(m_mutex);
    m_gone.store(true, std::memory_order_relaxed); // relaxed: the mutex orders it with posts
}

bool OwnerLink::post(std::function<void()> &&call)
{
    std::lock_guard lock(m_mutex); // the owner stays alive while it is held (ownerDestroyed)
    if (m_gone.load(std::memory_order_relaxed)) // relaxed: under the mutex
        return false;
    // Queued to the owner's thread; Qt drops it if the owner is destroyed first.
    QMetaObject::invokeMethod(m_owner, std::move(call), Qt::QueuedConnection);
    return true;
}

Failure describeFailure(JobContext &context, std::exception_ptr error, JobId id,
                        const FunctionInfo &function)
{
    // Every job of a pool runs with a DeliveryContext.
    return static_cast<DeliveryContext &>(context).describe(std::move(error), id, function);
}

} // namespace FastThreadPool::detail
