#include "pushsim/scheduler/schedule_csv.hpp"
#include "pushsim/harness/rehearsal.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "in_process_transport.hpp"
#include "rehearsal_metrics.hpp"
#include "pushsim/base/assert.hpp"
#include "pushsim/base/file_path.hpp"
#include "pushsim/base/redactor.hpp"
#include "pushsim/harness/world.hpp"
#include "pushsim/mock_org/api/api_handler.hpp"
#include "pushsim/scheduler/org_key.hpp"
#include "pushsim/scheduler/profiles.hpp"
#include "pushsim/scheduler/rest/codec.hpp"
#include "pushsim/scheduler/rest/driver.hpp"
#include "pushsim/scheduler/rollout.hpp"
#include "pushsim/scheduler/window_rules.hpp"

namespace pushsim::harness {

namespace {

using mock_org::org_index;
namespace api = mock_org::api;
namespace sch = pushsim::scheduler;

constexpr const char* rehearsal_token = "pushsim-rehearsal";

// --redact: the report's org rows and the violation texts with org keys and names pseudonymised. The metrics and
// the digest hold no key or name, so they do not change.
void redact_report(const redactor& r, rehearsal_report& rep, std::vector<std::string>& violations) {
  for (auto& o : rep.harmed_orgs) {
    o.error_title = r.text(o.error_title, o.org_name);
    o.error_message = r.text(o.error_message, o.org_name);
    o.organization_id = r.org_key(o.organization_id);
    o.org_name = r.org_name(o.org_name);
  }
  for (auto& v : violations) v = r.text(v);
}

// The schedule CSV of the planned rollout (with --redact, of pseudonymised subscribers).
std::string schedule_csv_of(const sch::rollout& ro, const redactor* redact) {
  if (redact == nullptr) return sch::render_schedule_csv(*ro.planned(), ro.subscribers(), ro.the_plan());
  const auto subscribers = redacted_rows(std::span<const sch::subscriber>(ro.subscribers()), *redact);
  return sch::render_schedule_csv(*ro.planned(), subscribers, ro.the_plan());
}

// What a partner knows about its orgs when its own records are complete: the true time zone, fiscal year and
// customizations of every org (the scenario's "profiles": "from_population").
sch::profile_set profiles_from_population(const world& w) {
  sch::profile_set set;
  const auto& pop = *w.orgs;
  for (std::size_t idx = 0; idx < pop.size(); ++idx) {
    const auto i = static_cast<org_index>(idx);
    sch::org_profile prof;
    prof.org_key15 = pop.key(i).str();
    prof.time_zone = std::string(pop.zones().name(pop.zone(i)));
    prof.fiscal_year_start_month = pop.fiscal_year_start_month(i);
    for (const auto& c : pop.customizations(i)) {
      using k = mock_org::customization_kind;
      const bool on_field = c.kind == k::validation_rule || c.kind == k::trigger || c.kind == k::flow;
      const std::string subject = on_field ? w.pkg.qualified_field_name(c.target) : w.pkg.objects[c.target].api_name;
      if (const auto bit = set.feature_bit(std::string(mock_org::to_string(c.kind)) + ":" + subject)) {
        prof.features |= std::uint64_t{1} << *bit;
      }
    }
    set.add(std::move(prof));
  }
  return set;
}

// Orgs whose last job ended (upgraded, failed or broken): the progress bar's count, which a retried org enters
// once (counting finished jobs overran the org total: "374346/282414 jobs" at 300k orgs). O(orgs): only for a bar.
std::uint64_t orgs_with_outcome(const world& w) {
  const auto& truth = w.platform->truth();
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    n += truth.at(static_cast<org_index>(i)).st != mock_org::org_truth::state::untouched ? 1 : 0;
  }
  return n;
}

}  // namespace

