#pragma once
// schedule_csv: a planned rollout as the partner's customer communication needs it — one row per planned org:
//   OrgKey, OrgName, Wave, StartUtc (ISO-8601), StartLocal ("2026-11-27 23:15"), TimeZone (IANA), Window
// where Window is the plan's quiet-hours range the local start falls in ("22:00-04:00"), or "any time" when the
// plan has no quiet hours. Rows in plan order (wave, then slot). Written by `pushsim run --schedule-csv` and
// `pushsim push --dry-run --schedule-csv`.

#include <span>
#include <string>

#include "pushsim/scheduler/plan.hpp"
#include "pushsim/scheduler/planner.hpp"
#include "pushsim/scheduler/subscriber.hpp"

namespace pushsim::scheduler {

// The schedule CSV of a plan result (same inputs => byte-identical text).
std::string render_schedule_csv(const plan_result& planned, std::span<const subscriber> subscribers, const plan& p);

}  // namespace pushsim::scheduler
