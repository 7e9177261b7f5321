#include "delivery/failurereport.h"

#include "core/demangle.h"

#include <QtCore/qdebug.h>
#include <QtCore/qthread.h>

#include <cxxabi.h>
#include <dlfcn.h>
#include <execinfo.h>

#include <cstdlib>
#include <memory>
#include <string>

namespace FastThreadPool::detail {

Q_LOGGING_CATEGORY(lcFailures, "fastthreadpool.failures")

namespace {

void describe(const std::exception_ptr &error, Failure &failure)
{
    try {
        std::rethrow_exception(error);
    } catch (const std::exception &e) {
        failure.type = demangled(typeid(e).name());
        failure.message = QString::fromUtf8(e.what());
    } catch (const char *text) {
        failure.type = QStringLiteral("const char*");
        failure.message = QString::fromUtf8(text);
    } catch (const std::string &text) {
        failure.type = QStringLiteral("std::string");
        failure.message = QString::fromStdString(text);
    } catch (const QString &text) {
        failure.type = QStringLiteral("QString");
        failure.message = text;
    } catch (...) {
        const std::type_info *type = abi::__cxa_current_exception_type();
        failure.type = type ? demangled(type->name()) : QStringLiteral("unknown exception");
    }
}

QString functionName(const FunctionInfo &function)
{
    if (function.address) {
        Dl_info info{};
        if (dladdr(function.address, &info) && info.dli_sname)
            return demangled(info.dli_sname);
    }
    return function.type ? demangled(function.type->name()) : QStringLiteral("(unknown)");
}

QString stackOfThisThread()
{
    void *frames[64];
    const int count = backtrace(frames, 64);
    std::unique_ptr<char *, decltype(&std::free)> symbols(backtrace_symbols(frames, count),
                                                          &std::free);
    QString text;
    for (int i = 0; symbols && i < count; ++i)
        text += QLatin1String("\n    #") + QString::number(i) + QLatin1Char(' ')
                + QString::fromUtf8(symbols.get()[i]);
    return text;
}

} // namespace

Failure makeFailure(std::exception_ptr error, JobId id, QVariantList &&args,
                    const FunctionInfo &function, const FailureOptions &options)
{
    Failure failure;
    failure.id = id;
    describe(error, failure);
    failure.exception = std::move(error);
    failure.args = std::move(args);
    if (options.details) {
        failure.details = QStringLiteral("%1\n  job id: %2\n  function: %3\n  thread: %4"
                                         "\n  stack of the worker where it was caught:%5")
                                  .arg(failure.toString())
                                  .arg(id)
                                  .arg(functionName(function),
                                       QThread::currentThread()->objectName(), stackOfThisThread());
    }
    return failure;
}

Failure callbackFailure(std::exception_ptr error, const char *where, bool details)
{
    Failure failure = makeFailure(std::move(error), 0, {}, {}, FailureOptions{details});
    failure.message = QString::fromUtf8(where) + QLatin1String(" threw: ") + failure.message;
    return failure;
}

void logFailure(QtMsgType level, const Failure &failure)
{
    const QString text = failure.details.isEmpty() ? failure.toString() : failure.details;
    switch (level) {
    case QtDebugMsg:
        qCDebug(lcFailures).noquote() << "job" << failure.id << "failed:" << text;
        break;
    case QtInfoMsg:
        qCInfo(lcFailures).noquote() << "job" << failure.id << "failed:" << text;
        break;
    case QtWarningMsg:
        qCWarning(lcFailures).noquote() << "job" << failure.id << "failed:" << text;
        break;
    default:
        qCCritical(lcFailures).noquote() << "job" << failure.id << "failed:" << text;
        break;
    }
}

} // namespace FastThreadPool::detail
