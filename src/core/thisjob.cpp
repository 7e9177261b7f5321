#include <fastthreadpool/errors.h>
#include <fastthreadpool/thisjob.h>

#include "core/currentjob.h"

#include <chrono>
#include <stdexcept>
#include <string>

namespace FastThreadPool {

namespace detail {
namespace {
// initial-exec: one thread-pointer-relative load instead of a __tls_get_addr() call per
// access (the library is loaded with the program, or by a plugin early enough for the few
// bytes of static TLS glibc keeps for that).
#if defined(__GNUC__) && defined(__ELF__)
__attribute__((tls_model("initial-exec")))
#endif
thread_local CurrentJob t_current;
} // namespace

CurrentJob &currentJob() noexcept { return t_current; }
} // namespace detail

JobId ThisJob::id() noexcept
{
    const JobContext *context = detail::t_current.context;
    return context ? context->id() : 0;
}

bool ThisJob::isCancelled() noexcept
{
    const JobContext *context = detail::t_current.context;
    return context && context->isCancelled();
}

void ThisJob::checkCancelled()
{
    if (isCancelled())
        throw JobCancelled();
}

void ThisJob::setProgress(int value, int maximum, const QString &text)
{
    if (maximum <= 0 || value < 0 || value > maximum)
        throw std::invalid_argument("ThisJob::setProgress: the value must lie in 0..maximum and "
                                    "the maximum be positive (got "
                                    + std::to_string(value) + " of " + std::to_string(maximum)
                                    + ")");
    JobContext *context = detail::t_current.context;
    if (!context)
        return;
    context->setProgress(value, maximum, text);
    if (detail::JobHooks *hooks = context->hooks())
        hooks->setProgress(value, maximum, text);
}

void ThisJob::suspendIfRequested()
{
    const detail::CurrentJob &current = detail::t_current;
    if (!current.context)
        return;
    const JobContext &context = *current.context;
    // A cancel request pokes the gate; a QFuture cancelled by its owner does not, so a job
    // with hooks looks every 50 ms as well.
    current.suspension->waitWhileSuspended([&context] { return context.isCancelled(); },
                                           context.hooks() ? std::chrono::milliseconds(50)
                                                           : std::chrono::milliseconds(0));
    if (detail::JobHooks *hooks = context.hooks(); hooks && !context.isCancelled())
        hooks->suspendIfRequested();
}

} // namespace FastThreadPool
