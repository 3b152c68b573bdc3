#pragma once
// The rollout plan: what to push (target version), to whom and in which order (waves), when it is allowed
// (local quiet hours, avoided days, fiscal quarter ends, freezes), how fast (concurrency, API budget), when to
// stop (gates), how to retry and by when to finish. Parsed from the JSON plan file documented in
// scheduler/PLAN_FORMAT.md (schema: scenarios/schema/plan.schema.json). Bad input is returned as a list of
// errors, each naming the JSON pointer and what was expected; parsing never throws.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pushsim/base/input_error.hpp"
#include "pushsim/base/time.hpp"
#include "pushsim/scheduler/api_call.hpp"  // job_creation_mode
#include "pushsim/scheduler/types.hpp"

namespace pushsim::scheduler {

// The package version to push: its MetadataPackageVersion id (04t..., 15 or 18 characters) and/or its number.
// Without a number, "already on the target or newer" is judged by the installed version id only.
struct target_spec {
  std::string package_version_id;
  std::optional<package_version> version;
};

// How a wave picks its orgs from those matching its selector.
enum class selection_strategy : std::uint8_t {
  random,          // uniform sample (seeded)
  by_instance,     // whole instances (pods) in a seeded order, so a pod-level problem shows on few pods
  representative,  // cover the customization feature space (see canary.hpp)
};

// Which eligible, not yet assigned orgs a wave may take. Empty lists mean "any".
struct wave_selector {
  std::vector<org_type> org_types;
  std::vector<org_status> org_statuses;
  std::vector<std::string> instances;  // InstanceName, exact
  // Explicit org list (15-character keys) from "orgs" and/or "org_file"; used when has_org_list.
  std::vector<std::string> org_keys;
  bool has_org_list = false;
  std::string org_file;  // as written in the plan (relative to the plan file's folder)
  // Share of the remaining matching orgs, in percent (0, 100]; all of them when empty. Rounded up.
  std::optional<double> share_percent;
  std::optional<std::size_t> max_orgs;  // cap on the wave's size
};

// Conditions that halt the rollout (checked by the executor after each slot and wave). Unset = not checked.
struct gate_spec {
  std::optional<double> max_failure_rate;         // failed jobs / finished jobs, in [0, 1]
  std::optional<std::size_t> max_failed_orgs;     // absolute count of failed orgs
  std::optional<std::size_t> max_broken_signals;  // broken-org signals from the partner's telemetry
  bool halt_on_new_error_type = false;            // halt on an ErrorType not seen in earlier waves
  std::size_t min_samples = 0;                    // finished jobs needed before a rate is judged
};

// What a tripped gate does: halt the rollout (every slot not started is not pushed), or pause it for a review of
// stated length and then continue, the evidence seen so far accepted (a gate trips again only on new evidence).
struct gate_action {
  enum class kind : std::uint8_t { halt, pause };
  kind what = kind::halt;
  duration review{0};  // pause: how long nothing new starts
};
// "halt" or "pause:<duration>" ("pause:4h", "pause:30m"); nullopt for anything else.
std::optional<gate_action> parse_gate_action(std::string_view text);
// "halt" or "pause:4h" (the text parse_gate_action reads).
std::string to_string(const gate_action& a);

// What missing the deadline costs. soft: nothing beyond lateness (a bare instant in the plan); api_retirement: the
// API the old versions use is retired at the deadline, so orgs still on them stop working; compliance: orgs not
// upgraded by the deadline are out of compliance from then on.
enum class deadline_kind : std::uint8_t { soft, api_retirement, compliance };
// "soft", "api_retirement", "compliance".
std::string_view to_string(deadline_kind k);

// One stage of the rollout.
struct wave_spec {
  std::string name;
  wave_selector select;
  selection_strategy strategy = selection_strategy::random;
  duration bake{0};                // wait after the wave's last slot finished before the next wave starts
  std::optional<gate_spec> gates;  // overrides plan::gates for this wave
  // Follow the sun: this wave and the next run region by region (Americas, EMEA, APAC by UTC offset, see
  // planner.hpp). The wave's orgs are chosen per region (its size split across the regions in proportion to
  // their matching orgs, the strategy applied within each region), and a region's orgs in the next wave may
  // start once this wave's orgs in that region have finished and baked and the gates hold, instead of waiting
  // for this wave everywhere. A halt still stops everything not yet started, in every region.
  bool follow_the_sun = false;
};

// A local wall-clock range [start, end) in minutes of the day; wraps past midnight when end <= start
// (22:00-05:00). Start is never equal to end.
struct clock_range {
  int start_min = 0;
  int end_min = 0;
};

// A UTC period in which nothing starts: [start, end).
struct freeze_period {
  time_point start;
  time_point end;
  std::string reason;
};

// When an org may be pushed. A start instant t is allowed for an org iff (in the org's zone, DST included)
// its local time of day lies in one of quiet_hours (or quiet_hours is empty), its local date is not an avoided
// weekday or date, not within the last quarter_end_business_days business days (Mon-Fri) of the org's fiscal
// quarter (through the quarter's last day), and t is in no freeze period.
struct window_spec {
  std::vector<clock_range> quiet_hours;
  std::uint8_t avoid_weekdays_mask = 0;            // bit d set: avoid weekday d (0 = Sunday ... 6 = Saturday)
  std::vector<std::chrono::sys_days> avoid_dates;  // local calendar dates
  int quarter_end_business_days = 0;
  std::vector<freeze_period> freezes;
  std::string default_time_zone = "UTC";  // for orgs with neither a profile zone nor a known instance region
  std::vector<std::pair<std::string, std::string>> instance_time_zones;  // InstanceName -> IANA zone overrides
};

// Limits on parallel work.
struct concurrency_spec {
  std::size_t orgs_per_request = 2000;                         // orgs in one PackagePushRequest (a slot is split above)
  std::optional<std::size_t> max_jobs_in_flight;               // none: no cap
  std::optional<std::size_t> max_jobs_in_flight_per_instance;  // none: no cap
};

// Salesforce daily API request allowance for the packaging org.
struct api_budget_spec {
  std::optional<std::uint64_t> calls_per_24h;  // none: use what /limits reports
  std::uint64_t reserve_calls = 0;             // never spent by the rollout
};

// Retrying transient failures (of calls and of jobs).
struct retry_spec {
  std::vector<std::string> transient_error_types = {"UnclassifiedError", "LockingFailure"};
  int max_attempts = 3;  // including the first
  duration initial_backoff = std::chrono::seconds{30};
  duration max_backoff = std::chrono::minutes{30};
  double backoff_multiplier = 2.0;
  double jitter = 0.2;  // fraction of the delay drawn at random, in [0, 1]
};

// How PackagePushJobs are created.
struct job_creation_spec {
  job_creation_mode mode = job_creation_mode::composite_tree;
  std::size_t batch_size = 200;  // jobs per call, 1..200
};

// The whole plan file, typed.
// One published maintenance of Salesforce instances (as trust.salesforce.com lists it: instanceKeys,
// plannedStartTime, plannedEndTime): jobs on these instances should not run in [start, end).
struct maintenance_window {
  std::vector<std::string> instances;  // InstanceName values, e.g. "NA142"
  time_point start;
  time_point end;
};

// How fast Salesforce works through one instance's queue of push jobs, as a partner reads it off past pushes
// (PackagePushJob StartTime/EndTime per InstanceName): jobs an instance runs at once and the mean job duration.
// An instance then starts about jobs_in_flight / job_duration jobs per second.
struct instance_queue_spec {
  std::size_t jobs_in_flight = 1;  // jobs InProgress at once on one instance, at least 1
  duration job_duration{0};        // mean run time of one job, positive
};

struct plan {
  std::string name;
  target_spec target;
  time_point start;                                            // no slot before this
  std::optional<time_point> deadline;                          // every slot starts before this
  deadline_kind deadline_cost = deadline_kind::soft;           // what missing the deadline costs (with a deadline only)
  std::uint64_t seed = 1;                                      // for random selection
  duration slot_granularity = std::chrono::minutes{15};        // slot starts are plan start + k * granularity
  duration expected_slot_duration = std::chrono::minutes{30};  // planning estimate for one request to finish
  duration poll_interval = std::chrono::seconds{60};           // for the API-calls estimate
  window_spec windows;
  concurrency_spec concurrency;
  api_budget_spec api_budget;
  retry_spec retry;
  job_creation_spec job_creation;
  gate_spec gates;
  gate_action on_gate_trip;  // "gate_action" in the file; halt by default
  std::vector<wave_spec> waves;
  // "maintenance": the planner gives no org a start whose expected run [start, start + expected_slot_duration)
  // overlaps a maintenance of its instance. Empty: maintenance is not planned around.
  std::vector<maintenance_window> maintenance;
  // "instance_queue": the planner gives an instance no more starts per slot cell than it works off in that
  // cell, so planned starts are when jobs really run; a job's expected run is then
  // [start, start + max(expected_slot_duration, slot_granularity + job_duration)). Empty: starts are not
  // spread by instance (only the concurrency caps do that).
  std::optional<instance_queue_spec> instance_queue;
};

// The horizon searched for slots when the plan has no deadline.
inline constexpr duration default_horizon = std::chrono::days{90};

// One problem in a plan file: the file, the JSON pointer ("/waves/1/share_percent", "" for the document) and
// what was expected.
using plan_error = input_error;

struct plan_parse_options {
  std::optional<time_point> now;            // "deadline in the past" is judged against max(now, start)
  std::string base_dir;                     // folder that relative org_file paths are read from
  std::string file;                         // names the input in errors (load_plan_file: the path)
  std::optional<time_point> default_start;  // the plan's start when it has none (a scenario's start)
};

// The plan, or every error found (not only the first).
struct plan_parse_result {
  std::optional<plan> value;
  std::vector<plan_error> errors;
  explicit operator bool() const { return value.has_value(); }
  // All errors, one per line.
  std::string error_text() const;
};

// Parses and validates a plan given as JSON text.
plan_parse_result parse_plan(std::string_view json_text, const plan_parse_options& options = {});
// Reads the file and parses it; base_dir defaults to the file's folder.
plan_parse_result load_plan_file(const std::string& path, plan_parse_options options = {});

}  // namespace pushsim::scheduler
