#pragma once
// retry_backoff: whether and when the executor tries a failed API call again (retry_policy): the wait doubles from
// backoff_base up to backoff_max, shortened by a random share (jitter, from the policy's seed) so that retries of
// many calls do not arrive together.

#include <cstdint>

#include "pushsim/base/time.hpp"
#include "pushsim/scheduler/api_call.hpp"
#include "pushsim/scheduler/executor_input.hpp"

namespace pushsim::scheduler::detail {

class retry_backoff {
 public:
  explicit retry_backoff(const retry_policy& policy)
      : base_(policy.backoff_base),
        max_(policy.backoff_max),
        jitter_(policy.jitter),
        attempts_max_(policy.call_attempts_max),
        jitter_state_(policy.seed) {}

  // Whether a call whose attempt-th try failed with e may be tried again.
  bool may_retry(const api_error& e, int attempt) const {
    return e.retryable() && (!attempts_max_ || attempt < *attempts_max_);
  }
  // The wait after the attempt-th try failed (attempt >= 1); draws from the jitter stream.
  duration delay(int attempt);
  // The longest wait (a query that keeps failing is tried again after it, for ever).
  duration longest() const { return max_; }

 private:
  double next_unit();

  duration base_, max_;
  double jitter_;
  std::optional<int> attempts_max_;  // none: unlimited
  std::uint64_t jitter_state_;       // splitmix64 state
};

}  // namespace pushsim::scheduler::detail
