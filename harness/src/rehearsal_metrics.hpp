#pragma once
// rehearsal_metrics: what a finished rehearsal measured. The platform's invariants (one job per org and request,
// never two at once, no double upgrade, no request left in Created) and the metrics of ../shared/DESIGN.md,
// computed from the platform's ground truth and the rollout's own record. Private to the harness.

#include <optional>
#include <string>
#include <vector>

#include "pushsim/harness/report.hpp"
#include "pushsim/harness/world.hpp"
#include "pushsim/scheduler/rollout.hpp"

namespace pushsim::harness::detail {

// The broken platform invariants, one message each (empty: none).
std::vector<std::string> check_platform_invariants(const world& w);

// A rollout that has run on the world.
struct finished_rollout {
  const world& w;
  const scheduler::plan& plan;
  scheduler::rollout& ro;  // its executor is released (take_report) while the metrics are computed
  bool ran_out = false;    // stopped at the simulated time limit
};

// Fills rep's metrics (every name of metric_names_template() except api_calls*, wall_s, events*, digest), its
// harmed orgs, blast-radius tables, timeline and waves; appends broken count invariants to violations.
void measure(finished_rollout run, rehearsal_report& rep, std::vector<std::string>& violations);

}  // namespace pushsim::harness::detail
