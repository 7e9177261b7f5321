// Test helper: a pool whose (single) child can be held busy by a gated job.
#pragma once

#include <fastthreadpool/pool.h>

#include "testsupport.h"

#include <utility>

namespace TestSupport {

//! A pool plus a gate to block its child with. The gate is opened before the pool is
//! destroyed (members die in reverse order: the opener first, then the pool, then the gate).
struct BlockedPool
{
    //! The pool's options; by default one child.
    explicit BlockedPool(FastThreadPool::PoolOptions options = {.maxChildren = 1})
        : pool(std::move(options))
    { }

    //! Occupies the (single) child with a gate job; true once it runs.
    bool block()
    {
        blockerId = pool.submit(gate.job());
        return gate.waitEntered();
    }

    //! Holds the blocking job.
    Gate gate;
    //! The pool under test.
    FastThreadPool::Pool pool;
    //! Lets the blocker go before ~Pool waits for it.
    GateOpener opener{gate};
    //! The blocking job's id, once block() ran.
    FastThreadPool::JobId blockerId = 0;
};

} // namespace TestSupport
