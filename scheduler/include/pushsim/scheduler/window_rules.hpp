#pragma once
// window_rules: the plan's start-time rules for one org, as the planner applies them — quiet hours and avoided
// weekdays in the org's local time (DST-correct), avoided dates, the quarter-end blackout of the org's fiscal
// year and freeze periods. For whoever must judge a start after the fact (the rehearsal's window compliance)
// by exactly the planner's rule.

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "pushsim/base/time.hpp"
#include "pushsim/scheduler/plan.hpp"

namespace pushsim::scheduler {

class window_rules {
 public:
  explicit window_rules(window_spec windows);
  ~window_rules();
  window_rules(const window_rules&) = delete;
  window_rules& operator=(const window_rules&) = delete;

  // True when a job may start at t for an org in IANA zone `zone` (an unknown zone is taken as UTC) whose fiscal
  // year starts in fiscal_start_month (1..12).
  bool allowed(time_point t, std::string_view zone, int fiscal_start_month);

 private:
  struct zone_cache;
  window_spec windows_;
  std::unique_ptr<zone_cache> zones_;
};

}  // namespace pushsim::scheduler
