// Public (detail): the type-erased job a Pool stores. Templates in pool.h build one in the
// caller's code; the library moves it into a job record and runs it on a worker.
// Callables up to Task::kInlineSize bytes (a function and a few captured pointers or
// numbers) live inline: no heap allocation per job.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace FastThreadPool {

class JobContext;

namespace detail {

/*!
    Where a job enters the queue: the tail (submit) or the head (submitFirst).
    TailCancelledByStop: the tail, and a stop that leaves the job unstarted (shutdown(soon),
    shutdownChildren()) cancels it rather than leaving it listed (a QFuture's job, whose
    future would otherwise never finish). The values are bits of the job's state word, so
    the flag costs a submit nothing.
*/
enum class Placement : unsigned { Tail = 0, Head = 8, TailCancelledByStop = 16 };

struct TaskOps
{
    //! Runs the closure (which reports its own results and failures) and destroys it.
    void (*run)(void *closure, JobContext &context);
    //! Destroys the closure without running it (a cancelled or dropped job).
    void (*destroy)(void *closure) noexcept;
    //! Move-constructs the closure at `to` and destroys the one at `from`.
    void (*relocate)(void *to, void *from) noexcept;
    //! Copy-constructs the closure at `to` (a repeating timer's run); null if not copyable.
    void (*clone)(void *to, const void *from);
};

//! The TaskOps of `Ops<C>` (InlineOps or HeapOps): clone() only for a copyable closure, as
//! only then may it be instantiated.
template<template<class> class Ops, class C>
constexpr TaskOps opsOf() noexcept
{
    if constexpr (std::is_copy_constructible_v<C>)
        return {&Ops<C>::run, &Ops<C>::destroy, &Ops<C>::relocate, &Ops<C>::clone};
    else
        return {&Ops<C>::run, &Ops<C>::destroy, &Ops<C>::relocate, nullptr};
}

template<class C>
struct InlineOps
{
    static void run(void *p, JobContext &context)
    {
        C *closure = static_cast<C *>(p);
        struct Destroy
        {
            C *c;
            ~Destroy() { c->~C(); }
        } destroyAfterwards{closure};
        (*closure)(context);
    }
    static void destroy(void *p) noexcept { static_cast<C *>(p)->~C(); }
    static void relocate(void *to, void *from) noexcept
    {
        C *source = static_cast<C *>(from);
        ::new (to) C(std::move(*source));
        source->~C();
    }
    static void clone(void *to, const void *from) { ::new (to) C(*static_cast<const C *>(from)); }
    static constexpr TaskOps ops = opsOf<InlineOps, C>();
};

template<class C>
struct HeapOps
{
    static C *&slot(void *p) noexcept { return *static_cast<C **>(p); }
    static void run(void *p, JobContext &context)
    {
        std::unique_ptr<C> closure(slot(p));
        (*closure)(context);
    }
    static void destroy(void *p) noexcept { delete slot(p); }
    static void relocate(void *to, void *from) noexcept { ::new (to) C *(slot(from)); }
    static void clone(void *to, const void *from)
    {
        ::new (to) C *(new C(**static_cast<C *const *>(from)));
    }
    static constexpr TaskOps ops = opsOf<HeapOps, C>();
};

class Task
{
public:
    // A job record is one cache line: 40 bytes of it hold the closure (larger closures,
    // or ones aligned beyond 8, live on the heap).
    static constexpr std::size_t kInlineSize = 40;
    static constexpr std::size_t kInlineAlign = 8;

    Task() noexcept = default;

    template<class C>
    static Task make(C &&closure)
    {
        using Closure = std::decay_t<C>;
        Task task;
        if constexpr (sizeof(Closure) <= kInlineSize && alignof(Closure) <= kInlineAlign
                      && std::is_nothrow_move_constructible_v<Closure>) {
            ::new (static_cast<void *>(task.m_storage)) Closure(std::forward<C>(closure));
            task.m_ops = &InlineOps<Closure>::ops;
        } else {
            ::new (static_cast<void *>(task.m_storage))
                    Closure *(new Closure(std::forward<C>(closure)));
            task.m_ops = &HeapOps<Closure>::ops;
        }
        return task;
    }

    Task(Task &&other) noexcept { takeFrom(other); }
    Task &operator=(Task &&other) noexcept
    {
        if (this != &other) {
            reset();
            takeFrom(other);
        }
        return *this;
    }
    Task(const Task &) = delete;
    Task &operator=(const Task &) = delete;
    ~Task() { reset(); }

    explicit operator bool() const noexcept { return m_ops != nullptr; }
    //! Whether clone() can copy the closure.
    bool cloneable() const noexcept { return m_ops && m_ops->clone; }
    //! A copy of this task (the closure copied); requires cloneable().
    Task clone() const
    {
        Task copy;
        m_ops->clone(copy.m_storage, m_storage);
        copy.m_ops = m_ops;
        return copy;
    }

    //! Runs and consumes the closure; the task is empty afterwards.
    void run(JobContext &context)
    {
        const TaskOps *ops = std::exchange(m_ops, nullptr);
        ops->run(m_storage, context);
    }

    //! Destroys the closure without running it.
    void reset() noexcept
    {
        if (const TaskOps *ops = std::exchange(m_ops, nullptr))
            ops->destroy(m_storage);
    }

private:
    void takeFrom(Task &other) noexcept
    {
        if (other.m_ops) {
            other.m_ops->relocate(m_storage, other.m_storage);
            m_ops = std::exchange(other.m_ops, nullptr);
        }
    }

    const TaskOps *m_ops = nullptr;
    alignas(kInlineAlign) unsigned char m_storage[kInlineSize];
};

} // namespace detail
} // namespace FastThreadPool
