// Public (detail): time arithmetic that saturates instead of overflowing. A duration of any
// std::chrono type becomes nanoseconds clamped to the int64 range, and a deadline that
// would lie beyond the steady clock's range becomes kNever: "later than anything", so a
// timer so far away never fires early and never wraps around into the past.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <ratio>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace FastThreadPool::detail {

// A GCC/Clang extension (ISO C++ has no 128-bit integer); __extension__ keeps -Wpedantic quiet.
__extension__ typedef __int128 Int128;

//! A steady-clock time (in ns) that never comes.
inline constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

constexpr std::int64_t saturatingAdd(std::int64_t a, std::int64_t b) noexcept
{
    std::int64_t sum = 0;
    if (__builtin_add_overflow(a, b, &sum))
        return b > 0 ? std::numeric_limits<std::int64_t>::max()
                     : std::numeric_limits<std::int64_t>::min();
    return sum;
}

constexpr std::int64_t saturatingSub(std::int64_t a, std::int64_t b) noexcept
{
    std::int64_t difference = 0;
    if (__builtin_sub_overflow(a, b, &difference))
        return b < 0 ? std::numeric_limits<std::int64_t>::max()
                     : std::numeric_limits<std::int64_t>::min();
    return difference;
}

constexpr std::int64_t saturatingMul(std::int64_t a, std::int64_t b) noexcept
{
    std::int64_t product = 0;
    if (__builtin_mul_overflow(a, b, &product))
        return (a < 0) == (b < 0) ? std::numeric_limits<std::int64_t>::max()
                                  : std::numeric_limits<std::int64_t>::min();
    return product;
}

/*!
    `d` in nanoseconds, clamped to nanoseconds::min() .. nanoseconds::max() (292 years
    either way). Every std::chrono duration converts, whatever its representation and
    period (hours::max(), years, duration<double> with infinity). Throws
    std::invalid_argument for a floating-point NaN, naming `caller` and `what`.
*/
template<class Rep, class Period>
std::chrono::nanoseconds saturatingNanoseconds(std::chrono::duration<Rep, Period> d,
                                               const char *caller, const char *what)
{
    using std::chrono::nanoseconds;
    constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
    constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
    // The value in ns as a long double: exact enough to tell "in range" from "beyond", and
    // no overflow for any period (10^4932 is the limit).
    const long double ns = static_cast<long double>(d.count())
            * static_cast<long double>(Period::num) * 1e9L / static_cast<long double>(Period::den);
    if (ns != ns)
        throw std::invalid_argument(std::string(caller) + ": " + what + " is not a number");
    // A margin of a microsecond keeps the exact conversion below clear of the int64 edge.
    if (ns >= static_cast<long double>(kMax) - 1e3L)
        return nanoseconds::max();
    if (ns <= static_cast<long double>(kMin) + 1e3L)
        return nanoseconds::min();
    if constexpr (std::is_floating_point_v<Rep>) {
        return nanoseconds(static_cast<std::int64_t>(ns));
    } else {
        // Exact, in 128 bits: duration_cast multiplies before it divides, which overflows
        // for a ratio like 1/7 s although the result fits.
        using ToNs = std::ratio_divide<Period, std::nano>;
        const Int128 exact = static_cast<Int128>(d.count()) * ToNs::num / ToNs::den;
        return nanoseconds(static_cast<std::int64_t>(exact));
    }
}

//! now + delay on the steady clock in ns; kNever when that lies beyond the clock's range.
inline std::int64_t saturatingDeadline(std::int64_t nowNs, std::chrono::nanoseconds delay) noexcept
{
    return saturatingAdd(nowNs, delay.count());
}

} // namespace FastThreadPool::detail
