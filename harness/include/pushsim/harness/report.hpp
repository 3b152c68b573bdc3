#pragma once
// rehearsal_report: everything a finished rehearsal tells, and the writers that turn it into the terminal
// summary, JSON (all metrics), CSV (failed and broken orgs), JUnit (one testcase per expectation) and a
// self-contained HTML page. The writers only render text; commands write it with pushsim/base/output_file.hpp.

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pushsim/base/time.hpp"
#include "pushsim/harness/expectations.hpp"

namespace pushsim::harness {

// One hour of the rollout timeline.
struct hourly_bucket {
  time_point hour;  // start of the hour, UTC
  int upgrades = 0;
  int failures = 0;
  int breakage_signals = 0;  // broken orgs that the partner's telemetry reported in this hour
};

// One wave of the plan, as it ran.
struct wave_row {
  int wave = 0;
  std::string name;
  int orgs_planned = 0;
  int orgs_upgraded = 0;
  int orgs_failed = 0;
  int orgs_broken = 0;
  int orgs_not_pushed = 0;
  std::optional<time_point> first_start;
  std::optional<time_point> last_end;
  std::string gate;  // "passed", "halted: <reason>", "not reached"
};

// A failed or broken org, with CumulusCI's push failure report columns plus Broken and Cause.
struct org_row {
  std::string organization_id, org_name, org_type, org_status, instance_name;
  std::string error_severity, error_title, error_type, error_message;
  bool broken = false;
  std::string cause;
};

struct rehearsal_report {
  std::string scenario_name;
  std::string description;
  std::string scenario_file;
  std::uint64_t seed = 0;
  std::string reproduce_command;                      // e.g. "pushsim run scenarios/x.json --seed 7"
  nlohmann::json metrics = nlohmann::json::object();  // names as in ../shared/DESIGN.md
  std::vector<hourly_bucket> timeline;
  std::vector<std::pair<int, time_point>> wave_starts;
  std::optional<time_point> halt_time;
  std::optional<time_point> deadline;  // the plan's
  std::string deadline_kind = "soft";  // what missing it costs: "soft", "api_retirement", "compliance"
  // Harmed orgs by cause ("failed: DeployError", "broken: automation_errors", and for the harm of not pushing
  // "integration stopped: API retirement" or "out of compliance"): the counts add up to blast_radius_orgs.
  std::map<std::string, int> blast_by_cause;
  // Customization feature -> harmed orgs having it (harmed by pushing or by not pushing).
  std::map<std::string, int> blast_by_customization;
  std::vector<wave_row> waves;
  std::vector<org_row> harmed_orgs;
  std::vector<expectation_result> expectations;
  // Planned orgs whose expected run meets their instance's maintenance window (as the platform applies it).
  std::size_t jobs_planned_in_maintenance = 0;
  // Planned orgs the planner moved out of a maintenance window of the plan's "maintenance" table.
  std::size_t jobs_moved_out_of_maintenance = 0;

  bool expectations_passed() const;
};

std::string render_json(const rehearsal_report& r);
std::string render_csv(const rehearsal_report& r);
std::string render_junit(const rehearsal_report& r);
std::string render_html(const rehearsal_report& r);
// The one line on both sides of the deadline ("halting spared 59 orgs the defect and left 915 to break at the API
// retirement on 2027-01-25"), or empty when the plan has no deadline and nothing was left behind.
std::string deadline_sentence(const rehearsal_report& r);
// The partner-readable summary: what broke, for whom, when it was noticed, what the gates did, how long, API use.
void print_summary(std::ostream& out, const rehearsal_report& r);

}  // namespace pushsim::harness
