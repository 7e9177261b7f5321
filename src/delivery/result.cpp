#include <fastthreadpool/result.h>

#include <QtCore/qdebug.h>

namespace FastThreadPool {

QString Failure::toString() const
{
    return message.isEmpty() ? type : type + QLatin1String(": ") + message;
}

void Failure::rethrow() const { std::rethrow_exception(exception); }

QDebug operator<<(QDebug debug, const Result &result)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "FastThreadPool::Result(id=" << result.id << ", " << result.value << ')';
    return debug;
}

QDebug operator<<(QDebug debug, const Failure &failure)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "FastThreadPool::Failure(id=" << failure.id << ", "
                    << qUtf8Printable(failure.toString());
    if (!failure.args.isEmpty())
        debug << ", args=" << failure.args;
    debug << ')';
    return debug;
}

// Qt's convention: a QDebug stream is taken and returned by value.
// NOLINTNEXTLINE(performance-unnecessary-value-param)
QDebug operator<<(QDebug debug, const Completion &completion)
{
    if (completion.isFailure())
        return debug << completion.failure();
    return debug << completion.result();
}

} // namespace FastThreadPool
