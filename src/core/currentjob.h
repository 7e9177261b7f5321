// Private: the job the calling thread runs, for ThisJob. A pool thread sets it around each
// job; everything else sees no job.
#pragma once

#include <atomic>
#include <cstdint>

namespace FastThreadPool::detail {

struct CurrentJob
{
    //! The running record's word (its id and cancel-request bit), or nullptr outside a job.
    const std::atomic<std::uint64_t> *word = nullptr;
};

//! This thread's current job. Look it up once per thread and keep the reference: it is a
//! thread_local of the library.
CurrentJob &currentJob() noexcept;

//! Marks the running job on this thread for its lifetime.
class CurrentJobScope
{
public:
    CurrentJobScope(CurrentJob &current, const std::atomic<std::uint64_t> &word) noexcept
        : m_current(current)
    {
        current.word = &word;
    }
    ~CurrentJobScope() { m_current.word = nullptr; }
    CurrentJobScope(const CurrentJobScope &) = delete;
    CurrentJobScope &operator=(const CurrentJobScope &) = delete;

private:
    CurrentJob &m_current;
};

} // namespace FastThreadPool::detail
