// Private: the children asleep for want of work, each on a semaphore of its own. Wake-ups
// are addressed: the child a waker takes off the list is the one its permit wakes. (With
// one shared semaphore a child that had just come to sleep could take the permit a stop
// meant for another, which then slept on while shutdown() waited for it.)
//
//   child:  add(me); look at the queue again; then sleep(me), or remove(me) if it found work
//   waker:  publish the job; wakeOne()        stop: raise the flags; wakeAll()
//
// The list is guarded by a mutex, taken only when a child goes to sleep or is woken; the
// count beside it lets a submit see "nobody sleeps" with one load.
#pragma once

#include <fastthreadpool/semaphore.h>

#include "core/barrier.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>
#include <vector>

namespace FastThreadPool::detail {

//! One child's place to sleep. Owned by the pool and reused, never freed while it lives: a
//! waker may still be inside release() when the child it woke has ended.
struct Sleeper
{
    Semaphore wake{0};
    Sleeper *next = nullptr; // on the list; under Sleepers' mutex
    bool listed = false; // under Sleepers' mutex
};

class Sleepers
{
public:
    //! A child announces it is about to sleep; it then looks at the queue once more.
    void add(Sleeper &sleeper) noexcept
    {
        {
            std::lock_guard lock(m_mutex);
            sleeper.next = m_head;
            sleeper.listed = true;
            m_head = &sleeper;
            // relaxed: ordered with the wakers' loads by the barrier below.
            m_count.fetch_add(1, std::memory_order_relaxed);
        }
        // Announced before the child looks at the queue again (Dekker pair with the
        // loadAfterBarrier() of wakeOne() and wakeAll()).
        storeLoadBarrier();
    }

    //! The child found work after add(): true if a waker took it off the list first; its
    //! permit is then consumed here, so that the next sleep() does not return at once.
    bool remove(Sleeper &sleeper) noexcept
    {
        {
            std::lock_guard lock(m_mutex);
            if (sleeper.listed) {
                unlinkLocked(sleeper);
                return false;
            }
        }
        sleeper.wake.acquire(); // the waker's release() is on its way
        return true;
    }

    //! Sleeps until a waker takes this child off the list.
    static void sleep(Sleeper &sleeper) { sleeper.wake.acquire(); }

    //! After publishing a job: wakes the child that came to sleep last (its cache is the
    //! warmest), counting it in `waking` before it can run. False if none sleeps.
    bool wakeOne(std::atomic<int> &waking) noexcept
    {
        if (loadAfterBarrier(m_count) == 0)
            return false;
        Sleeper *sleeper;
        {
            std::lock_guard lock(m_mutex);
            sleeper = m_head;
            if (!sleeper)
                return false;
            unlinkLocked(*sleeper);
        }
        waking.fetch_add(1, std::memory_order_relaxed); // relaxed: a hint for the spawn rule
        sleeper->wake.release();
        return true;
    }

    //! After raising a stop flag (or after the last job of a drain): wakes every sleeper,
    //! counting them in `waking`. Returns how many.
    int wakeAll(std::atomic<int> &waking) noexcept
    {
        if (loadAfterBarrier(m_count) == 0)
            return 0;
        Sleeper *list;
        {
            std::lock_guard lock(m_mutex);
            list = m_head;
            m_head = nullptr;
            for (Sleeper *s = list; s; s = s->next)
                s->listed = false;
            m_count.store(0, std::memory_order_relaxed); // relaxed: as in add()
        }
        int woken = 0;
        for (Sleeper *s = list; s; s = s->next)
            ++woken;
        waking.fetch_add(woken, std::memory_order_relaxed); // relaxed: as in wakeOne()
        while (list) {
            Sleeper *next = list->next; // read before release(): the child may go on at once
            list->wake.release();
            list = next;
        }
        return woken;
    }

private:
    void unlinkLocked(Sleeper &sleeper) noexcept
    {
        Sleeper **link = &m_head;
        while (*link != &sleeper) // a handful of children at most
            link = &(*link)->next;
        *link = sleeper.next;
        sleeper.listed = false;
        m_count.fetch_sub(1, std::memory_order_relaxed); // relaxed: as in add()
    }

    std::mutex m_mutex;
    Sleeper *m_head = nullptr; // the last to come to sleep first
    // The number listed: wakers that see 0 take no lock. Its own cache line: every submit
    // reads it, only sleeping and waking write it.
    alignas(64) std::atomic<int> m_count{0};
};

/*!
    The pool's Sleeper objects: one per child, reused after cleanupChildren(), freed with
    the pool. A reused one may get a stale permit from a waker of its previous child: the
    new child then wakes once for nothing, looks at the queue and sleeps again.
*/
class SleeperStore
{
public:
    //! Under the caller's lock (the pool's thread list). May throw std::bad_alloc.
    Sleeper &take()
    {
        if (!m_free.empty()) {
            Sleeper *sleeper = m_free.back();
            m_free.pop_back();
            return *sleeper;
        }
        if (m_free.capacity() < m_all.size() + 1) // so give() never allocates
            m_free.reserve(std::max<std::size_t>(8, 2 * m_all.size()));
        return m_all.emplace_back();
    }
    //! Under the same lock: its child ended and was forgotten.
    void give(Sleeper &sleeper) noexcept { m_free.push_back(&sleeper); }

private:
    std::deque<Sleeper> m_all; // stable addresses
    std::vector<Sleeper *> m_free;
};

} // namespace FastThreadPool::detail
