// Public (detail): the work behind Pool::map(). The items are owned by one shared object;
// threads take contiguous chunks from it (a lock-free cursor for random-access ranges, a
// mutex-guarded iterator for plain input ranges) so that uneven item costs balance out.
#pragma once

#include <fastthreadpool/invoke.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <ranges>
#include <vector>

namespace FastThreadPool::detail {

//! Keeps the items alive for as long as the map runs: a view is copied (cheap), a
//! container is moved in (rvalue) or copied (lvalue). Pass std::views::all(c) or
//! std::ref-like views to share a container the caller keeps alive instead.
template <class R>
auto ownRange(R &&range)
{
    using T = std::remove_cvref_t<R>;
    if constexpr (std::ranges::view<T>)
        return T(std::forward<R>(range));
    else
        return std::ranges::owning_view<T>(T(std::forward<R>(range)));
}

template <class F, class Tuple, class Indexes>
struct IsApplicableTo;
template <class F, class Tuple, std::size_t... I>
struct IsApplicableTo<F, Tuple, std::index_sequence<I...>>
    : std::is_invocable<F &, decltype(std::get<I>(std::declval<Tuple &>()))...>
{
};

//! True if `Item` is a std::tuple/std::pair whose elements fn can take as its arguments.
template <class F, class Item, class = void>
struct IsApplicable : std::false_type
{
};
template <class F, class Item>
struct IsApplicable<F, Item, std::enable_if_t<IsTupleLike<std::remove_cv_t<Item>>::value>>
    : IsApplicableTo<F, Item, std::make_index_sequence<std::tuple_size_v<std::remove_cv_t<Item>>>>
{
};

//! Calls fn with one item: a tuple or pair is unpacked into the arguments
//! (map(add, {{1, 2}, {3, 4}})), anything else, strings included, is the one argument.
template <class F, class Item>
decltype(auto) callWithItem(F &fn, Item &item)
{
    if constexpr (IsApplicable<F, std::remove_reference_t<Item>>::value)
        return std::apply(fn, item);
    else
        return std::invoke(fn, item);
}

//! PoolOptions::excArgs: the arguments an item was passed as.
template <class F, class Item>
QVariantList itemArguments(Item &item)
{
    if constexpr (IsApplicable<F, std::remove_reference_t<Item>>::value)
        return argumentsOf(item);
    else
        return argumentsOf(std::forward_as_tuple(item));
}

/*!
    Runs fn over the items at(first) .. at(last - 1) and hands each outcome to `sink` (id 0).
    One try block covers the whole run: an exception fails that item only, and the run goes
    on with the next. The items stay where they are, so a failed item's arguments are
    taken only then.
*/
template <class Sink, class F, class At>
void runItems(JobContext &context, Sink &sink, F &fn, std::size_t first, std::size_t last, At &&at)
{
    std::size_t i = first;
    while (i < last) {
        try {
            for (; i < last; ++i) {
                decltype(auto) item = at(i);
                callAndDeliver(context, 0, sink, [&]() -> decltype(auto) { return callWithItem(fn, item); });
            }
            return;
        } catch (...) {
            QVariantList args;
            if (context.capturesArgs()) {
                decltype(auto) item = at(i);
                args = itemArguments<F>(item);
            }
            context.fail(std::current_exception(), 0, std::move(args), functionInfo(fn));
            ++i;
        }
    }
}

template <class V>
inline constexpr bool kIndexable = std::ranges::random_access_range<V> && std::ranges::sized_range<V>;

template <class F, class Sink, class View>
struct MapWork
{
    MapWork(F f, Sink s, View v) : fn(std::move(f)), sink(std::move(s)), view(std::move(v)) { }

    F fn;
    Sink sink;
    View view;
    int threads = 1;

    // Random-access ranges: the next unclaimed index.
    std::atomic<std::size_t> cursor{0};
    // Other input ranges: the shared iterator, under `mutex` (optional: a single-pass view's
    // iterator need not be default-constructible).
    std::mutex mutex;
    std::optional<std::ranges::iterator_t<View>> next;

    using Item = std::ranges::range_value_t<View>;

    //! Guided chunks: big while much is left, down to single items at the end.
    std::pair<std::size_t, std::size_t> claimChunk()
    {
        const auto total = static_cast<std::size_t>(std::ranges::size(view));
        // relaxed: the cursor only hands out disjoint index ranges; items are read-only.
        std::size_t begin = cursor.load(std::memory_order_relaxed);
        for (;;) {
            if (begin >= total)
                return {total, total};
            const std::size_t chunk =
                    std::max<std::size_t>(1, (total - begin) / (2 * std::size_t(threads)));
            // relaxed: as the load above.
            if (cursor.compare_exchange_weak(begin, begin + chunk, std::memory_order_relaxed))
                return {begin, std::min(total, begin + chunk)};
        }
    }

    //! Up to `count` items copied out of the shared iterator (input ranges).
    std::vector<Item> takeItems(std::size_t count)
    {
        std::vector<Item> items;
        std::lock_guard lock(mutex);
        for (auto &it = cursorLocked(); items.size() < count && it != std::ranges::end(view); ++it)
            items.push_back(*it);
        return items;
    }

    //! Input ranges: true if no item is left (checked before starting threads).
    bool exhausted()
    {
        std::lock_guard lock(mutex);
        return cursorLocked() == std::ranges::end(view);
    }

    std::ranges::iterator_t<View> &cursorLocked()
    {
        if (!next)
            next.emplace(std::ranges::begin(view));
        return *next;
    }

    void runRange(JobContext &context, std::size_t begin, std::size_t end)
    {
        auto first = std::ranges::begin(view);
        runItems(context, sink, fn, begin, end, [&](std::size_t i) -> decltype(auto) {
            return first[static_cast<std::ranges::range_difference_t<View>>(i)];
        });
    }

    void runItemsOf(JobContext &context, std::vector<Item> &items)
    {
        runItems(context, sink, fn, 0, items.size(),
                 [&](std::size_t i) -> Item & { return items[i]; });
    }

    //! A direct-map thread: take chunks until the items run out or `stop` is raised.
    void drain(JobContext &context, const std::atomic<bool> &stop)
    {
        for (;;) {
            // relaxed: a prompt-enough stop request; it publishes nothing.
            if (stop.load(std::memory_order_relaxed))
                return;
            if constexpr (kIndexable<View>) {
                const auto [begin, end] = claimChunk();
                if (begin == end)
                    return;
                runRange(context, begin, end);
            } else {
                auto items = takeItems(16);
                if (items.empty())
                    return;
                runItemsOf(context, items);
            }
        }
    }
};

//! A pooled slice of a random-access map: items [begin, end) run as one ordinary job.
template <class Work>
struct MapSlice
{
    std::shared_ptr<Work> work;
    std::size_t begin;
    std::size_t end;
    void operator()(JobContext &context) { work->runRange(context, begin, end); }
};

//! A pooled slice of an input-range map: the items were copied out when the map was set up.
template <class Work>
struct MapChunk
{
    std::shared_ptr<Work> work;
    std::vector<typename Work::Item> items;
    void operator()(JobContext &context) { work->runItemsOf(context, items); }
};

} // namespace FastThreadPool::detail