const nlohmann::json& metric_names_template() {
  static const nlohmann::json names = {{"orgs_targeted", 0},
                                       {"orgs_excluded", 0},
                                       {"orgs_excluded_by_reason", nlohmann::json::object()},
                                       {"orgs_upgraded", 0},
                                       {"orgs_failed", 0},
                                       {"orgs_failed_by_type", nlohmann::json::object()},
                                       {"orgs_broken", 0},
                                       {"orgs_broken_by_cause", nlohmann::json::object()},
                                       {"orgs_not_pushed", 0},
                                       {"orgs_not_pushed_by_reason", nlohmann::json::object()},
                                       {"orgs_left_behind", 0},
                                       {"orgs_left_behind_by_reason", nlohmann::json::object()},
                                       {"harmed_by_pushing_orgs", 0},
                                       {"harmed_by_pushing_users", 0},
                                       {"harmed_by_not_pushing_orgs", 0},
                                       {"harmed_by_not_pushing_users", 0},
                                       {"orgs_spared_by_halt", 0},
                                       {"blast_radius_orgs", 0},
                                       {"harmed_after_first_signal", 0},
                                       {"detection_delay_s", 0},
                                       {"halted", false},
                                       {"halt_reason", ""},
                                       {"users_disrupted", 0},
                                       {"rollout_duration_s", 0},
                                       {"upgrades_per_hour", 0},
                                       {"api_calls", 0},
                                       {"api_calls_by_endpoint", nlohmann::json::object()},
                                       {"window_compliance", 0},
                                       {"deadline_met", false},
                                       {"rollout_finished_before_deadline", false},
                                       {"gate_pauses", 0},
                                       {"stuck_jobs", 0},
                                       {"wall_s", 0},
                                       {"events", 0},
                                       {"events_per_s", 0},
                                       {"digest", ""}};
  return names;
}

namespace {

// The plan's target version, resolved against the scenario's package: by id, or by number (then the plan gets
// the version's id). Errors name the plan's file and pointer.
void resolve_target(const scenario& s, const world& w, sch::plan& p, std::vector<input_error>& errors) {
  const std::string target_pointer = s.plan_origin.pointer + "/target";
  if (!p.target.package_version_id.empty()) {
    if (w.platform->find_version(p.target.package_version_id)) return;
    std::string ids;
    for (std::size_t v = 0; v < w.pkg.versions.size(); ++v) {
      ids += (ids.empty() ? "" : ", ") + w.platform->version_id_string(static_cast<mock_org::version_index>(v)) + " (" +
             w.pkg.versions[v].number.str() + ")";
    }
    errors.push_back({s.plan_origin.file, target_pointer + "/package_version_id",
                      "no such version in the scenario's package (versions: " + ids + ")"});
  } else if (p.target.version) {
    const auto target = w.pkg.find_version(mock_org::version_number{
        static_cast<std::uint16_t>(p.target.version->major), static_cast<std::uint16_t>(p.target.version->minor),
        static_cast<std::uint16_t>(p.target.version->patch)});
    if (target) {
      p.target.package_version_id = w.platform->version_id_string(*target);
      return;
    }
    std::string numbers;
    for (const auto& v : w.pkg.versions) numbers += (numbers.empty() ? "" : ", ") + v.number.str();
    errors.push_back({s.plan_origin.file, target_pointer + "/version",
                      "no such version in the scenario's package (versions: " + numbers + ")"});
  }
}

// The REST handler's settings for a rehearsal: the scenario's API settings and faults (seeded from the run's
// seed unless the faults name their own).
api::api_config rehearsal_api_config(const world& w) {
  api::api_config acfg;
  acfg.tokens = {rehearsal_token};
  acfg.spaced_status = w.api.spaced_status;
  acfg.daily_api_requests_max = w.api.daily_requests_max;
  acfg.faults = w.api.faults;
  if (acfg.faults.seed == 0) acfg.faults.seed = sim::rng_streams(w.seed).seed_for("faults");
  return acfg;
}

}  // namespace

