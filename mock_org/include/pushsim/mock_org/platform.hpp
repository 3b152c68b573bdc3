#pragma once
// platform: the Salesforce push-upgrade platform as a typed, in-process state machine on sim time.
// It enforces Salesforce's rules (see ../shared/DESIGN.md) and is what mock_org/api turns into REST/SOQL.
//
// Rows and ids (the sequence number inside each id is the row's index + 1, so lookups by id are O(1)):
//   MetadataPackage         033  package_id_string()           one package
//   MetadataPackageVersion  04t  version_id_string(v)          one per package version
//   PackageSubscriber       0Hf  subscriber_id_string(org)     one per org of the population
//   PackagePushRequest      0DV  request_id_string(id)
//   PackagePushJob          0DX  job_id_string(id)
//   PackagePushError        0DY  error_id_string(id)
//
// Lifecycle. create_request -> Created. add_job (Created only) checks the org and answers per org: a job id, or
// an error (INVALID_ID_FIELD malformed key, INVALID_CROSS_REFERENCE_KEY unknown org, DUPLICATE_VALUE org already
// in this request, FIELD_INTEGRITY_EXCEPTION ineligible with the reason). set_request_status: Created -> Pending
// (schedules the pick-up at max(now, ScheduledStartTime) + a pick-up delay), Created|Pending -> Canceled (jobs
// Canceled); anything else INVALID_OPERATION. At pick-up the request goes InProgress, its jobs queue on their
// org's instance and run at most `concurrency_per_instance` at a time per instance. A job ends Succeeded or
// Failed (with PackagePushError rows). The request ends when its last job does: Succeeded if no job failed,
// else Failed; a request with no jobs ends Succeeded at pick-up.
//
// No heap allocation per job on the hot path: rows live in vectors, events capture {this, index}. The platform
// schedules events that point at it: do not run the simulation after destroying the platform.
// All randomness comes from the "platform" and "telemetry" streams of the seed, so a run is reproducible.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pushsim/base/time.hpp"
#include "pushsim/mock_org/ground_truth.hpp"
#include "pushsim/mock_org/outcome_rules.hpp"
#include "pushsim/mock_org/package.hpp"
#include "pushsim/mock_org/population.hpp"
#include "pushsim/mock_org/telemetry.hpp"
#include "pushsim/sim/random.hpp"
#include "pushsim/sim/simulation.hpp"

