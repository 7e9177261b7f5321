// Private: the state behind a ResultQueue, shared by resultqueue.cpp and Delivery.
#pragma once

#include <fastthreadpool/resultqueue.h>

#include "core/lanequeue.h"
#include "delivery/spacegate.h"

namespace FastThreadPool {

template<class T>
struct ResultQueue<T>::Impl
{
    explicit Impl(detail::SpaceGate *gate) : space(gate) { }
    detail::LaneQueue<T> lanes;
    Semaphore count{0};
    detail::SpaceGate *space;
};

} // namespace FastThreadPool
