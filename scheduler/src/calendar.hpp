#pragma once
// Allowed start cells for one (time zone, fiscal year start month) group: the planner computes this once per
// group, never per org. Private to the scheduler.

#include <date/tz.h>

#include <cstdint>
#include <vector>

#include "pushsim/scheduler/plan.hpp"

namespace pushsim::scheduler::detail {

// Slot starts: origin + k * step for k in [0, cells).
struct slot_grid {
  time_point origin;
  duration step{0};
  std::uint32_t cells = 0;
  time_point at(std::uint32_t k) const { return origin + step * static_cast<std::int64_t>(k); }
};

// True when the local date lies in the last n business days (Mon-Fri) of its fiscal quarter, through the
// quarter's last day (fiscal year starting in fiscal_start_month, 1..12).
bool in_quarter_end_blackout(std::chrono::sys_days local_date, int fiscal_start_month, int n);

// Indices of the grid cells whose start is allowed by the windows for an org in this zone (ascending).
std::vector<std::uint32_t> allowed_cells(const slot_grid& grid, const date::time_zone& zone, int fiscal_start_month,
                                         const window_spec& windows);

// True when instant t is allowed by the windows for an org in this zone (the same rule, for one instant).
bool is_allowed(time_point t, const date::time_zone& zone, int fiscal_start_month, const window_spec& windows);

}  // namespace pushsim::scheduler::detail