namespace pushsim::mock_org {

// Salesforce-style error codes the platform returns (the REST layer maps them to HTTP statuses).
enum class api_error_code : std::uint8_t {
  invalid_cross_reference_key,
  invalid_id_field,
  invalid_operation,
  duplicate_value,
  field_integrity_exception,
  required_field_missing,
};
// "INVALID_CROSS_REFERENCE_KEY", ...
std::string_view to_string(api_error_code c);

// Why add_job refused an org as ineligible.
enum class ineligibility : std::uint8_t {
  none,
  org_inactive,
  package_not_installed,
  same_or_newer_version,
  beta_target,
  push_blocked
};

// The message of a push job refused because the org cannot take `version` (the text after "The organization
// <org_key> isn't eligible for this push upgrade"); the same words on every endpoint that creates jobs.
std::string ineligible_org_message(ineligibility why, std::string_view org_key, std::string_view version);

// The message of a push request refused because its version is a beta or deprecated.
std::string unpushable_version_message(const package_version& v);

// The message of a push job refused because its org already has a job in the request: `existing` is that job's
// id, or empty when the other job is in the same batch and has no id yet.
std::string duplicate_job_message(std::string_view existing);

// An expected failure of a platform call: Salesforce's errorCode, message and fields.
struct api_error {
  api_error_code code = api_error_code::invalid_operation;
  std::string message;
  std::vector<std::string> fields;
  ineligibility reason = ineligibility::none;
};

// A value or an api_error.
template <class T>
struct api_result {
  std::optional<T> value;
  api_error error;
  explicit operator bool() const { return value.has_value(); }
};
struct api_ok {};

using request_id = std::uint32_t;  // 1-based sequence
using job_id = std::uint32_t;
using error_id = std::uint32_t;

struct platform_config {
  std::uint32_t concurrency_per_instance = 250;  // jobs InProgress at once per instance
  duration pickup_delay_min = std::chrono::seconds(20);
  duration pickup_delay_max = std::chrono::seconds(180);
  noise_config noise;
  telemetry_config telemetry;
};

// PackagePushRequest.
struct push_request_row {
  request_id id = 0;
  version_index version = 0;
  push_status status = push_status::created;
  bool has_scheduled_start = false;
  time_point scheduled_start{};  // ScheduledStartTime (when has_scheduled_start)
  time_point created{};
  time_point start{};  // StartTime: valid when status is InProgress or later (not Canceled before start)
  time_point end{};    // EndTime: valid when terminal
  bool started = false;
  bool ended = false;
  std::uint32_t jobs_left = 0;  // not yet terminal (internal)
  std::uint32_t jobs_failed = 0;
  // Jobs of this request by Status (indexed by push_status), kept as jobs move: a status count answers from it.
  std::array<std::uint32_t, 6> job_counts{};
  sim::event_handle pickup;
  // DurationSeconds, when ended and started.
  std::optional<std::int64_t> duration_s() const;
};

// PackagePushJob.
struct push_job_row {
  job_id id = 0;
  request_id request = 0;
  org_index org = no_org;
  push_status status = push_status::created;
  bool started = false;
  bool ended = false;
  std::uint8_t error_count = 0;
  time_point start{};
  time_point end{};
  error_id first_error = 0;  // 0: none
  job_id next_of_org = 0;    // previous job of the same org (a chain per org, for DUPLICATE_VALUE checks)
  // (Fields ordered for size: 40 bytes a job, 1.5M jobs at 1M orgs.)
  std::optional<std::int64_t> duration_s() const;
};

// PackagePushError (read-only; ErrorSeverity is always "Error").
struct push_error_row {
  error_id id = 0;
  job_id job = 0;
  error_type type = error_type::unclassified_error;
  rule decided_by = rule::none;
  std::uint16_t subject = no_index;
};

// PackageSubscriber, one per org (InstalledStatus "i" when a version is installed, "u" otherwise).
struct subscriber_row {
  org_index org = no_org;
  std::string id;                          // 0Hf...
  org_key key;                             // OrgKey (15 characters; org_key::str18() for 18)
  std::string name;                        // OrgName
  org_type type = org_type::production;    // OrgType
  org_status status = org_status::active;  // OrgStatus
  std::string_view instance;               // InstanceName
  std::optional<org_key> parent;           // ParentOrg
  bool installed = false;                  // InstalledStatus
  version_index version = not_installed;   // MetadataPackageVersionId (version_id_string)
};

class platform {
 public:
  platform(sim::simulation& sim, population& orgs, const package& pkg, platform_config config, std::uint64_t seed);
  ~platform();
  platform(const platform&) = delete;
  platform& operator=(const platform&) = delete;

  sim::simulation& simulation() { return sim_; }
  const package& pkg() const { return pkg_; }
  const population& orgs() const { return orgs_; }
  const platform_config& config() const { return config_; }

  // ---- ids ----
  std::string package_id_string() const;
  std::string version_id_string(version_index v) const;
  std::string subscriber_id_string(org_index i) const;
  static std::string request_id_string(request_id id);
  static std::string job_id_string(job_id id);
  static std::string error_id_string(error_id id);
  std::optional<version_index> find_version(std::string_view id) const;
  std::optional<request_id> find_request(std::string_view id) const;
  std::optional<job_id> find_job(std::string_view id) const;
  std::optional<error_id> find_error(std::string_view id) const;
  std::optional<org_index> find_subscriber(std::string_view id) const;
  // An org by its 15- or 18-character key.
  std::optional<org_index> find_org(std::string_view org_key) const;

  // PackageSubscriber row of an org (i < orgs().size()).
  subscriber_row subscriber(org_index i) const;

  // ---- writes ----
  // New PackagePushRequest for a version (must exist, be Released and not deprecated). A scheduled start in the
  // past means "as soon as possible".
  api_result<request_id> create_request(version_index version, std::optional<time_point> scheduled_start);
  api_result<request_id> create_request(std::string_view version_id, std::optional<time_point> scheduled_start);
  // New PackagePushJob for one org in a Created request.
  api_result<job_id> add_job(request_id request, std::string_view org_key);
  // The same for an org of the population already looked up (the REST layer's composite calls).
  api_result<job_id> add_job(request_id request, org_index org);
  // PATCH Status: Pending or Canceled, with the rules above.
  api_result<api_ok> set_request_status(request_id request, push_status status);
  // Why an org could not take `version` now (ineligibility::none if it can).
  ineligibility check_eligibility(org_index i, version_index version) const;

