// Public: what a job leaves behind. Result goes to the done queue, Failure to the failed
// queue; Completion is either, as asCompleted() yields them.
#pragma once

#include <fastthreadpool/fastthreadpool_export.h>
#include <fastthreadpool/jobid.h>

#include <QtCore/qlist.h>
#include <QtCore/qmetatype.h>
#include <QtCore/qstring.h>
#include <QtCore/qvariant.h>

#include <exception>
#include <variant>

QT_BEGIN_NAMESPACE
class QDebug;
QT_END_NAMESPACE

namespace FastThreadPool {

//! One value a job produced. `id` is the job's id when PoolOptions::resultId is set and 0
//! otherwise; map() results always carry 0.
struct FASTTHREADPOOL_EXPORT Result
{
    JobId id = 0;
    QVariant value;

    friend bool operator==(const Result &, const Result &) = default;
};

//! One failed job (or a failed callback). The exception is kept, so the original type can
//! be rethrown and caught where the result is handled.
struct FASTTHREADPOOL_EXPORT Failure
{
    //! The job's id when PoolOptions::resultId is set, else 0; 0 for map items and for
    //! failures of init/finish/done callbacks.
    JobId id = 0;
    //! The thrown type, demangled: "std::runtime_error", "int", ...
    QString type;
    //! what() of a std::exception, the text of a thrown string, else empty.
    QString message;
    //! PoolOptions::excStack only: type, message, job id, the function (a plain function by
    //! its symbol name, a lambda by its type), the thread, and the stack of the worker where
    //! the failure was caught (C++ has unwound the throwing frames by then).
    QString details;
    //! PoolOptions::excArgs only: the job's arguments.
    QVariantList args;
    //! The exception itself.
    std::exception_ptr exception;

    //! "type: message", the short form the failed queue shows.
    QString toString() const;
    //! Rethrows the original exception (of its original type).
    [[noreturn]] void rethrow() const;
};

//! One entry of asCompleted(): a Result or a Failure.
class FASTTHREADPOOL_EXPORT Completion
{
public:
    Completion(Result result) : m_entry(std::move(result)) { }
    Completion(Failure failure) : m_entry(std::move(failure)) { }

    bool isFailure() const noexcept { return m_entry.index() == 1; }
    //! The result; throws std::bad_variant_access for a failure.
    const Result &result() const { return std::get<Result>(m_entry); }
    //! The failure; throws std::bad_variant_access for a result.
    const Failure &failure() const { return std::get<Failure>(m_entry); }
    JobId id() const noexcept
    {
        return isFailure() ? std::get<Failure>(m_entry).id : std::get<Result>(m_entry).id;
    }
    //! The result's value; a null QVariant for a failure.
    QVariant value() const { return isFailure() ? QVariant() : std::get<Result>(m_entry).value; }

private:
    std::variant<Result, Failure> m_entry;
};

FASTTHREADPOOL_EXPORT QDebug operator<<(QDebug debug, const Result &result);
FASTTHREADPOOL_EXPORT QDebug operator<<(QDebug debug, const Failure &failure);
FASTTHREADPOOL_EXPORT QDebug operator<<(QDebug debug, const Completion &completion);

} // namespace FastThreadPool

Q_DECLARE_METATYPE(FastThreadPool::Result)
Q_DECLARE_METATYPE(FastThreadPool::Failure)
