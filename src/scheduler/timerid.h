// Public: FastThreadPool::TimerId, the handle of a delayed, timed or periodic job.
#pragma once

#include <fastthreadpool/fastthreadpool_export.h>

#include <QtCore/qhashfunctions.h>
#include <QtCore/qmetatype.h>

QT_BEGIN_NAMESPACE
class QDebug;
QT_END_NAMESPACE

namespace FastThreadPool {

/*!
    Identifies a timer of a Pool (submitLater, submitAt, schedule, ...): unique within its
    pool, never 0 for a real timer. A distinct type, so that cancel(TimerId) and
    cancel(JobId) cannot be mixed up.
*/
struct TimerId
{
    quint64 value = 0;

    constexpr explicit operator bool() const noexcept { return value != 0; }
    friend constexpr bool operator==(TimerId, TimerId) = default;
    friend constexpr auto operator<=>(TimerId, TimerId) = default;
};

inline size_t qHash(TimerId id, size_t seed = 0) noexcept { return ::qHash(id.value, seed); }

FASTTHREADPOOL_EXPORT QDebug operator<<(QDebug debug, TimerId id);

} // namespace FastThreadPool

Q_DECLARE_METATYPE(FastThreadPool::TimerId)
