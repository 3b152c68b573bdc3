#pragma once
// PUSHSIM_ASSERT: a broken invariant (a bug, never bad input). On in every build type; on failure it prints
// the condition, the message, the source location and the run's seed with the command that reproduces it,
// then aborts.

#include <cstdint>
#include <string>
#include <string_view>

namespace pushsim {

// Records what a failing assertion should print to reproduce the run: the root seed and, optionally,
// the command line (e.g. "pushsim run x.json --seed 1234"). Per thread (a study runs replications with
// different seeds on several threads); the last call on the thread wins.
void set_assert_context(std::uint64_t seed, std::string reproduce_command = {});

namespace detail {
[[noreturn]] void assert_fail(const char* condition, std::string_view message, const char* file, int line);
}  // namespace detail

}  // namespace pushsim

#define PUSHSIM_ASSERT(cond, msg)                                       \
  do {                                                                  \
    if (!(cond)) [[unlikely]] {                                         \
      ::pushsim::detail::assert_fail(#cond, (msg), __FILE__, __LINE__); \
    }                                                                   \
  } while (false)
