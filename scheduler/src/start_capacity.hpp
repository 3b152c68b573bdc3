#pragma once
// How many starts the planner may give each slot cell, and which cells an instance's maintenance rules out.
// Private to the scheduler (the planner's "slots" step).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "calendar.hpp"
#include "pushsim/scheduler/plan.hpp"
#include "pushsim/scheduler/planner.hpp"

namespace pushsim::scheduler::detail {

// The grid cells an instance may not start in: the expected run from the cell's start meets one of the plan's
// maintenance windows for that instance.
class maintenance_cells {
 public:
  maintenance_cells(const plan& p, const slot_grid& grid, std::span<const std::string> instance_names);
  bool empty() const { return empty_; }
  bool blocked(std::uint32_t instance, std::uint32_t cell) const {
    return !blocked_[instance].empty() && blocked_[instance][cell] != 0;
  }

 private:
  std::vector<std::vector<std::uint8_t>> blocked_;  // per instance, per cell; empty: never blocked
  bool empty_ = true;
};

// Where place() put an org: a position in its calendar (the calendar's size: nowhere) and whether maintenance
// moved it (a maintenance cell with room came before that position).
struct placement {
  std::uint32_t pos = 0;
  bool moved = false;
};

// Starts per grid cell against the plan's caps: max_jobs_in_flight (global) and, per instance, the tighter of
// max_jobs_in_flight_per_instance and what the instance_queue works off in one cell. Caps on jobs in flight
// become caps per cell as PLAN_FORMAT.md "concurrency" says.
class start_capacity {
 public:
  start_capacity(const plan& p, const slot_grid& grid, std::size_t instance_count);
  // True when some cap applies (otherwise every org takes its first allowed cell).
  bool capped() const { return global_cap_ || instance_cap_; }
  // The first position at or after `cursor` in `cal` (cells allowed for the org's group) with room on the
  // instance and no maintenance; takes one start there. Moves `cursor` past cells with no room left. A
  // maintenance cell with room before that position counts the org as a would-be start there (so the
  // orgs moved out of one window are at most what the window would have held).
  placement place(std::uint32_t instance, std::span<const std::uint32_t> cal, std::uint32_t& cursor,
                  const maintenance_cells& maint);

 private:
  bool has_room(std::uint32_t instance, std::uint32_t cell) const;
  bool open(std::uint32_t instance, std::uint32_t cell, const maintenance_cells& maint) const;
  std::vector<std::uint32_t>& per_instance(std::vector<std::vector<std::uint32_t>>& counts, std::uint32_t instance);

  std::uint32_t cells_ = 0;
  std::optional<std::uint32_t> global_cap_;
  std::optional<std::uint32_t> instance_cap_;
  std::vector<std::uint32_t> global_count_;                 // per cell, when global_cap_
  std::vector<std::vector<std::uint32_t>> instance_count_;  // per instance, per cell (lazily), when instance_cap_
  std::vector<std::vector<std::uint32_t>> would_be_;        // maintenance cells: orgs moved out of them
};

}  // namespace pushsim::scheduler::detail
