#pragma once
// telemetry: the partner's own monitoring (error reports, support cases), not a Salesforce object. A broken org
// shows up here some time after its upgrade: users hit the breakage at a rate proportional to how many are
// active, so a break pushed at 3 a.m. local is seen later than one pushed at noon.
//
// Model: signals arrive as a Poisson process with rate active_users(t) x per_user_hour[severity] + floor[cause]
// per hour (integrations fail whether or not anyone is logged in); the first arrival, plus a triage latency, is
// the signal time. Evaluated in one-hour steps (the rate at each step's middle), up to `horizon`. Signals are appended
// to the feed as sim time reaches them (events on the simulation), so a reader polling the feed sees only what is known
// "now".

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "pushsim/base/time.hpp"
#include "pushsim/mock_org/population.hpp"
#include "pushsim/sim/random.hpp"
#include "pushsim/sim/simulation.hpp"

namespace pushsim::mock_org {

struct telemetry_config {
  // Reports per active user-hour, by severity (none, low, medium, high, critical).
  std::array<double, 5> per_user_hour{0.0, 0.002, 0.01, 0.05, 0.2};
  // Reports per hour regardless of users, by cause (none, saves_fail, automation_errors, integration_stops).
  std::array<double, 4> floor_per_hour{0.0, 0.0, 0.01, 0.1};
  double triage_latency_s = 600.0;
  double horizon_s = 30.0 * 86400.0;
};

// One breakage becoming visible to the partner.
struct telemetry_signal {
  time_point at;         // when it became visible
  time_point broken_at;  // when the upgrade that broke the org ended
  org_index org = no_org;
  break_cause cause = break_cause::none;
  mock_org::severity sev = severity::none;
};

class telemetry {
 public:
  telemetry(sim::simulation& sim, const population& pop, telemetry_config config, std::uint64_t seed);

  // Records that org i broke at sim.now(); schedules its signal. Returns the signal time, or nullopt if the
  // breakage would not be noticed within the horizon.
  std::optional<time_point> report_breakage(org_index i, break_cause cause, mock_org::severity sev);
  // Delay until first signal for a breakage at `at` (pure given r; used by report_breakage and tests).
  std::optional<duration> detection_delay(org_index i, time_point at, break_cause cause, mock_org::severity sev,
                                          sim::rng& r) const;

  // Signals visible so far, in the order they appeared.
  const std::vector<telemetry_signal>& feed() const { return feed_; }
  // Called for each signal as it appears (optional).
  void on_signal(std::function<void(const telemetry_signal&)> fn) { on_signal_ = std::move(fn); }
  const telemetry_config& config() const { return config_; }
  // Breakages whose signal is scheduled but not yet visible.
  std::size_t pending() const { return pending_.size() - pending_free_.size(); }

 private:
  void appear(std::uint32_t slot);
  sim::simulation& sim_;
  const population& pop_;
  telemetry_config config_;
  sim::rng rng_;
  std::vector<telemetry_signal> feed_;
  std::vector<telemetry_signal> pending_;
  std::vector<std::uint32_t> pending_free_;
  std::function<void(const telemetry_signal&)> on_signal_;
};

}  // namespace pushsim::mock_org
