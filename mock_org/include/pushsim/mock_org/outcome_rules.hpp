#pragma once
// outcome_rules: what happens when one org is upgraded to the target version, given the package's changes, the
// org's customizations and its state at that moment, plus platform noise. The rule table is documented in
// mock_org/OUTCOME_RULES.md; the `rule` enum below is that table, in evaluation order.
//
// Failures: the first failure rule that matches decides (job Failed, one PackagePushError, the org stays on its
// version). Otherwise every matching breakage rule is collected; the org upgrades (job Succeeded) but is broken,
// reported with the most severe cause (first in table order on ties).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pushsim/base/time.hpp"
#include "pushsim/mock_org/package.hpp"
#include "pushsim/mock_org/population.hpp"
#include "pushsim/sim/random.hpp"

namespace pushsim::mock_org {

// One row of the outcome table (OUTCOME_RULES.md). F* fail the job, B* break the org after a successful upgrade.
enum class rule : std::uint8_t {
  none,
  f_ineligible_at_run,          // F0 IneligibleUpgrade: org inactive/uninstalled/already on target when the job runs
  f_instance_maintenance,       // F1 UnclassifiedError: instance in its maintenance window
  f_always_fails,               // F2 UnclassifiedError: org in the long tail that fails every push
  f_feature_missing,            // F3 FeatureMissing: required_feature not enabled
  f_custom_field_limit,         // F4 LimitExceeded: new_custom_fields push the object over the edition limit
  f_type_change_validation,     // F5 DeployError: field_type_change x validation rule on the field
  f_type_change_trigger,        // F6 DeployError: field_type_change x Apex trigger on the field
  f_post_install_cpu,           // F7 PACError: post-install script exceeds its CPU budget on the org's data volume
  f_lock_conflict,              // F8 LockingFailure: row locks held by active users (probability grows with them)
  f_unclassified_noise,         // F9 UnclassifiedError: base platform noise rate
  b_type_change_flow,           // B1 automation_errors/high: field_type_change x flow on the field
  b_type_change_integration,    // B2 integration_stops/medium: field_type_change x integration on the object
  b_layout_removed_validation,  // B3 saves_fail/high: field removed from layouts x validation rule on the field
  b_layout_removed_flow,        // B4 automation_errors/low: field removed from layouts x flow on the field
  b_required_integration,       // B5 integration_stops/high: new required field x integration on the object
  b_required_trigger,           // B6 automation_errors/medium: new required field x trigger on the object
  b_picklist_automation,        // B7 automation_errors/medium: picklist value removed x validation rule or flow
  b_picklist_integration,       // B8 integration_stops/low: picklist value removed x integration on the object
  b_new_trigger_recursion,      // B9 automation_errors/medium (high over 1M records): new trigger x org trigger
  b_api_retired,                // B10 integration_stops/critical: API version retired x integration pinned <= it
};
inline constexpr std::size_t rule_count = 21;
// "F3", "B10", ... and a one-line description.
std::string_view rule_code(rule r);
std::string_view rule_description(rule r);

// Platform noise and cost parameters (scenario "noise" section; defaults are the documented practice).
struct noise_config {
  double unclassified_rate = 0.02;          // F9 per job (published practice: 2-5% per push, never 0)
  double lock_base_rate = 0.002;            // F8 at zero active users
  double lock_rate_per_active_user = 2e-5;  // F8 added per active user at job start
  double lock_rate_max = 0.25;
  bool maintenance_fails_jobs = true;       // F1
  double post_install_cpu_budget_s = 60.0;  // F7 budget of a post-install script
  // Job duration = base x lognormal(0, sigma) + records x per_record + post-install cost; failures before the
  // deploy (F0-F4) take `early_failure_share` of it.
  double base_duration_s = 40.0;
  double duration_sigma = 0.35;
  double per_record_us = 3.0;
  double early_failure_share = 0.1;
};

// What one upgrade attempt did.
struct outcome {
  enum class kind : std::uint8_t { succeeded, failed, broken };
  kind result = kind::succeeded;
  error_type error = error_type::unclassified_error;  // when failed
  rule decided_by = rule::none;                       // the failure rule, or the reported breakage rule
  std::uint16_t subject = no_index;                   // field/object/feature/api version the rule is about
  break_cause cause = break_cause::none;              // when broken
  mock_org::severity sev = severity::none;
  std::uint8_t breakages = 0;      // matching breakage rules (>= 1 when broken)
  std::uint32_t active_users = 0;  // active in the org when the upgrade started
  duration run_time{0};
};

class outcome_rules {
 public:
  // Rules for upgrades to `target` of `pkg`.
  outcome_rules(const package& pkg, version_index target, noise_config noise);

  // Evaluates an upgrade of org i starting at `start`, with `active_users` active then. Draws from r.
  outcome evaluate(const population& pop, org_index i, time_point start, std::uint32_t active_users, sim::rng& r) const;

  // Title and message of the PackagePushError a failure rule produces (subject as in outcome::subject).
  std::string error_title(rule rl) const;
  std::string error_message(const population& pop, org_index i, rule rl, std::uint16_t subject) const;
  // A sentence describing a breakage (for reports and telemetry).
  std::string breakage_message(rule rl, std::uint16_t subject) const;
  static error_type error_of(rule rl);
  static break_cause cause_of(rule rl);

  version_index target() const { return target_; }
  const noise_config& noise() const { return noise_; }

 private:
  const package& pkg_;
  version_index target_;
  noise_config noise_;
  std::vector<std::vector<const change*>> changes_from_;  // [from version or versions.size() for not installed]
  std::vector<std::uint16_t> managed_fields_per_object_;
};

}  // namespace pushsim::mock_org
