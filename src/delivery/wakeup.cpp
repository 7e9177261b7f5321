#include "delivery/wakeup.h"

#include <QtCore/qcoreapplication.h>

namespace FastThreadPool::detail {

QEvent::Type Wakeup::eventType()
{
    static const auto type = QEvent::Type(QEvent::registerEventType());
    return type;
}

void Wakeup::post() noexcept
{
    // seq_cst fence: the poker's "made visible" and its read of m_posted must not reorder
    // against rearm()'s store and later look (a store-load pair on each side).
    std::atomic_thread_fence(std::memory_order_seq_cst);
    // relaxed, then acq_rel: most pokes find an event already posted and write nothing.
    if (m_posted.load(std::memory_order_relaxed)
        || m_posted.exchange(true, std::memory_order_acq_rel))
        return;
    // Qt delivers it in the thread m_target lives in now (moveToThread moves it along);
    // ~QObject drops it if the target dies first.
    QCoreApplication::postEvent(m_target, new QEvent(eventType()));
}

void Wakeup::rearm() noexcept
{
    m_posted.store(false, std::memory_order_relaxed); // relaxed: ordered by the fence below
    // seq_cst fence: pairs with post()'s fence (see there).
    std::atomic_thread_fence(std::memory_order_seq_cst);
}

} // namespace FastThreadPool::detail
