#include "pushsim/base/assert.hpp"

#include <cstdio>
#include <cstdlib>

namespace pushsim {
namespace {
thread_local bool have_seed = false;
thread_local std::uint64_t context_seed = 0;
thread_local std::string context_command;
}  // namespace

void set_assert_context(std::uint64_t seed, std::string reproduce_command) {
  have_seed = true;
  context_seed = seed;
  context_command = std::move(reproduce_command);
}

namespace detail {
void assert_fail(const char* condition, std::string_view message, const char* file, int line) {
  std::fprintf(stderr, "pushsim: assertion failed: %s\n  %.*s\n  at %s:%d\n", condition,
               static_cast<int>(message.size()), message.data(), file, line);
  if (have_seed) {
    std::fprintf(stderr, "  seed: %llu\n", static_cast<unsigned long long>(context_seed));
    if (!context_command.empty()) std::fprintf(stderr, "  reproduce: %s\n", context_command.c_str());
  }
  std::fflush(stderr);
  std::abort();
}
}  // namespace detail
}  // namespace pushsim
