// Public (detail): the work behind Pool::map(). The items are owned by one shared object;
// threads take contiguous chunks from it (a lock-free cursor for random-access ranges, a
// mutex-guarded iterator for plain input ranges) so that uneven item costs balance out.
#pragma once

#include <fastthreadpool/detail/invoke.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <ranges>
#include <vector>

namespace FastThreadPool::detail {

/*!
    A container owned by a map, as a range. Not std::ranges::owning_view: clang 14 cannot
    check the constraints of libstdc++ 12's owning_view (its begin() is not found), so a
    map over a container would not compile there; this plain wrapper works everywhere.
*/
template<class C>
class OwnedContainer
{
public:
    explicit OwnedContainer(C &&container) : m_container(std::move(container)) { }
    auto begin() { return m_container.begin(); }
    auto end() { return m_container.end(); }
    auto begin() const { return m_container.begin(); }
    auto end() const { return m_container.end(); }
    auto size() const requires requires(const C &c) { c.size(); }
    {
        return m_container.size();
    }

private:
    C m_container;
};

//! Keeps the items alive for as long as the map runs: a view is copied (cheap), a
//! container is moved in (rvalue) or copied (lvalue). Pass std::views::all(c) or
//! std::ref-like views to share a container the caller keeps alive instead.
template<class R>
auto ownRange(R &&range)
{
    using T = std::remove_cvref_t<R>;
    if constexpr (std::ranges::view<T>)
        return T(std::forward<R>(range));
    else
        return OwnedContainer<T>(T(std::forward<R>(range)));
}

template<class F, class Tuple, class Indexes>
struct IsApplicableTo;
template<class F, class Tuple, std::size_t... I>
struct IsApplicableTo<F, Tuple, std::index_sequence<I...>>
    : std::is_invocable<F &, decltype(std::get<I>(std::declval<Tuple &>()))...>
{ };

//! True if `Item` is a std::tuple/std::pair whose elements fn can take as its arguments.
template<class F, class Item, class = void>
struct IsApplicable : std::false_type
{ };
template<class F, class Item>
struct IsApplicable<F, Item, std::enable_if_t<IsTupleLike<std::remove_cv_t<Item>>::value>>
    : IsApplicableTo<F, Item, std::make_index_sequence<std::tuple_size_v<std::remove_cv_t<Item>>>>
{ };

//! Calls fn with one item: a tuple or pair is unpacked into the arguments
//! (map(add, {{1, 2}, {3, 4}})), anything else, strings included, is the one argument.
template<class F, class Item>
decltype(auto) callWithItem(F &fn, Item &item)
{
    if constexpr (IsApplicable<F, std::remove_reference_t<Item>>::value)
        return std::apply(fn, item);
    else
        return std::invoke(fn, item);
}

//! PoolOptions::excArgs: the arguments an item was passed as.
template<class F, class Item>
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
    taken only then. `stoppable` (a pooled slice): a cancel request reaching the job stops
    the run before the next item (never before the first). Returns the index it stopped at
    (`last` when it ran all).
*/
template<class Sink, class F, class At>
std::size_t runItems(JobContext &context, Sink &sink, F &fn, std::size_t first, std::size_t last,
                     At &&at, bool stoppable = false)
{
    std::size_t i = first;
    while (i < last) {
        try {
            for (; i < last; ++i) {
                // Never before the first item: a started slice runs at least one.
                if (stoppable && i != first && context.cancelRequested()) [[unlikely]]
                    return i;
                decltype(auto) item = at(i);
                callAndDeliver(context, 0, sink,
                               [&]() -> decltype(auto) { return callWithItem(fn, item); });
            }
            return last;
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
    return last;
}

template<class V>
inline constexpr bool kIndexable
        = std::ranges::random_access_range<V> &&std::ranges::sized_range<V>;

/*!
    What maps add to Pool::submitted(), completed() and cancelled(), where every item counts
    as one job: a direct map's items, and a pooled slice's items but one (the slice is a job
    of its own). Items that never run (a stopped map, a dropped slice) count as cancelled,
    so completed() + cancelled() reaches submitted() once the map is over.
*/
struct MapCounters
{
    // relaxed: published to the workers with the slices or threads it precedes.
    void announce(std::uint64_t items) noexcept
    {
        submitted.fetch_add(items, std::memory_order_relaxed);
    }
    // release: pairs with the acquire in ended's readers (completed before submitted).
    void end(std::uint64_t items) noexcept { ended.fetch_add(items, std::memory_order_release); }
    // release: as end().
    void cancel(std::uint64_t items) noexcept
    {
        if (items)
            cancelled.fetch_add(items, std::memory_order_release);
    }

    std::atomic<std::uint64_t> submitted{0};
    std::atomic<std::uint64_t> ended{0}; // items that ran (done or failed)
    std::atomic<std::uint64_t> cancelled{0}; // items that never ran
};

//! The failure of a map whose range threw while it was being iterated (a generator, a
//! filter's predicate): queued as a job of its own, it reports the exception with id 0.
struct MapIterationFailure
{
    std::exception_ptr error;
    FunctionInfo function;
    void operator()(JobContext &context) { context.fail(error, 0, {}, function); }
};

template<class F, class Sink, class View>
struct MapWork
{
    MapWork(F f, Sink s, View v, MapCounters &c)
        : fn(std::move(f)), sink(std::move(s)), view(std::move(v)), counters(c)
    { }
    //! Direct maps: items announced and never run are cancelled now.
    ~MapWork()
    {
        // relaxed (both): the last owner reads them after every thread dropped the work.
        counters.cancel(announcedItems.load(std::memory_order_relaxed)
                        - ranItems.load(std::memory_order_relaxed));
    }

    F fn;
    Sink sink;
    View view;
    MapCounters &counters;
    int threads = 1;
    // Direct maps: items counted in Pool::submitted(), and of those, items that ran.
    // relaxed everywhere: only sums, read once the last owner drops the work.
    std::atomic<std::uint64_t> announcedItems{0};
    std::atomic<std::uint64_t> ranItems{0};
    // The range threw while being iterated: no thread takes more items. relaxed: a
    // prompt-enough stop; the failure itself travels through the failed queue.
    std::atomic<bool> broken{false};

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
            const std::size_t chunk
                    = std::max<std::size_t>(1, (total - begin) / (2 * std::size_t(threads)));
            // relaxed: as the load above.
            if (cursor.compare_exchange_weak(begin, begin + chunk, std::memory_order_relaxed))
                return {begin, std::min(total, begin + chunk)};
        }
    }

    /*!
        Up to `count` items copied out of the shared iterator (input ranges). If iterating
        throws, the items taken before it are returned and `error` holds the exception; no
        later item is taken by anyone (the range is `broken`).
    */
    std::vector<Item> takeItems(std::size_t count, std::exception_ptr &error)
    {
        std::vector<Item> items;
        std::lock_guard lock(mutex);
        // relaxed: under the mutex, which every taker holds.
        if (broken.load(std::memory_order_relaxed))
            return items;
        try {
            for (auto &it = cursorLocked(); items.size() < count && it != std::ranges::end(view);
                 ++it)
                items.push_back(*it);
        } catch (...) {
            broken.store(true, std::memory_order_relaxed); // relaxed: see `broken`
            error = std::current_exception();
        }
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

    //! Returns the items run (fewer when `stoppable` and a cancel reached the job).
    std::size_t runRange(JobContext &context, std::size_t begin, std::size_t end,
                         bool stoppable = false)
    {
        auto first = std::ranges::begin(view);
        return runItems(
                       context, sink, fn, begin, end,
                       [&](std::size_t i) -> decltype(auto) {
                           return first[static_cast<std::ranges::range_difference_t<View>>(i)];
                       },
                       stoppable)
                - begin;
    }

    std::size_t runItemsOf(JobContext &context, std::vector<Item> &items, bool stoppable = false)
    {
        return runItems(
                context, sink, fn, 0, items.size(),
                [&](std::size_t i) -> Item & { return items[i]; }, stoppable);
    }

    //! Direct maps: `items` more count as submitted jobs.
    void announce(std::size_t items)
    {
        announcedItems.fetch_add(items, std::memory_order_relaxed); // relaxed: see above
        counters.announce(items);
    }
    //! Direct maps: `items` more ran (or failed); one atomic add per chunk.
    void ran(std::size_t items)
    {
        ranItems.fetch_add(items, std::memory_order_relaxed); // relaxed: see above
        counters.end(items);
    }

    //! A direct-map thread: take chunks until the items run out or `stop` is raised. An
    //! exception from iterating the range is one failure (id 0); the map then stops.
    void drain(JobContext &context, const std::atomic<bool> &stop)
    {
        for (;;) {
            // relaxed (both): prompt-enough stop requests; they publish nothing.
            if (stop.load(std::memory_order_relaxed) || broken.load(std::memory_order_relaxed))
                return;
            if constexpr (kIndexable<View>) {
                const auto [begin, end] = claimChunk();
                if (begin == end)
                    return;
                runRange(context, begin, end);
                ran(end - begin);
            } else {
                std::exception_ptr error;
                std::vector<Item> items = takeItems(16, error);
                announce(items.size()); // an input range's items count as they are taken
                runItemsOf(context, items);
                ran(items.size());
                if (error) { // the items before it ran; this is the map's last failure
                    context.fail(error, 0, {}, functionInfo(fn));
                    return;
                }
                if (items.empty())
                    return;
            }
        }
    }
};

/*!
    How a pooled slice counts its items: the slice is one job in the pool's counts (ran or
    cancelled as any job); its other items were added by the map and end here, whether the
    slice ran, stopped at a cancel request, or was dropped.
*/
struct SliceCount
{
    //! Called when the slice runs; returns false (run nothing) if a cancel reached it.
    bool start(JobContext &context) noexcept
    {
        if (context.cancelRequested()) {
            context.settle(JobOutcome::Cancelled);
            return false;
        }
        // Its items are jobs of their own: a cancel from here on stops the slice between
        // items, and the values of the items that ran stand.
        context.settle(JobOutcome::Completed);
        return true;
    }
    //! The slice ran `items` of its items (at least one when it started).
    void ran(std::size_t items) noexcept { ranItems = items; }
    //! Ends the items but one (the slice's own job): those that ran, and the rest cancelled.
    void end(MapCounters &counters) const noexcept
    {
        if (ranItems == 0) {
            counters.cancel(total - 1);
            return;
        }
        counters.end(ranItems - 1);
        counters.cancel(total - ranItems);
    }

    std::size_t total = 0;
    std::size_t ranItems = 0;
};

/*!
    A pooled slice of a random-access map: items [begin, end) run as one ordinary job. The
    slice is one job in the pool's counts; its other items are added by the map and ended
    here (SliceCount).
*/
template<class Work>
struct MapSlice
{
    MapSlice(std::shared_ptr<Work> w, std::size_t b, std::size_t e)
        : work(std::move(w)), begin(b), end(e)
    {
        count.total = end - begin;
    }
    MapSlice(MapSlice &&other) noexcept
        : work(std::move(other.work)), begin(other.begin), end(other.end), count(other.count)
    { }
    MapSlice &operator=(MapSlice &&) = delete;
    ~MapSlice()
    {
        if (work)
            count.end(work->counters);
    }
    void operator()(JobContext &context)
    {
        if (count.start(context))
            count.ran(work->runRange(context, begin, end, true));
    }

    std::shared_ptr<Work> work;
    std::size_t begin;
    std::size_t end;
    SliceCount count;
};

//! A pooled slice of an input-range map: the items were copied out when the map was set up.
//! Counted as MapSlice.
template<class Work>
struct MapChunk
{
    MapChunk(std::shared_ptr<Work> w, std::vector<typename Work::Item> i)
        : work(std::move(w)), items(std::move(i))
    {
        count.total = items.size();
    }
    MapChunk(MapChunk &&other) noexcept
        : work(std::move(other.work)), items(std::move(other.items)), count(other.count)
    { }
    MapChunk &operator=(MapChunk &&) = delete;
    ~MapChunk()
    {
        if (work)
            count.end(work->counters);
    }
    void operator()(JobContext &context)
    {
        if (count.start(context))
            count.ran(work->runItemsOf(context, items, true));
    }

    std::shared_ptr<Work> work;
    std::vector<typename Work::Item> items;
    SliceCount count;
};

} // namespace FastThreadPool::detail
