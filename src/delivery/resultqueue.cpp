#include "delivery/resultqueue_p.h"

#include "core/cpurelax.h"

#include <stdexcept>

namespace FastThreadPool {

template<class T>
ResultQueue<T>::ResultQueue(detail::SpaceGate *space) : d(std::make_unique<Impl>(space))
{ }

template<class T>
ResultQueue<T>::~ResultQueue() = default;

template<class T>
detail::LaneQueue<T> &ResultQueue<T>::lanes() noexcept
{
    return d->lanes;
}

template<class T>
void ResultQueue<T>::published() noexcept
{
    d->count.release(1);
}

template<class T>
T ResultQueue<T>::popReserved()
{
    // The permit we hold was released after its entry was pushed, so an entry is there.
    T entry;
    while (!d->lanes.tryPop(entry))
        detail::cpuRelax();
    if (d->space)
        d->space->release(1);
    return entry;
}

template<class T>
std::optional<T> ResultQueue<T>::tryTake()
{
    if (!d->count.acquire(false))
        return std::nullopt;
    return popReserved();
}

template<class T>
std::optional<T> ResultQueue<T>::take(QDeadlineTimer deadline)
{
    if (!d->count.tryAcquire(deadline))
        return std::nullopt;
    return popReserved();
}

template<class T>
T ResultQueue<T>::takeReserved()
{
    // With a permit held an entry is there; without one the queue may stay empty, and the
    // misuse is reported.
    T entry;
    for (int attempt = 0; !d->lanes.tryPop(entry); ++attempt) {
        if (attempt == 100'000)
            throw std::logic_error("ResultQueue::takeReserved: the queue is empty; acquire a "
                                   "permit from count() first");
        detail::cpuRelax();
    }
    if (d->space)
        d->space->release(1);
    return entry;
}

template<class T>
QList<T> ResultQueue<T>::takeAll()
{
    QList<T> entries;
    while (auto entry = tryTake())
        entries.append(std::move(*entry));
    return entries;
}

template<class T>
QList<T> ResultQueue<T>::takeUpTo(qsizetype max)
{
    QList<T> entries;
    while (entries.size() < max) {
        auto entry = tryTake();
        if (!entry)
            break;
        entries.append(std::move(*entry));
    }
    return entries;
}

template<class T>
qsizetype ResultQueue<T>::size() const noexcept
{
    return d->count.value();
}

template<class T>
Semaphore &ResultQueue<T>::count() noexcept
{
    return d->count;
}

template class ResultQueue<Result>;
template class ResultQueue<Failure>;

} // namespace FastThreadPool
