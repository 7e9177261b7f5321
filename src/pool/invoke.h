// Public (detail): how a submitted call becomes a job. The closure built here runs the
// function, hands each value to its sink (done queue, discard, or a per-job callback) and
// reports an exception as a failure; nothing escapes into the worker.
#pragma once

#include <fastthreadpool/generator.h>
#include <fastthreadpool/detail/jobcontext.h>

#include <QtCore/qstring.h>
#include <QtCore/qvariant.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>

namespace FastThreadPool {

//! The `done` of a job without a done argument of its own (submit(), submitLater(), map()
//! by default): its values go where PoolOptions::doneCallback says. A job's own `true`
//! means done() itself, `false` nowhere, a callable that callable.
struct PoolDoneT
{
    explicit PoolDoneT() = default;
};
inline constexpr PoolDoneT PoolDone{};

} // namespace FastThreadPool

namespace FastThreadPool::detail {

template<class>
inline constexpr bool kDependentFalse = false;

template<class T>
struct IsTupleLike : std::false_type
{ };
template<class... T>
struct IsTupleLike<std::tuple<T...>> : std::true_type
{ };
template<class A, class B>
struct IsTupleLike<std::pair<A, B>> : std::true_type
{ };

//! Types QVariant stores through a constructor of its own (exact types only: a long or an
//! enum keeps its own metatype through QVariant::fromValue).
template<class T>
struct IsVariantBuiltin
    : std::bool_constant<std::is_same_v<T, bool> || std::is_same_v<T, int> || std::is_same_v<T, uint> || std::is_same_v<T, qlonglong> || std::is_same_v<T, qulonglong> || std::is_same_v<T, double> || std::is_same_v<T, float> || std::is_same_v<T, QString> || std::is_same_v<T, QByteArray>>
{ };

//! A job's value as it travels in the done queue.
template<class V>
QVariant toVariant(V &&value)
{
    using T = std::remove_cvref_t<V>;
    if constexpr (std::is_same_v<T, QVariant>) {
        return std::forward<V>(value);
    } else if constexpr (std::is_same_v<std::decay_t<T>,
                                        const char *> || std::is_same_v<std::decay_t<T>, char *>) {
        return QString::fromUtf8(value);
    } else if constexpr (IsVariantBuiltin<T>::value) {
        return QVariant(value); // a direct constructor: skips the generic metatype copy
    } else {
        static_assert(std::is_copy_constructible_v<T>,
                      "a job's value must be copyable to travel in a QVariant; wrap a "
                      "move-only value in std::shared_ptr");
        return QVariant::fromValue(static_cast<const T &>(value));
    }
}

//! PoolOptions::excArgs: the job's arguments as QVariants (non-copyable ones by type name).
template<class Tuple>
QVariantList argumentsOf(const Tuple &args)
{
    QVariantList list;
    std::apply(
            [&list](const auto &...arg) {
                [[maybe_unused]] auto add = [&list](const auto &a) {
                    using A = std::remove_cvref_t<decltype(a)>;
                    if constexpr (std::is_copy_constructible_v<A>)
                        list.append(toVariant(a));
                    else
                        list.append(demangledTypeName(typeid(A)));
                };
                (add(arg), ...);
            },
            args);
    return list;
}

template<class F>
FunctionInfo functionInfo(const F &fn) noexcept
{
    FunctionInfo info{&typeid(F), nullptr};
    if constexpr (std::is_pointer_v<F> && std::is_function_v<std::remove_pointer_t<F>>)
        info.address = reinterpret_cast<const void *>(fn);
    return info;
}

//! done = PoolDone: values go where PoolOptions::doneCallback says (nowhere, without even
//! converting them, when the pool discards).
struct PoolSink
{
    template<class V>
    void value(JobContext &context, JobId id, V &&v)
    {
        if (context.keepsValues())
            context.deliver(toVariant(std::forward<V>(v)), id);
    }
    void noValue(JobContext &context, JobId id)
    {
        if (context.keepsValues())
            context.deliver(QVariant(), id);
    }
};

//! done = true / false: into done() itself, whatever the pool's doneCallback (a job's own
//! true), or nowhere (the value is not even converted).
struct QueueSink
{
    bool keep = true;

