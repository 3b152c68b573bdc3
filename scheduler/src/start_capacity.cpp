#include "start_capacity.hpp"

#include <algorithm>
#include <limits>

namespace pushsim::scheduler::detail {

maintenance_cells::maintenance_cells(const plan& p, const slot_grid& grid, std::span<const std::string> instance_names)
    : blocked_(instance_names.size()) {
  const duration run = expected_run(p);
  for (std::size_t i = 0; i < instance_names.size(); ++i) {
    for (const auto& m : p.maintenance) {
      if (std::find(m.instances.begin(), m.instances.end(), instance_names[i]) == m.instances.end()) continue;
      auto& cells = blocked_[i];
      if (cells.empty()) cells.assign(grid.cells, 0);
      for (std::uint32_t c = 0; c < grid.cells; ++c) {
        if (grid.at(c) < m.end && grid.at(c) + run > m.start) cells[c] = 1;
      }
      empty_ = false;
    }
  }
}

namespace {
// Jobs in flight at once -> starts per cell: jobs started within ceil(expected / step) consecutive cells may be
// in flight together.
std::uint32_t flight_cap_per_cell(std::size_t jobs_in_flight, const plan& p, const slot_grid& grid) {
  const std::int64_t overlap_cells =
      std::max<std::int64_t>(1, (p.expected_slot_duration.count() + grid.step.count() - 1) / grid.step.count());
  return static_cast<std::uint32_t>(
      std::max<std::int64_t>(1, static_cast<std::int64_t>(jobs_in_flight) / overlap_cells));
}

// What an instance queue works off in one cell: jobs_in_flight x step / job_duration (at least 1).
std::uint32_t queue_cap_per_cell(const instance_queue_spec& q, const slot_grid& grid) {
  const auto per_cell = static_cast<std::int64_t>(q.jobs_in_flight) * grid.step.count() / q.job_duration.count();
  return static_cast<std::uint32_t>(
      std::clamp<std::int64_t>(per_cell, 1, std::numeric_limits<std::uint32_t>::max() - 1));
}
}  // namespace

start_capacity::start_capacity(const plan& p, const slot_grid& grid, std::size_t instance_count) : cells_(grid.cells) {
  if (p.concurrency.max_jobs_in_flight) {
    global_cap_ = flight_cap_per_cell(*p.concurrency.max_jobs_in_flight, p, grid);
    global_count_.assign(cells_, 0);
  }
  if (p.concurrency.max_jobs_in_flight_per_instance) {
    instance_cap_ = flight_cap_per_cell(*p.concurrency.max_jobs_in_flight_per_instance, p, grid);
  }
  if (p.instance_queue) {
    const std::uint32_t q = queue_cap_per_cell(*p.instance_queue, grid);
    instance_cap_ = instance_cap_ ? std::min(*instance_cap_, q) : q;
  }
  instance_count_.resize(instance_cap_ ? instance_count : 0);
  would_be_.resize(instance_count);
}

std::vector<std::uint32_t>& start_capacity::per_instance(std::vector<std::vector<std::uint32_t>>& counts,
                                                         std::uint32_t instance) {
  auto& v = counts[instance];
  if (v.empty()) v.assign(cells_, 0);
  return v;
}

bool start_capacity::has_room(std::uint32_t instance, std::uint32_t cell) const {
  if (global_cap_ && global_count_[cell] >= *global_cap_) return false;
  if (!instance_cap_) return true;
  const auto& v = instance_count_[instance];
  return v.empty() || v[cell] < *instance_cap_;
}

bool start_capacity::open(std::uint32_t instance, std::uint32_t cell, const maintenance_cells& maint) const {
  if (!maint.blocked(instance, cell)) return has_room(instance, cell);
  constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();
  const std::uint32_t cap = std::min(global_cap_.value_or(none), instance_cap_.value_or(none));
  const auto& v = would_be_[instance];
  return v.empty() || v[cell] < cap;
}

placement start_capacity::place(std::uint32_t instance, std::span<const std::uint32_t> cal, std::uint32_t& cursor,
                                const maintenance_cells& maint) {
  const auto end = static_cast<std::uint32_t>(cal.size());
  while (cursor < end && !open(instance, cal[cursor], maint)) ++cursor;
  placement out{cursor, false};
  for (; out.pos < end; ++out.pos) {
    const std::uint32_t cell = cal[out.pos];
    if (!maint.blocked(instance, cell)) {
      if (has_room(instance, cell)) break;
    } else if (!out.moved && open(instance, cell, maint)) {
      ++per_instance(would_be_, instance)[cell];
      out.moved = true;
    }
  }
  if (out.pos == end) return out;
  const std::uint32_t cell = cal[out.pos];
  if (global_cap_) ++global_count_[cell];
  if (instance_cap_) ++per_instance(instance_count_, instance)[cell];
  return out;
}

}  // namespace pushsim::scheduler::detail