  // Salesforce retires an API version at `at`: every org still on a version older than `first_version_off` (the
  // first version that no longer calls it) then has its package integration stop, unless it is inactive. Recorded
  // in its ground truth (integration_stopped_us) and reported to telemetry as a critical integration_stops
  // breakage, as any other breakage is. Call before the simulation reaches `at`.
  void retire_api_at(time_point at, version_index first_version_off);

  // ---- reads ----
  std::span<const push_request_row> requests() const { return requests_; }
  std::span<const push_job_row> jobs() const { return jobs_; }
  std::span<const push_error_row> errors() const { return errors_; }
  const push_request_row& request(request_id id) const { return requests_[id - 1]; }
  const push_job_row& job(job_id id) const { return jobs_[id - 1]; }
  const push_error_row& error(error_id id) const { return errors_[id - 1]; }
  // Jobs of a request, in creation order.
  std::span<const job_id> jobs_of(request_id id) const { return request_jobs_[id - 1]; }
  // The org's most recent job (0: none); job(id).next_of_org walks back through its earlier ones.
  job_id last_job_of(org_index org) const { return last_job_of_org_[org]; }
  // The org's job in this request, if it has one (walks the org's own job chain: O(jobs of the org)).
  std::optional<job_id> job_in_request(request_id id, org_index org) const;
  // Errors of a job.
  std::span<const push_error_row> errors_of(job_id id) const;
  // ErrorTitle / ErrorMessage / ErrorDetails of an error row.
  std::string error_title(const push_error_row& e) const;
  std::string error_message(const push_error_row& e) const;
  std::string error_details(const push_error_row& e) const;

  // ---- what really happened ----
  const ground_truth& truth() const { return truth_; }
  const telemetry& feed() const { return telemetry_; }
  telemetry& feed() { return telemetry_; }
  // Jobs that reached a terminal status (Succeeded, Failed or Canceled).
  std::uint64_t jobs_finished() const { return jobs_finished_; }
  // Jobs InProgress right now.
  std::uint64_t jobs_running() const { return jobs_running_; }
  // Fingerprint of every job outcome in order (also folded into the simulation's digest).
  std::uint64_t outcome_digest() const { return outcome_digest_; }
  // The rules for upgrades to version v (built on first use).
  const outcome_rules& rules_for(version_index v);

  // Heap bytes held by rows and queues (not the population).
  std::size_t memory_bytes() const;

 private:
  // Why no job may be added to this request (unknown, or no longer Created), or nullopt.
  std::optional<api_error> job_request_error(request_id request) const;
  // add_job after the request and the org have been checked: duplicates, eligibility, the job.
  api_result<job_id> add_job_to_open_request(request_id request, org_index org);

  struct instance_queue {
    std::vector<job_id> waiting;
    std::size_t head = 0;
    std::uint32_t running = 0;
  };
  void pickup(request_id id);
  void start_ready(instance_index inst);
  void start_job(job_id id);
  // Ends a running job with the outcome decided when it started.
  void end_job(job_id id, const outcome& o);
  // Moves a job to status s, keeping its request's job_counts.
  void set_job_status(push_job_row& j, push_status s);
  void finish_request(push_request_row& r);
  void stop_integrations(version_index first_version_off);

  sim::simulation& sim_;
  population& orgs_;
  const package& pkg_;
  platform_config config_;
  sim::rng rng_;
  std::vector<push_request_row> requests_;
  std::vector<std::vector<job_id>> request_jobs_;
  std::vector<push_job_row> jobs_;
  std::vector<push_error_row> errors_;
  std::vector<job_id> last_job_of_org_;  // head of each org's job chain (0: none)
  std::vector<instance_queue> queues_;
  std::vector<std::unique_ptr<outcome_rules>> rules_;
  std::vector<std::string> version_ids_;  // version_id_string of each package version, made once
  ground_truth truth_;
  telemetry telemetry_;
  std::uint64_t jobs_finished_ = 0;
  std::uint64_t jobs_running_ = 0;
  std::uint64_t outcome_digest_ = 0x6A09'E667'F3BC'C908ull;
};

}  // namespace pushsim::mock_org
