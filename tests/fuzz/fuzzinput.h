// Fuzz harness helper: reads choices out of libFuzzer's input bytes, and reports a broken
// invariant with the sequence that broke it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace FuzzSupport {

class Input
{
public:
    Input(const std::uint8_t *data, std::size_t size) : m_data(data), m_size(size) { }

    bool empty() const noexcept { return m_pos >= m_size; }
    //! The next byte (0 once the input is used up).
    std::uint8_t byte() noexcept { return m_pos < m_size ? m_data[m_pos++] : 0; }
    //! A choice among `count` (count > 0).
    unsigned pick(unsigned count) noexcept { return byte() % count; }
    bool flag() noexcept { return byte() & 1u; }

private:
    const std::uint8_t *m_data;
    std::size_t m_size;
    std::size_t m_pos = 0;
};

//! Stops the run with `what`: libFuzzer saves the input that got here as a crash.
[[noreturn]] inline void violated(const char *what)
{
    std::fprintf(stderr, "INVARIANT VIOLATED: %s\n", what);
    std::fflush(stderr);
    std::abort();
}

inline void require(bool condition, const char *what)
{
    if (!condition)
        violated(what);
}

} // namespace FuzzSupport
