#include "retry_backoff.hpp"

#include <algorithm>

#include "pushsim/base/random.hpp"

namespace pushsim::scheduler::detail {

// Uniform in [0, 1) with 53 random bits.
double retry_backoff::next_unit() { return static_cast<double>(splitmix64(jitter_state_) >> 11) * 0x1.0p-53; }

duration retry_backoff::delay(int attempt) {
  const auto max = static_cast<double>(max_.count());
  double d = static_cast<double>(base_.count());
  for (int i = 1; i < attempt && d < max; ++i) d *= 2;
  d = std::min(d, max);
  d *= 1.0 - jitter_ * next_unit();
  return duration{static_cast<std::int64_t>(d)};
}

}  // namespace pushsim::scheduler::detail
