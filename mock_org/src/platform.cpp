#include "pushsim/mock_org/platform.hpp"

#include <array>

#include "pushsim/base/assert.hpp"
#include "pushsim/mock_org/salesforce_id.hpp"

namespace pushsim::mock_org {
namespace {
constexpr sim::event_kind kind_pickup = 0x4D4F'0001u;
constexpr sim::event_kind kind_job_end = 0x4D4F'0002u;
constexpr sim::event_kind kind_api_retired = 0x4D4F'0004u;

std::optional<std::int64_t> duration_between(bool started, bool ended, time_point a, time_point b) {
  if (!started || !ended) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::seconds>(b - a).count();
}

api_error make_error(api_error_code code, std::string message, std::string field = {},
                     ineligibility reason = ineligibility::none) {
  api_error e{code, std::move(message), {}, reason};
  if (!field.empty()) e.fields.push_back(std::move(field));
  return e;
}
}  // namespace

std::string_view to_string(api_error_code c) {
  static constexpr std::array<std::string_view, 6> names{"INVALID_CROSS_REFERENCE_KEY", "INVALID_ID_FIELD",
                                                         "INVALID_OPERATION",           "DUPLICATE_VALUE",
                                                         "FIELD_INTEGRITY_EXCEPTION",   "REQUIRED_FIELD_MISSING"};
  return names[static_cast<std::size_t>(c)];
}

// Salesforce does not publish the text of each push-job refusal; these messages keep the words of its push
// upgrade documentation, so a partner's script that matches them reads what it would read in the docs:
// - eligibility: "Schedule a Push Upgrade Using CLI" and `sf package push-upgrade schedule` (developer.salesforce.com
//   /docs/atlas.en-us.pkg2_dev.meta/pkg2_dev/push_upgrade_cli.htm): every listed org "must have a package version
//   installed ... that is lower than the package version you specified"; PackageSubscriber.OrgStatus (Inactive);
//   PushUpgradeCustomization.CustomUpgradeType "BlockedBySubscriber" (object reference,
//   sforce_api_objects_pushupgradecustomization.htm);
// - beta: PackagePushRequest.PackageVersionId, "the non-beta, non-deprecated package version that the package is
//   being upgraded to" (object reference, sforce_api_objects_packagepushrequest.htm);
// - duplicate: the platform's DUPLICATE_VALUE text, "duplicate value found: <field> duplicates value on record with
//   id: <id>" (Salesforce Help, knowledge article 000383480), with "<unknown>" for a record of the same batch.
std::string ineligible_org_message(ineligibility why, std::string_view org_key, std::string_view version) {
  std::string head = "The organization " + std::string(org_key) + " isn't eligible for this push upgrade: ";
  const std::string v(version);
  switch (why) {
    case ineligibility::org_inactive: return head + "its OrgStatus is Inactive.";
    case ineligibility::package_not_installed: return head + "the package isn't installed in it.";
    case ineligibility::same_or_newer_version:
      return head + "it must have a package version installed that is lower than " + v + ".";
    case ineligibility::beta_target: return head + v + " is a beta; push a non-beta, non-deprecated package version.";
    case ineligibility::push_blocked: return head + "its push upgrades are BlockedBySubscriber.";
    case ineligibility::none: break;
  }
  return head;
}

std::string unpushable_version_message(const package_version& v) {
  return "PackageVersionId must be a non-beta, non-deprecated package version; " + v.number.str() +
         (v.state != release_state::released ? " is a beta." : " is deprecated.");
}

std::string duplicate_job_message(std::string_view existing) {
  return "duplicate value found: SubscriberOrganizationKey duplicates value on record with id: " +
         (existing.empty() ? std::string("<unknown>") : std::string(existing));
}

std::optional<std::int64_t> push_request_row::duration_s() const {
  return duration_between(started, ended, start, end);
}
std::optional<std::int64_t> push_job_row::duration_s() const { return duration_between(started, ended, start, end); }

platform::platform(sim::simulation& sim, population& orgs, const package& pkg, platform_config config,
                   std::uint64_t seed)
    : sim_(sim),
      orgs_(orgs),
      pkg_(pkg),
      config_(config),
      rng_(sim::rng_streams(seed).get("platform")),
      last_job_of_org_(orgs.size(), 0),
      queues_(orgs.instances().size()),
      rules_(pkg.versions.size()),
      truth_(orgs.size()),
      telemetry_(sim, orgs, config.telemetry, seed) {
  PUSHSIM_ASSERT(pkg.validate().empty(), "platform: invalid package");
  PUSHSIM_ASSERT(orgs.object_count() == pkg.objects.size(), "platform: population built for another package");
  PUSHSIM_ASSERT(config.concurrency_per_instance > 0, "platform: concurrency must be positive");
  PUSHSIM_ASSERT(config.pickup_delay_min <= config.pickup_delay_max, "platform: pickup delay range");
  version_ids_.reserve(pkg.versions.size());
  for (std::size_t v = 0; v < pkg.versions.size(); ++v) version_ids_.push_back(make_id(package_version_prefix, v + 1));
}

platform::~platform() = default;

const outcome_rules& platform::rules_for(version_index v) {
  if (!rules_[v]) rules_[v] = std::make_unique<outcome_rules>(pkg_, v, config_.noise);
  return *rules_[v];
}

// ---- ids ----
std::string platform::package_id_string() const { return make_id(package_prefix, 1); }
std::string platform::version_id_string(version_index v) const {
  return v < version_ids_.size() ? version_ids_[v] : make_id(package_version_prefix, v + 1u);
}
std::string platform::subscriber_id_string(org_index i) const { return make_id(subscriber_prefix, i + 1ull); }
std::string platform::request_id_string(request_id id) { return make_id(push_request_prefix, id); }
std::string platform::job_id_string(job_id id) { return make_id(push_job_prefix, id); }
std::string platform::error_id_string(error_id id) { return make_id(push_error_prefix, id); }

std::optional<version_index> platform::find_version(std::string_view id) const {
  const auto n = parse_id(package_version_prefix, id);
  if (!n || *n == 0 || *n > pkg_.versions.size()) return std::nullopt;
  return static_cast<version_index>(*n - 1);
}
std::optional<request_id> platform::find_request(std::string_view id) const {
  const auto n = parse_id(push_request_prefix, id);
  if (!n || *n == 0 || *n > requests_.size()) return std::nullopt;
  return static_cast<request_id>(*n);
}
std::optional<job_id> platform::find_job(std::string_view id) const {
  const auto n = parse_id(push_job_prefix, id);
  if (!n || *n == 0 || *n > jobs_.size()) return std::nullopt;
  return static_cast<job_id>(*n);
}
std::optional<error_id> platform::find_error(std::string_view id) const {
  const auto n = parse_id(push_error_prefix, id);
  if (!n || *n == 0 || *n > errors_.size()) return std::nullopt;
  return static_cast<error_id>(*n);
}
std::optional<org_index> platform::find_subscriber(std::string_view id) const {
  const auto n = parse_id(subscriber_prefix, id);
  if (!n || *n == 0 || *n > orgs_.size()) return std::nullopt;
  return static_cast<org_index>(*n - 1);
}
std::optional<org_index> platform::find_org(std::string_view key) const {
  const auto k = parse_org_key(key);
  if (!k) return std::nullopt;
  return orgs_.find(*k);
}

subscriber_row platform::subscriber(org_index i) const {
  subscriber_row s;
  s.org = i;
  s.id = subscriber_id_string(i);
  s.key = orgs_.key(i);
  s.name = orgs_.name(i);
  s.type = orgs_.type(i);
  s.status = orgs_.status(i);
  s.instance = orgs_.instances().name(orgs_.instance(i));
  if (orgs_.parent(i) != no_org) s.parent = orgs_.key(orgs_.parent(i));
  s.version = orgs_.installed_version(i);
  s.installed = s.version != not_installed;
  return s;
}

// ---- writes ----
api_result<request_id> platform::create_request(std::string_view version_id,
                                                std::optional<time_point> scheduled_start) {
  const auto v = find_version(version_id);
  if (!v) {
    return {std::nullopt, make_error(api_error_code::invalid_cross_reference_key,
                                     "invalid cross reference id: " + std::string(version_id), "PackageVersionId")};
  }
  return create_request(*v, scheduled_start);
}

api_result<request_id> platform::create_request(version_index version, std::optional<time_point> scheduled_start) {
  if (version >= pkg_.versions.size()) {
    return {std::nullopt,
            make_error(api_error_code::invalid_cross_reference_key, "invalid cross reference id", "PackageVersionId")};
  }
  const auto& pv = pkg_.versions[version];
  if (pv.state != release_state::released || pv.deprecated) {
    return {std::nullopt,
            make_error(api_error_code::field_integrity_exception, unpushable_version_message(pv), "PackageVersionId")};
  }
  if (requests_.size() >= max_id_sequence || requests_.size() >= 0xFFFF'FFF0u) {
    return {std::nullopt, make_error(api_error_code::invalid_operation, "too many push requests")};
  }
  push_request_row r;
  r.id = static_cast<request_id>(requests_.size() + 1);
  r.version = version;
  r.created = sim_.now();
  if (scheduled_start) {
    r.has_scheduled_start = true;
    r.scheduled_start = *scheduled_start;
  }
  requests_.push_back(r);
  request_jobs_.emplace_back();
  return {r.id, {}};
}

ineligibility platform::check_eligibility(org_index i, version_index version) const {
  if (orgs_.status(i) == org_status::inactive) return ineligibility::org_inactive;
  const version_index installed = orgs_.installed_version(i);
  if (installed == not_installed) return ineligibility::package_not_installed;
  if (pkg_.versions[version].state != release_state::released) return ineligibility::beta_target;
  if (installed >= version) return ineligibility::same_or_newer_version;
  if (orgs_.push_blocked(i)) return ineligibility::push_blocked;
  return ineligibility::none;
}

std::optional<api_error> platform::job_request_error(request_id request) const {
  if (request == 0 || request > requests_.size()) {
    return make_error(api_error_code::invalid_cross_reference_key, "invalid cross reference id",
                      "PackagePushRequestId");
  }
  const push_request_row& r = requests_[request - 1];
  if (r.status != push_status::created) {
    return make_error(api_error_code::invalid_operation,
                      "You can add push jobs only to a push request whose status is Created; this one is " +
                          std::string(to_string(r.status)) + ".",
                      "PackagePushRequestId");
  }
  return std::nullopt;
}

api_result<job_id> platform::add_job(request_id request, std::string_view org_key_text) {
  if (auto e = job_request_error(request)) return {std::nullopt, std::move(*e)};
  const auto key = parse_org_key(org_key_text);
  if (!key) {
    return {std::nullopt,
            make_error(api_error_code::invalid_id_field, "invalid organization ID: " + std::string(org_key_text),
                       "SubscriberOrganizationKey")};
  }
  const auto org = orgs_.find(*key);
  if (!org) {
    return {std::nullopt, make_error(api_error_code::invalid_cross_reference_key,
                                     "The organization " + key->str() + " isn't a subscriber of this package.",
                                     "SubscriberOrganizationKey")};
  }
  return add_job_to_open_request(request, *org);
}

api_result<job_id> platform::add_job(request_id request, org_index org) {
  if (auto e = job_request_error(request)) return {std::nullopt, std::move(*e)};
  PUSHSIM_ASSERT(org < orgs_.size(), "add_job: org index out of range");
  return add_job_to_open_request(request, org);
}

api_result<job_id> platform::add_job_to_open_request(request_id request, org_index org) {
  push_request_row& r = requests_[request - 1];
  if (const auto existing = job_in_request(request, org)) {
    return {std::nullopt, make_error(api_error_code::duplicate_value, duplicate_job_message(job_id_string(*existing)),
                                     "SubscriberOrganizationKey")};
  }
  const ineligibility why = check_eligibility(org, r.version);
  if (why != ineligibility::none) {
    return {std::nullopt,
            make_error(api_error_code::field_integrity_exception,
                       ineligible_org_message(why, orgs_.key(org).str(), pkg_.versions[r.version].number.str()),
                       "SubscriberOrganizationKey", why)};
  }
  if (jobs_.size() >= 0xFFFF'FFF0u) {
    return {std::nullopt, make_error(api_error_code::invalid_operation, "too many push jobs")};
  }
  push_job_row j;
  j.id = static_cast<job_id>(jobs_.size() + 1);
  j.request = request;
  j.org = org;
  j.next_of_org = last_job_of_org_[org];
  last_job_of_org_[org] = j.id;
  jobs_.push_back(j);
  ++r.job_counts[static_cast<std::size_t>(push_status::created)];
  request_jobs_[request - 1].push_back(j.id);
  return {j.id, {}};
}

api_result<api_ok> platform::set_request_status(request_id request, push_status status) {
  if (request == 0 || request > requests_.size()) {
    return {std::nullopt, make_error(api_error_code::invalid_cross_reference_key, "invalid cross reference id", "Id")};
  }
  push_request_row& r = requests_[request - 1];
  const std::string from(to_string(r.status));
  if (status == push_status::pending) {
    if (r.status != push_status::created) {
      return {std::nullopt,
              make_error(api_error_code::invalid_operation,
                         "You can't change the status of a push request from " + from + " to Pending.", "Status")};
    }
    r.status = push_status::pending;
    for (job_id j : request_jobs_[request - 1]) set_job_status(jobs_[j - 1], push_status::pending);
    const time_point due = r.has_scheduled_start && r.scheduled_start > sim_.now() ? r.scheduled_start : sim_.now();
    const auto lo = config_.pickup_delay_min.count();
    const auto hi = config_.pickup_delay_max.count();
    const duration delay{sim::uniform_int(rng_, lo, hi)};
    r.pickup = sim_.schedule_at(
        due + delay, [this, request] { pickup(request); }, kind_pickup);
    return {api_ok{}, {}};
  }
  if (status == push_status::canceled) {
    if (r.status != push_status::created && r.status != push_status::pending) {
      return {std::nullopt, make_error(api_error_code::invalid_operation,
                                       "You can abort a push request only while its status is Created or Pending; "
                                       "this one is " +
                                           from + ".",
                                       "Status")};
    }
    if (r.pickup.valid()) sim_.cancel(r.pickup);
    r.status = push_status::canceled;
    r.ended = true;
    r.end = sim_.now();
    for (job_id j : request_jobs_[request - 1]) {
      push_job_row& job = jobs_[j - 1];
      set_job_status(job, push_status::canceled);
      job.ended = true;
      job.end = sim_.now();
      ++jobs_finished_;
    }
    sim_.fold_digest(0xCA9CE1ull << 32 | request);
    return {api_ok{}, {}};
  }
  return {std::nullopt,
          make_error(api_error_code::invalid_operation,
                     "Status can be set only to Pending or Canceled, not " + std::string(to_string(status)) + ".",
                     "Status")};
}

// ---- sim-time progress ----
void platform::pickup(request_id id) {
  push_request_row& r = requests_[id - 1];
  PUSHSIM_ASSERT(r.status == push_status::pending, "pickup of a request that is not Pending");
  r.status = push_status::in_progress;
  r.started = true;
  r.start = sim_.now();
  const auto& list = request_jobs_[id - 1];
  r.jobs_left = static_cast<std::uint32_t>(list.size());
  if (list.empty()) {
    finish_request(r);
    return;
  }
  if (queues_.size() < orgs_.instances().size()) queues_.resize(orgs_.instances().size());
  for (job_id j : list) queues_[orgs_.instance(jobs_[j - 1].org)].waiting.push_back(j);
  for (std::size_t inst = 0; inst < queues_.size(); ++inst) {
    if (queues_[inst].head < queues_[inst].waiting.size()) start_ready(static_cast<instance_index>(inst));
  }
}

void platform::start_ready(instance_index inst) {
  instance_queue& q = queues_[inst];
  while (q.running < config_.concurrency_per_instance && q.head < q.waiting.size()) {
    const job_id j = q.waiting[q.head++];
    ++q.running;
    start_job(j);
  }
  if (q.head == q.waiting.size()) {
    q.waiting.clear();
    q.head = 0;
  }
}

void platform::set_job_status(push_job_row& j, push_status s) {
  auto& counts = requests_[j.request - 1].job_counts;
  --counts[static_cast<std::size_t>(j.status)];
  ++counts[static_cast<std::size_t>(s)];
  j.status = s;
}

void platform::start_job(job_id id) {
  push_job_row& j = jobs_[id - 1];
  const time_point now = sim_.now();
  set_job_status(j, push_status::in_progress);
  j.started = true;
  j.start = now;
  org_truth& t = truth_.at(j.org);
  if (t.attempts == 0) t.version_before = orgs_.installed_version(j.org);
  const std::uint32_t active = orgs_.active_users(j.org, now);
  outcome o = rules_for(requests_[j.request - 1].version).evaluate(orgs_, j.org, now, active, rng_);
  o.active_users = active;
  ++jobs_running_;
  // The outcome rides in the end event (40 bytes, inside the event queue's inline storage): no per-job table.
  sim_.schedule_after(
      o.run_time, [this, id, o] { end_job(id, o); }, kind_job_end);
}

void platform::end_job(job_id id, const outcome& o) {
  push_job_row& j = jobs_[id - 1];
  push_request_row& r = requests_[j.request - 1];
  const time_point now = sim_.now();
  j.ended = true;
  j.end = now;
  org_truth& t = truth_.at(j.org);
  ++t.attempts;
  t.active_users = o.active_users;
  t.last_job = id;
  t.time_us = to_us(now);
  t.decided_by = o.decided_by;
  if (o.result == outcome::kind::failed) {
    set_job_status(j, push_status::failed);
    push_error_row e;
    e.id = static_cast<error_id>(errors_.size() + 1);
    e.job = id;
    e.type = o.error;
    e.decided_by = o.decided_by;
    e.subject = o.subject;
    errors_.push_back(e);
    j.first_error = e.id;
    j.error_count = 1;
    ++r.jobs_failed;
    t.st = org_truth::state::failed;
    t.error = o.error;
    t.cause = break_cause::none;
    t.sev = severity::none;
    t.version_after = orgs_.installed_version(j.org);
  } else {
    set_job_status(j, push_status::succeeded);
    orgs_.set_installed_version(j.org, r.version);
    t.version_after = r.version;
    if (o.result == outcome::kind::broken) {
      t.st = org_truth::state::broken;
      t.cause = o.cause;
      t.sev = o.sev;
      const auto seen = telemetry_.report_breakage(j.org, o.cause, o.sev);
      t.signal_us = seen ? to_us(*seen) : -1;
    } else {
      t.st = org_truth::state::upgraded;
      t.cause = break_cause::none;
      t.sev = severity::none;
    }
  }
  const std::uint64_t folded = (std::uint64_t{j.org} << 24) | (static_cast<std::uint64_t>(o.decided_by) << 8) |
                               static_cast<std::uint64_t>(o.result);
  outcome_digest_ = sim::run_digest::mix(outcome_digest_ ^ sim::run_digest::mix(folded + 0x9E37'79B9ull));
  sim_.fold_digest(folded);
  --jobs_running_;
  ++jobs_finished_;
  const instance_index inst = orgs_.instance(j.org);
  --queues_[inst].running;
  start_ready(inst);
  if (--r.jobs_left == 0) finish_request(r);
}

void platform::retire_api_at(time_point at, version_index first_version_off) {
  PUSHSIM_ASSERT(at >= sim_.now(), "an API retirement must lie ahead of the simulation");
  sim_.schedule_at(
      at, [this, first_version_off] { stop_integrations(first_version_off); }, kind_api_retired);
}

void platform::stop_integrations(version_index first_version_off) {
  const time_point now = sim_.now();
  for (std::size_t idx = 0; idx < orgs_.size(); ++idx) {
    const auto i = static_cast<org_index>(idx);
    const version_index v = orgs_.installed_version(i);
    if (v == not_installed || v >= first_version_off || orgs_.status(i) == org_status::inactive) continue;
    org_truth& t = truth_.at(i);
    t.integration_stopped_us = to_us(now);
    const auto seen = telemetry_.report_breakage(i, break_cause::integration_stops, severity::critical);
    if (t.st != org_truth::state::broken) t.signal_us = seen ? to_us(*seen) : -1;
  }
}

void platform::finish_request(push_request_row& r) {
  r.status = r.jobs_failed > 0 ? push_status::failed : push_status::succeeded;
  r.ended = true;
  r.end = sim_.now();
}

// ---- reads ----
std::span<const push_error_row> platform::errors_of(job_id id) const {
  const push_job_row& j = jobs_[id - 1];
  if (j.error_count == 0) return {};
  return {errors_.data() + (j.first_error - 1), j.error_count};
}

std::string platform::error_title(const push_error_row& e) const {
  return rules_[requests_[jobs_[e.job - 1].request - 1].version]->error_title(e.decided_by);
}

std::string platform::error_message(const push_error_row& e) const {
  const push_job_row& j = jobs_[e.job - 1];
  return rules_[requests_[j.request - 1].version]->error_message(orgs_, j.org, e.decided_by, e.subject);
}

std::string platform::error_details(const push_error_row& e) const {
  return std::string(rule_code(e.decided_by)) + ": " + std::string(rule_description(e.decided_by));
}

std::size_t platform::memory_bytes() const {
  std::size_t n = requests_.capacity() * sizeof(push_request_row) + jobs_.capacity() * sizeof(push_job_row) +
                  errors_.capacity() * sizeof(push_error_row) + last_job_of_org_.capacity() * sizeof(job_id) +
                  request_jobs_.capacity() * sizeof(decltype(request_jobs_)::value_type);
  for (const auto& v : request_jobs_) n += v.capacity() * sizeof(job_id);
  for (const auto& q : queues_) n += q.waiting.capacity() * sizeof(job_id);
  return n;
}

std::optional<job_id> platform::job_in_request(request_id id, org_index org) const {
  for (job_id j = last_job_of_org_[org]; j != 0; j = jobs_[j - 1].next_of_org) {
    if (jobs_[j - 1].request == id) return j;
  }
  return std::nullopt;
}

}  // namespace pushsim::mock_org
