// Private: the store-load barrier of the Dekker-style handshakes ("I announce, then look";
// "I publish, then look whether anyone waits"). Normally a seq_cst fence followed by a
// plain load; under ThreadSanitizer, which does not model fences, a seq_cst read-modify-
// write of the flag itself, which gives the sanitizer a happens-before edge it can see.
#pragma once

#include <atomic>

namespace FastThreadPool::detail {

//! The seq_cst fence of a handshake whose other side may be a loadAfterBarrier().
inline void storeLoadBarrier() noexcept
{
#if !defined(__SANITIZE_THREAD__)
    std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
}

//! Orders this thread's earlier writes before reading `flag` (see the file comment).
template<class T>
T loadAfterBarrier(std::atomic<T> &flag) noexcept
{
#if defined(__SANITIZE_THREAD__)
    return flag.fetch_add(0, std::memory_order_seq_cst);
#else
    std::atomic_thread_fence(std::memory_order_seq_cst);
    return flag.load(std::memory_order_relaxed); // relaxed: ordered by the fence
#endif
}

} // namespace FastThreadPool::detail
