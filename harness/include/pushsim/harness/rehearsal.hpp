#pragma once
// rehearsal: one scenario run end to end on simulated time. The real scheduling core (scheduler::rollout:
// subscriber query -> planner -> executor) talks to the mock platform through the in-process transport, which
// carries the same REST messages as the socket path (scheduler/rest encodes, mock_org/api's handle() answers,
// scheduler/rest decodes), with the simulated API latency the handler reports. At the end the harness checks
// invariants against the platform's ground truth, computes the metrics of ../shared/DESIGN.md and fills a
// rehearsal_report.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pushsim/base/redactor.hpp"
#include "pushsim/harness/report.hpp"
#include "pushsim/harness/scenario.hpp"

namespace pushsim::harness {

struct world;

struct rehearsal_options {
  std::string reproduce_command;  // printed in reports and on assertion failures
  // Called now and then with (orgs finished, orgs planned, sim time) for a progress bar; may be empty.
  std::function<void(std::uint64_t, std::uint64_t, time_point)> progress;
  // Hard stop for runaway scenarios: simulated time after the scenario start.
  duration sim_time_max = std::chrono::days(120);
  bool schedule_csv = false;  // render the planned rollout as a schedule CSV (rehearsal_result::schedule_csv)
  // --redact: org keys and names in the report, the schedule CSV and the violation texts become pseudonyms (the
  // metrics and the digest are those of the unredacted run). Null: real keys and names.
  const redactor* redact = nullptr;
  // Called once with the world after the run (its ground truth final), before the world goes; may be empty.
  std::function<void(const world&)> inspect;
  // Fill the report's harmed_orgs (one row per failed or broken org: what render_csv writes). Off, the counts and
  // blast-radius tables are the same and a 1M-org run does not hold ~200 MB of rows at its end.
  bool harmed_org_rows = true;
};

struct rehearsal_result {
  std::optional<rehearsal_report> report;         // absent when the input was bad
  std::vector<input_error> errors;                // bad input (exit 2)
  std::vector<std::string> invariant_violations;  // broken invariants (a bug: exit 1 and say so)
  std::string schedule_csv;  // with options.schedule_csv: one row per planned org (scheduler/schedule_csv.hpp)
};

// Runs a parsed scenario. Never throws on bad input: errors found only once the world exists (a target version
// missing from the package) come back in the result.
rehearsal_result run_rehearsal(const scenario& s, const rehearsal_options& options);

// The metric names a run reports (for validating `expect` before running).
const nlohmann::json& metric_names_template();

}  // namespace pushsim::harness