rehearsal_result run_rehearsal(const scenario& s, const rehearsal_options& options) {
  rehearsal_result out;
  const auto wall_start = std::chrono::steady_clock::now();
  auto built = build_world(s);
  world& w = *built;
  sch::plan p = s.plan;
  resolve_target(s, w, p, out.errors);
  if (!out.errors.empty()) return out;
  const api::api_config acfg = rehearsal_api_config(w);
  std::optional<sch::profile_set> profiles = s.profiles;
  if (s.profiles_from_population) profiles = profiles_from_population(w);

  const auto target = w.platform->find_version(p.target.package_version_id);
  PUSHSIM_ASSERT(target.has_value(), "the plan's target was resolved against the package");
  const std::vector<detail::start_need> needs = detail::needs_at_start(w, *target);
  // build_world scheduled the deadline's cost in the world (an API retirement) against the same target.
  PUSHSIM_ASSERT(!w.deadline || w.deadline->target == *target, "the world's deadline is the plan's");
  const bool api_retires = w.deadline && w.deadline->kind == sch::deadline_kind::api_retirement;

  set_assert_context(w.seed, options.reproduce_command);
  api::api_handler handler(*w.platform, acfg);
  sch::rollout ro(p, w.platform->package_id_string(), profiles ? &*profiles : nullptr);
  in_process_transport transport(*w.sim, handler);
  sim_clock clock(*w.sim);
  const sch::rest::codec codec;
  sch::rest::driver d(ro, transport, clock, codec, sch::rest::driver_options{rehearsal_token, {}, {}});
  w.platform->feed().on_signal([&](const mock_org::telemetry_signal& sig) { d.signal(w.orgs->key(sig.org).str()); });

  // ---- run ----
  d.start();
  const time_point t_max = w.start + options.sim_time_max;
  std::uint64_t steps = 0;
  bool ran_out = false;
  while (!ro.done()) {
    if (!w.sim->step()) break;
    if (w.sim->now() > t_max) {
      ran_out = true;
      break;
    }
    if ((++steps & 0x3FFF) == 0 && options.progress && ro.planned()) {
      options.progress(orgs_with_outcome(w), ro.planned()->orgs.size(), w.sim->now());
    }
  }
  d.stop();
  w.platform->feed().on_signal(nullptr);
  // Let jobs still running end and late breakage signals appear (bounded by the telemetry horizon).
  time_point settle_end = w.sim->now() + from_seconds(w.platform->config().telemetry.horizon_s) + std::chrono::days(1);
  // The retirement's signals.
  if (api_retires) settle_end = std::max(settle_end, w.deadline->at + std::chrono::days(1));
  w.sim->run_until(std::max(w.sim->now(), std::min(t_max, settle_end)));
  if (options.progress && ro.planned()) options.progress(orgs_with_outcome(w), ro.planned()->orgs.size(), w.sim->now());

  // ---- invariants, metrics ----
  if (ro.current_phase() == sch::rollout::phase::failed) {
    out.invariant_violations.push_back("the rollout failed before pushing: " + ro.error());
  }
  if (ran_out) {
    out.invariant_violations.push_back(
        "the rollout did not finish within " +
        std::to_string(std::chrono::duration_cast<std::chrono::hours>(options.sim_time_max).count() / 24) +
        " simulated days");
  }
  for (auto& v : detail::check_platform_invariants(w)) out.invariant_violations.push_back(std::move(v));

  rehearsal_report rep;
  rep.scenario_name = w.scenario_name;
  rep.description = s.description;
  rep.scenario_file = s.file;
  rep.seed = w.seed;
  rep.reproduce_command = options.reproduce_command;
  detail::measure(detail::finished_rollout{w, p, ro, ran_out, needs, *target, options.harmed_org_rows}, rep,
                  out.invariant_violations);
  nlohmann::json& m = rep.metrics;
  m["api_calls"] = d.stats().api_calls;
  m["api_calls_by_endpoint"] = d.stats().api_calls_by_endpoint;
  rep.halt_time = d.halt_time();
  rep.deadline = p.deadline;
  rep.deadline_kind = std::string(sch::to_string(p.deadline_cost));

  w.sim->fold_digest(w.platform->truth().digest());
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  m["wall_s"] = wall_s;
  m["events"] = w.sim->events_processed();
  m["events_per_s"] = wall_s > 0 ? static_cast<double>(w.sim->events_processed()) / wall_s : 0.0;
  m["digest"] = w.sim->digest_hex();
  rep.expectations = check_expectations(s.expect, m);
  if (options.redact != nullptr) redact_report(*options.redact, rep, out.invariant_violations);
  out.report = std::move(rep);
  if (options.inspect) options.inspect(w);
  if (options.schedule_csv && ro.planned()) out.schedule_csv = schedule_csv_of(ro, options.redact);
  return out;
}

}  // namespace pushsim::harness