    template<class V>
    void value(JobContext &context, JobId id, V &&v)
    {
        if (keep)
            context.deliver(toVariant(std::forward<V>(v)), id, true);
    }
    void noValue(JobContext &context, JobId id)
    {
        if (keep)
            context.deliver(QVariant(), id, true);
    }
};

//! done = a callable: called with each value in the worker thread; nothing is queued.
template<class Callback>
struct CallbackSink
{
    Callback callback;

    template<class V>
    void value(JobContext &context, JobId, V &&v)
    {
        if (!context.acceptValue())
            return; // a cancel reached the job first: its value is dropped
        if constexpr (std::is_invocable_v<Callback &, V &&>)
            std::invoke(callback, std::forward<V>(v));
        else if constexpr (std::is_invocable_v<Callback &, QVariant>)
            std::invoke(callback, toVariant(std::forward<V>(v)));
        else
            static_assert(kDependentFalse<V>,
                          "the done callback must accept the job's value or a QVariant");
    }
    void noValue(JobContext &context, JobId)
    {
        if (!context.acceptValue())
            return;
        if constexpr (std::is_invocable_v<Callback &>)
            std::invoke(callback);
        else
            std::invoke(callback, QVariant());
    }
};

template<class D>
auto makeSink(D &&done)
{
    using T = std::remove_cvref_t<D>;
    if constexpr (std::is_same_v<T, bool>)
        return QueueSink{done};
    else if constexpr (std::is_same_v<T, std::nullptr_t> || std::is_same_v<T, PoolDoneT>)
        return PoolSink{};
    else
        return CallbackSink<T>{std::forward<D>(done)};
}

template<class T>
struct IsStdFunction : std::false_type
{ };
template<class Signature>
struct IsStdFunction<std::function<Signature>> : std::true_type
{ };

//! Throws std::invalid_argument if `fn` is a null pointer or an empty std::function.
template<class F>
void requireCallable(const F &fn, const char *caller, const char *what)
{
    bool null = false;
    if constexpr (std::is_pointer_v<
                          F> || std::is_member_pointer_v<F> || std::is_same_v<F, std::nullptr_t>)
        null = (fn == nullptr);
    else if constexpr (IsStdFunction<F>::value)
        null = !fn;
    if (null)
        throw std::invalid_argument(std::string(caller) + ": " + what + " is null");
}

//! Calls `call` and hands its outcome (nothing, a value, or each value of a generator) to
//! `sink`. Exceptions propagate: the caller decides what one failure covers.
template<class Sink, class Call>
void callAndDeliver(JobContext &context, JobId id, Sink &sink, Call &&call)
{
    using R = decltype(call());
    if constexpr (std::is_void_v<R>) {
        call();
        sink.noValue(context, id);
    } else if constexpr (IsGenerator<std::remove_cvref_t<R>>::value) {
        for (const auto &v : call())
            sink.value(context, id, v);
    } else {
        sink.value(context, id, call());
    }
}

//! Calls fn with the arguments of `args` and hands the outcome to `sink`; an exception is
//! the failure of job `id`.
template<class Sink, class F, class Tuple>
void runAndDeliver(JobContext &context, JobId id, Sink &sink, F &fn, Tuple &&args)
{
    QVariantList captured;
    if (context.capturesArgs())
        captured = argumentsOf(args);
    try {
        callAndDeliver(context, id, sink, [&]() -> decltype(auto) {
            return std::apply(fn, std::forward<Tuple>(args));
        });
    } catch (...) {
        context.fail(std::current_exception(), id, std::move(captured), functionInfo(fn));
    }
}

//! One submitted call: the function, where its values go, and its arguments.
template<class F, class Sink, class... Args>
struct JobClosure
{
    F fn;
    [[no_unique_address]] Sink sink;
    std::tuple<Args...> args;

    void operator()(JobContext &context)
    {
        runAndDeliver(context, context.id(), sink, fn, std::move(args));
    }
};

template<class F, class D, class... Args>
auto makeJobClosure(F &&fn, D &&done, Args &&...args)
{
    using Sink = decltype(makeSink(std::forward<D>(done)));
    return JobClosure<std::decay_t<F>, Sink, std::decay_t<Args>...>{
            std::forward<F>(fn), makeSink(std::forward<D>(done)),
            std::tuple<std::decay_t<Args>...>(std::forward<Args>(args)...)};
}

} // namespace FastThreadPool::detail
