#include <fastthreadpool/thisjob.h>

#include "core/currentjob.h"
#include "core/jobrecord.h"

namespace FastThreadPool {

namespace detail {
namespace {
thread_local CurrentJob t_current;
} // namespace

CurrentJob &currentJob() noexcept { return t_current; }
} // namespace detail

JobId ThisJob::id() noexcept
{
    const std::atomic<std::uint64_t> *word = detail::t_current.word;
    // relaxed: the running job's own id, fixed while it runs.
    return word ? detail::JobWord::id(word->load(std::memory_order_relaxed)) : 0;
}

bool ThisJob::isCancelled() noexcept
{
    const std::atomic<std::uint64_t> *word = detail::t_current.word;
    // relaxed: a flag; the job's own data needs no ordering with the request.
    return word && detail::JobWord::cancelRequested(word->load(std::memory_order_relaxed));
}

} // namespace FastThreadPool
