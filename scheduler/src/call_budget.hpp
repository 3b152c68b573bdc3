#pragma once
// call_budget: the executor's API call budget over a rolling 24 h window (api_budget_config), with a reserve kept
// for essential calls (cancellations on a halt) and a pause after the API answers REQUEST_LIMIT_EXCEEDED.

#include <deque>

#include "pushsim/base/time.hpp"
#include "pushsim/scheduler/executor_input.hpp"

namespace pushsim::scheduler::detail {

class call_budget {
 public:
  explicit call_budget(const api_budget_config& config) : cfg_(config) {}

  // Whether one more call may go out at now; an essential call may use the reserve.
  bool allows(time_point now, bool essential);
  // The earliest time (>= now) at which a non-essential call fits.
  time_point free_at(time_point now);
  // A call went out at now.
  void spend(time_point now);
  // The API answered REQUEST_LIMIT_EXCEEDED at now: no call goes out for limit_exceeded_wait. Returns when
  // calls may go out again.
  time_point pause(time_point now);

 private:
  bool limited() const { return cfg_.calls_per_24h.has_value(); }
  void forget_before(time_point now);

  api_budget_config cfg_;
  std::deque<time_point> window_;  // times of the calls of the last 24 h (only with a limit)
  time_point paused_until_ = time_point::min();
};

}  // namespace pushsim::scheduler::detail
