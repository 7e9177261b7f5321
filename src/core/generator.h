// Public: FastThreadPool::Generator<T>, the C++20 counterpart of a Python generator job.
// A job returning Generator<T> produces one result per `co_yield`.
#pragma once

// moc (Qt 6.4) cannot parse <coroutine>'s C++20 dependencies when it meets them before any
// Qt header; it needs nothing from them, so it skips them.
#ifndef Q_MOC_RUN
#    include <coroutine>
#endif
#include <exception>
#include <iterator>
#include <memory>
#include <type_traits>
#include <utility>

namespace FastThreadPool {

/*!
    A lazily evaluated sequence written as a coroutine:

        Generator<int> countdown(int n) { while (n > 0) co_yield n--; }

    Submitted to a Pool, each yielded value becomes one done entry with the job's id; an
    exception thrown after some yields keeps the values already yielded and adds one
    failed entry. Iterate it on one thread at a time; it is movable, not copyable.
*/
template<class T>
class Generator
{
public:
    using value_type = std::remove_cvref_t<T>;

    struct promise_type
    {
        const value_type *current = nullptr;
        std::exception_ptr error;

        Generator get_return_object() noexcept
        {
            return Generator(std::coroutine_handle<promise_type>::from_promise(*this));
        }
        std::suspend_always initial_suspend() noexcept { return {}; }
        std::suspend_always final_suspend() noexcept { return {}; }
        std::suspend_always yield_value(const value_type &value) noexcept
        {
            current = std::addressof(value);
            return {};
        }
        void return_void() noexcept { }
        void unhandled_exception() noexcept { error = std::current_exception(); }
        // A generator job produces values; it does not await anything.
        template<class U>
        std::suspend_never await_transform(U &&) = delete;
    };

    class iterator
    {
    public:
        using value_type = Generator::value_type;
        using difference_type = std::ptrdiff_t;

        iterator() noexcept = default;
        const value_type &operator*() const noexcept { return *m_handle.promise().current; }
        const value_type *operator->() const noexcept { return m_handle.promise().current; }
        iterator &operator++()
        {
            advance(m_handle);
            return *this;
        }
        void operator++(int) { ++*this; }
        friend bool operator==(const iterator &it, std::default_sentinel_t) noexcept
        {
            return !it.m_handle || it.m_handle.done();
        }

    private:
        friend class Generator;
        explicit iterator(std::coroutine_handle<promise_type> handle) noexcept
            : m_handle(handle) { }
        std::coroutine_handle<promise_type> m_handle;
    };

    Generator(Generator &&other) noexcept : m_handle(std::exchange(other.m_handle, {})) { }
    Generator &operator=(Generator &&other) noexcept
    {
        if (this != &other) {
            if (m_handle)
                m_handle.destroy();
            m_handle = std::exchange(other.m_handle, {});
        }
        return *this;
    }
    Generator(const Generator &) = delete;
    Generator &operator=(const Generator &) = delete;
    ~Generator()
    {
        if (m_handle)
            m_handle.destroy();
    }

    //! Runs the coroutine to its first yield. Rethrows what the body threw before it.
    iterator begin()
    {
        advance(m_handle);
        return iterator(m_handle);
    }
    std::default_sentinel_t end() const noexcept { return {}; }

private:
    explicit Generator(std::coroutine_handle<promise_type> handle) noexcept : m_handle(handle) { }

    static void advance(std::coroutine_handle<promise_type> handle)
    {
        if (!handle || handle.done())
            return;
        handle.resume();
        if (handle.promise().error)
            std::rethrow_exception(std::exchange(handle.promise().error, {}));
    }

    std::coroutine_handle<promise_type> m_handle;
};

template<class T>
struct IsGenerator : std::false_type
{ };
template<class T>
struct IsGenerator<Generator<T>> : std::true_type
{ };

} // namespace FastThreadPool
