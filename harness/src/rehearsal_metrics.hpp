#pragma once
// rehearsal_metrics: what a finished rehearsal measured. The platform's invariants (one job per org and request,
// never two at once, no double upgrade, no request left in Created) and the metrics of ../shared/DESIGN.md,
// computed from the platform's ground truth and the rollout's own record. Private to the harness.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pushsim/harness/report.hpp"
#include "pushsim/harness/world.hpp"
#include "pushsim/scheduler/rollout.hpp"

namespace pushsim::harness::detail {

// The broken platform invariants, one message each (empty: none).
std::vector<std::string> check_platform_invariants(const world& w);

// What each org needed when the rollout began (for the deadline's cost).
enum class start_need : std::uint8_t {
  none,      // not installed, inactive, or already on the target or newer: nothing to miss
  blocked,   // needs the target but blocks push upgrades (left behind as "excluded")
  eligible,  // the platform would take a push of the target
};

// Per org (by org_index), what it needed at the start, judged by the platform's eligibility rules.
std::vector<start_need> needs_at_start(const world& w, mock_org::version_index target);

// A rollout that has run on the world.
struct finished_rollout {
  const world& w;
  const scheduler::plan& plan;
  scheduler::rollout& ro;                // its executor is released (take_report) while the metrics are computed
  bool ran_out = false;                  // stopped at the simulated time limit
  const std::vector<start_need>& needs;  // needs_at_start before the run
  mock_org::version_index target = 0;
  bool harmed_org_rows = true;  // fill rep.harmed_orgs (one row per failed or broken org)
};

// Fills rep's metrics (every name of metric_names_template() except api_calls*, wall_s, events*, digest), its
// harmed orgs (when run.harmed_org_rows), blast-radius tables, timeline and waves; appends broken count invariants to
// violations.
void measure(finished_rollout run, rehearsal_report& rep, std::vector<std::string>& violations);

}  // namespace pushsim::harness::detail
