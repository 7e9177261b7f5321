#include "delivery/wakeup.h"

#include "core/barrier.h"

#include <QtCore/qcoreapplication.h>

namespace FastThreadPool::detail {

QEvent::Type Wakeup::eventType()
{
    static const auto type = QEvent::Type(QEvent::registerEventType());
    return type;
}

void Wakeup::post() noexcept
{
    // The poker's "made visible" and its read of m_posted must not reorder against
    // rearm()'s store and later look (a store-load pair on each side). Then acq_rel: most
    // pokes find an event already posted and write nothing.
    if (loadAfterBarrier(m_posted) != 0 || m_posted.exchange(1, std::memory_order_acq_rel) != 0)
        return;
    // Qt delivers it in the thread m_target lives in now (moveToThread moves it along);
    // ~QObject drops it if the target dies first.
    try {
        QCoreApplication::postEvent(m_target, new QEvent(eventType()));
    } catch (...) {
        // Out of memory: nothing was posted, so the next poke must try again (release:
        // like rearm(), a later poker that reads 0 may post).
        m_posted.store(0, std::memory_order_release);
    }
}

void Wakeup::rearm() noexcept
{
    m_posted.store(0, std::memory_order_relaxed); // relaxed: ordered by the barrier below
    storeLoadBarrier(); // pairs with post()'s loadAfterBarrier()
}

} // namespace FastThreadPool::detail
