#include "pushsim/harness/rehearsal.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>

#include <date/tz.h>

#include "pushsim/harness/world.hpp"
#include "pushsim/mock_org/api/api_handler.hpp"
#include "pushsim/scheduler/org_key.hpp"
#include "pushsim/scheduler/profiles.hpp"
#include "pushsim/scheduler/rest/codec.hpp"
#include "pushsim/scheduler/rollout.hpp"

namespace pushsim::harness {

namespace {

using mock_org::org_index;
namespace api = mock_org::api;
namespace sch = pushsim::scheduler;

constexpr const char* rehearsal_token = "pushsim-rehearsal";

// Event kinds of the in-process transport and the driver (they reach the run digest).
enum : sim::event_kind { kind_request = 100, kind_response = 101, kind_wake = 102 };

// Carries the rollout's typed calls to the handler as REST messages on simulated time.
class driver {
 public:
  driver(world& w, api::api_handler& handler, sch::rollout& ro)
      : w_(w), handler_(handler), ro_(ro) {}

  void apply(sch::executor_output out) {
    if (!halt_time_ && ro_.halted()) halt_time_ = w_.sim->now();
    for (auto& c : out.calls) send(std::move(c));
    if (out.wake_at) wake_at(*out.wake_at);
  }

  void send(sch::outgoing_call c) {
    ++api_calls_;
    ++by_endpoint_[sch::endpoint_name(c.call)];
    rest_request req = codec_.encode(c.call);
    req.headers.emplace_back("Authorization", std::string("Bearer ") + rehearsal_token);
    w_.sim->schedule_after(
        duration{0},
        [this, c = std::move(c), req = std::move(req)]() mutable {
          rest_response resp = handler_.handle(req);
          duration latency{0};
          if (const auto l = resp.header(api::latency_header); !l.empty()) {
            latency = duration{std::stoll(std::string(l))};
          }
          if (const auto f = resp.header(api::transport_fault_header); !f.empty()) {
            // The socket server would drop the connection or send garbage: the client sees a transport failure.
            resp = rest_response{sch::rest::transport_error_status, {}, "transport fault: " + std::string(f)};
          }
          w_.sim->schedule_after(
              latency,
              [this, c = std::move(c), resp = std::move(resp)]() mutable {
                auto result = codec_.decode(c.call, resp);
                apply(ro_.on_result(c.id, std::move(result), w_.sim->now()));
              },
              kind_response);
        },
        kind_request);
  }

  void wake_at(time_point t) {
    t = std::max(t, w_.sim->now());
    if (w_.sim->is_pending(wake_) && wake_time_ <= t) return;
    w_.sim->cancel(wake_);
    wake_time_ = t;
    wake_ = w_.sim->schedule_at(t, [this] { apply(ro_.on_time(w_.sim->now())); }, kind_wake);
  }

  void stop_waking() { w_.sim->cancel(wake_); }

  std::int64_t api_calls() const { return api_calls_; }
  const std::map<std::string, std::int64_t>& by_endpoint() const { return by_endpoint_; }
  std::optional<time_point> halt_time() const { return halt_time_; }

 private:
  world& w_;
  api::api_handler& handler_;
  sch::rollout& ro_;
  sch::rest::codec codec_;
  sim::event_handle wake_;
  time_point wake_time_{};
  std::int64_t api_calls_ = 0;
  std::map<std::string, std::int64_t> by_endpoint_;
  std::optional<time_point> halt_time_;
};

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

// Is a job start allowed by the plan's quiet hours and avoided weekdays, in the org's true time zone?
class window_checker {
 public:
  window_checker(const sch::plan& p, const mock_org::population& orgs) : plan_(p), orgs_(orgs) {}
  bool allowed(org_index i, time_point t) {
    const auto& w = plan_.windows;
    if (w.quiet_hours.empty() && w.avoid_weekdays_mask == 0) return true;
    const auto z = orgs_.zone(i);
    auto it = zones_.find(z);
    if (it == zones_.end()) {
      const date::time_zone* tz = nullptr;
      try {
        tz = date::locate_zone(std::string(orgs_.zones().name(z)));
      } catch (const std::exception&) {
        tz = date::locate_zone("UTC");
      }
      it = zones_.emplace(z, tz).first;
    }
    const auto local = it->second->to_local(std::chrono::time_point_cast<std::chrono::seconds>(t));
    const auto day = date::floor<date::days>(local);
    const auto minutes = static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(local - day).count());
    const unsigned weekday = date::weekday(day).c_encoding();
    if ((w.avoid_weekdays_mask >> weekday) & 1u) return false;
    if (w.quiet_hours.empty()) return true;
    for (const auto& r : w.quiet_hours) {
      const bool in = r.start_min < r.end_min ? (minutes >= r.start_min && minutes < r.end_min)
                                              : (minutes >= r.start_min || minutes < r.end_min);
      if (in) return true;
    }
    return false;
  }

 private:
  const sch::plan& plan_;
  const mock_org::population& orgs_;
  std::map<mock_org::zone_index, const date::time_zone*> zones_;
};

}  // namespace

const nlohmann::json& metric_names_template() {
  static const nlohmann::json names = {
      {"orgs_targeted", 0},        {"orgs_excluded", 0},        {"orgs_excluded_by_reason", nlohmann::json::object()},
      {"orgs_upgraded", 0},        {"orgs_failed", 0},          {"orgs_failed_by_type", nlohmann::json::object()},
      {"orgs_broken", 0},          {"orgs_broken_by_cause", nlohmann::json::object()},
      {"orgs_not_pushed", 0},      {"orgs_not_pushed_by_reason", nlohmann::json::object()},
      {"blast_radius_orgs", 0},    {"harmed_after_first_signal", 0},
      {"detection_delay_s", 0},    {"halted", false},           {"halt_reason", ""},
      {"users_disrupted", 0},      {"rollout_duration_s", 0},   {"upgrades_per_hour", 0},
      {"api_calls", 0},            {"api_calls_by_endpoint", nlohmann::json::object()},
      {"window_compliance", 0},    {"deadline_met", false},     {"stuck_jobs", 0},
      {"wall_s", 0},               {"events", 0},               {"events_per_s", 0},
      {"digest", ""}};
  return names;
}

namespace {

// The plan's target version, resolved against the scenario's package: by id, or by number (then the plan gets
// the version's id). Errors name the plan's file and pointer.
std::optional<mock_org::version_index> resolve_target(const scenario& s, const world& w, sch::plan& p,
                                                      std::vector<input_error>& errors) {
  const std::string target_pointer = s.plan_origin.pointer + "/target";
  std::optional<mock_org::version_index> target;
  if (!p.target.package_version_id.empty()) {
    target = w.platform->find_version(p.target.package_version_id);
    if (!target) {
      std::string ids;
      for (std::size_t v = 0; v < w.pkg.versions.size(); ++v) {
        ids += (ids.empty() ? "" : ", ") + w.platform->version_id_string(static_cast<mock_org::version_index>(v)) +
               " (" + w.pkg.versions[v].number.str() + ")";
      }
      errors.push_back({s.plan_origin.file, target_pointer + "/package_version_id",
                        "no such version in the scenario's package (versions: " + ids + ")"});
    }
  } else if (p.target.version) {
    target = w.pkg.find_version(mock_org::version_number{static_cast<std::uint16_t>(p.target.version->major),
                                                         static_cast<std::uint16_t>(p.target.version->minor),
                                                         static_cast<std::uint16_t>(p.target.version->patch)});
    if (!target) {
      std::string numbers;
      for (const auto& v : w.pkg.versions) numbers += (numbers.empty() ? "" : ", ") + v.number.str();
      errors.push_back({s.plan_origin.file, target_pointer + "/version",
                        "no such version in the scenario's package (versions: " + numbers + ")"});
    } else {
      p.target.package_version_id = w.platform->version_id_string(*target);
    }
  }
  return target;
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

  set_assert_context(w.seed, options.reproduce_command);
  api::api_handler handler(*w.platform, acfg);
  sch::rollout ro(p, w.platform->package_id_string(), profiles ? &*profiles : nullptr);
  driver d(w, handler, ro);
  w.platform->feed().on_signal([&](const mock_org::telemetry_signal& s) {
    d.apply(ro.on_signal(w.orgs->key(s.org).str(), w.sim->now()));
  });

  // ---- run ----
  d.apply(ro.on_time(w.sim->now()));
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
      options.progress(w.platform->jobs_finished(), ro.planned()->orgs.size(), w.sim->now());
    }
  }
  d.stop_waking();
  w.platform->feed().on_signal(nullptr);
  // Let jobs still running end and late breakage signals appear (bounded by the telemetry horizon).
  w.sim->run_until(std::max(w.sim->now(), std::min(t_max, w.sim->now() + from_seconds(w.platform->config().telemetry.horizon_s) + std::chrono::days(1))));
  if (options.progress && ro.planned()) options.progress(w.platform->jobs_finished(), ro.planned()->orgs.size(), w.sim->now());

  // ---- ground truth, invariants, metrics ----
  const auto& truth = w.platform->truth();
  const auto summary = truth.summarize();
  const auto& pop = *w.orgs;
  auto find_org = [&](std::string_view key) -> std::optional<org_index> {
    const auto k = mock_org::parse_org_key(key);
    if (!k) return std::nullopt;
    return pop.find(*k);
  };
  if (ro.current_phase() == sch::rollout::phase::failed) {
    out.invariant_violations.push_back("the rollout failed before pushing: " + ro.error());
  }
  if (ran_out) {
    out.invariant_violations.push_back("the rollout did not finish within " +
                                       std::to_string(std::chrono::duration_cast<std::chrono::hours>(options.sim_time_max).count() / 24) +
                                       " simulated days");
  }
  // The executor's orgs are visited where they are (see below); its report is taken once they have been.
  std::optional<sch::executor_report> exec_report;
  const sch::plan_result* planned = ro.planned();

  // Invariant: at most one job per org per request; never two jobs of an org running at once; at most one
  // Succeeded job per org and target version; no request left in Created.
  {
    std::vector<std::uint64_t> pairs;
    pairs.reserve(w.platform->jobs().size());
    std::vector<std::uint8_t> succeeded(pop.size(), 0);  // per org, saturating
    std::vector<std::tuple<org_index, std::int64_t, std::int64_t>> spans;
    for (const auto& job : w.platform->jobs()) {
      pairs.push_back((std::uint64_t{job.request} << 32) | job.org);
      if (job.status == mock_org::push_status::succeeded && succeeded[job.org] < 2) ++succeeded[job.org];
      if (job.started) spans.emplace_back(job.org, to_us(job.start), job.ended ? to_us(job.end) : INT64_MAX);
    }
    std::sort(pairs.begin(), pairs.end());
    if (std::adjacent_find(pairs.begin(), pairs.end()) != pairs.end()) {
      out.invariant_violations.push_back("an org has two jobs in one push request");
    }
    for (std::size_t org = 0; org < succeeded.size(); ++org) {
      if (succeeded[org] > 1) {
        out.invariant_violations.push_back("org " + pop.key(static_cast<org_index>(org)).str() +
                                           " was upgraded by more than one job for the same target version");
        break;
      }
    }
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 1; i < spans.size(); ++i) {
      if (std::get<0>(spans[i]) == std::get<0>(spans[i - 1]) && std::get<1>(spans[i]) < std::get<2>(spans[i - 1])) {
        out.invariant_violations.push_back("org " + pop.key(std::get<0>(spans[i])).str() + " had two jobs running at once");
        break;
      }
    }
    for (const auto& r : w.platform->requests()) {
      if (r.status == mock_org::push_status::created) {
        out.invariant_violations.push_back("push request " + w.platform->request_id_string(r.id) +
                                           " was left in Created");
        break;
      }
    }
  }

  rehearsal_report rep;
  rep.scenario_name = w.scenario_name;
  rep.description = s.description;
  rep.scenario_file = s.file;
  rep.seed = w.seed;
  rep.reproduce_command = options.reproduce_command;
  nlohmann::json& m = rep.metrics;

  // Targeted orgs: those the plan selected (planned or without a feasible slot). Per-org tables are dense
  // vectors: at a million orgs, tree sets and maps would be a tenth of the run's memory.
  std::vector<std::uint8_t> targeted(pop.size(), 0);
  std::size_t targeted_count = 0;
  auto mark_targeted = [&](org_index i) {
    if (!targeted[i]) ++targeted_count;
    targeted[i] = 1;
  };
  nlohmann::json excluded_by_reason = nlohmann::json::object();
  std::size_t excluded = 0;
  if (planned) {
    for (const auto& o : planned->orgs) {
      if (auto i = find_org(ro.subscribers()[o.subscriber_index].org_key)) mark_targeted(*i);
    }
    for (const auto& o : planned->infeasible) {
      if (auto i = find_org(ro.subscribers()[o.subscriber_index].org_key)) mark_targeted(*i);
    }
    for (const auto& e : planned->excluded) {
      const std::string reason = std::string(sch::to_string(e.reason));
      if (e.reason == sch::exclusion_reason::not_selected) continue;
      excluded_by_reason[reason] = excluded_by_reason.value(reason, 0) + 1;
      ++excluded;
    }
  }
  // Not pushed: targeted orgs that never got a job that ran, by the executor's reason.
  nlohmann::json not_pushed_by_reason = nlohmann::json::object();
  std::size_t not_pushed = 0;
  std::vector<std::int32_t> wave_of(pop.size(), -1);  // -1: the executor never had the org
  ro.for_each_org([&](const sch::org_view& o) {
    const auto i = find_org(o.org_key);
    if (!i) return;
    wave_of[*i] = o.wave;
    if (truth.at(*i).st != mock_org::org_truth::state::untouched) return;
    // The reason without what is particular to the org (its key, its id): "excluded: FIELD_INTEGRITY_EXCEPTION".
    std::string reason = sch::to_string(o.state);
    if (!o.message.empty()) {
      const auto cut = o.message.find(':');
      reason += ": ";
      reason += o.message.substr(0, std::min<std::size_t>(cut == std::string_view::npos ? o.message.size() : cut, 60));
    }
    not_pushed_by_reason[reason] = not_pushed_by_reason.value(reason, 0) + 1;
    ++not_pushed;
  });
  // Releases the executor's per-org state before the harmed orgs' rows are built (peak memory at 1M orgs).
  exec_report = ro.take_report();
  if (planned) {
    for (const auto& o : planned->infeasible) {
      const auto i = find_org(ro.subscribers()[o.subscriber_index].org_key);
      if (!i || truth.at(*i).st != mock_org::org_truth::state::untouched) continue;
      const std::string reason = "no feasible slot";
      not_pushed_by_reason[reason] = not_pushed_by_reason.value(reason, 0) + 1;
      ++not_pushed;
    }
  }
  // Harmed orgs and where they came from.
  std::uint64_t upgraded = 0, failed = 0, broken = 0, untouched_targeted = 0;
  nlohmann::json failed_by_type = nlohmann::json::object(), broken_by_cause = nlohmann::json::object();
  std::optional<std::int64_t> first_broken_us;
  for (std::size_t idx = 0; idx < truth.size(); ++idx) {
    const auto i = static_cast<org_index>(idx);
    const auto& t = truth.at(i);
    using st = mock_org::org_truth::state;
    if (t.st == st::untouched) {
      if (targeted[i]) ++untouched_targeted;
      continue;
    }
    if (!targeted[i]) {
      out.invariant_violations.push_back("org " + pop.key(i).str() + " got a job although the plan did not target it");
    }
    const bool is_failed = t.st == st::failed;
    const bool is_broken = t.st == st::broken;
    upgraded += is_failed ? 0 : 1;
    failed += is_failed ? 1 : 0;
    broken += is_broken ? 1 : 0;
    if (!is_failed && !is_broken) continue;
    org_row row;
    row.organization_id = pop.key(i).str();
    row.org_name = pop.name(i);
    row.org_type = std::string(mock_org::to_string(pop.type(i)));
    row.org_status = std::string(mock_org::to_string(pop.status(i)));
    row.instance_name = std::string(pop.instances().name(pop.instance(i)));
    std::string cause_key;
    if (is_failed) {
      const std::string type = std::string(mock_org::to_string(t.error));
      failed_by_type[type] = failed_by_type.value(type, 0) + 1;
      row.error_severity = "Error";
      row.error_type = type;
      if (t.last_job != 0) {
        const auto errors = w.platform->errors_of(t.last_job);
        if (!errors.empty()) {
          row.error_title = w.platform->error_title(errors.front());
          row.error_message = w.platform->error_message(errors.front());
        }
      }
      cause_key = "failed: " + type;
    } else {
      const std::string cause = std::string(mock_org::to_string(t.cause));
      broken_by_cause[cause] = broken_by_cause.value(cause, 0) + 1;
      row.broken = true;
      row.cause = cause;
      row.error_severity = std::string(mock_org::to_string(t.sev));
      if (!first_broken_us || t.time_us < *first_broken_us) first_broken_us = t.time_us;
      cause_key = "broken: " + cause;
    }
    ++rep.blast_by_cause[cause_key];
    std::set<std::string> kinds;
    for (const auto& c : pop.customizations(i)) kinds.insert(std::string(mock_org::to_string(c.kind)));
    if (kinds.empty()) kinds.insert("no customization");
    if (pop.heavy_customizer(i)) kinds.insert("heavy customizer");
    for (const auto& k : kinds) ++rep.blast_by_customization[k];
    rep.harmed_orgs.push_back(std::move(row));
  }
  // Counts add up: every targeted org is upgraded, failed or not pushed (with a reason).
  if (upgraded + failed + untouched_targeted != targeted_count || untouched_targeted != not_pushed) {
    out.invariant_violations.push_back(
        "counts do not add up: targeted " + std::to_string(targeted_count) + " != upgraded " + std::to_string(upgraded) +
        " + failed " + std::to_string(failed) + " + not pushed " + std::to_string(untouched_targeted) +
        " (orgs with a not-pushed reason: " + std::to_string(not_pushed) + ")");
  }
  const auto& feed = w.platform->feed().feed();
  std::optional<time_point> first_signal;
  if (!feed.empty()) first_signal = feed.front().at;
  std::uint64_t harmed_after_signal = 0;
  if (first_signal) {
    for (std::size_t idx = 0; idx < truth.size(); ++idx) {
      const auto& t = truth.at(static_cast<org_index>(idx));
      if ((t.st == mock_org::org_truth::state::failed || t.st == mock_org::org_truth::state::broken) &&
          t.time_us > to_us(*first_signal)) {
        ++harmed_after_signal;
      }
    }
  }
  // Duration, throughput, window compliance, deadline.
  std::optional<time_point> first_start, last_end;
  window_checker windows(p, pop);
  std::uint64_t jobs_started = 0, jobs_in_window = 0;
  bool late = false;
  std::map<std::int64_t, hourly_bucket> hours;
  auto bucket = [&](time_point t) -> hourly_bucket& {
    const auto h = std::chrono::floor<std::chrono::hours>(t);
    auto& b = hours[to_us(h)];
    b.hour = h;
    return b;
  };
  for (const auto& job : w.platform->jobs()) {
    if (!job.started) continue;
    ++jobs_started;
    if (windows.allowed(job.org, job.start)) ++jobs_in_window;
    if (!first_start || job.start < *first_start) first_start = job.start;
    if (job.ended) {
      if (!last_end || job.end > *last_end) last_end = job.end;
      if (p.deadline && job.end > *p.deadline) late = true;
      if (job.status == mock_org::push_status::succeeded) ++bucket(job.end).upgrades;
      if (job.status == mock_org::push_status::failed) ++bucket(job.end).failures;
    }
  }
  for (const auto& s : feed) ++bucket(s.at).breakage_signals;
  if (!hours.empty()) {
    // Fill the gaps so the timeline is continuous (at most 90 days of hours).
    const std::int64_t first_h = hours.begin()->first, last_h = hours.rbegin()->first;
    const std::int64_t hour_us = 3'600'000'000LL;
    for (std::int64_t h = first_h; h <= last_h && (h - first_h) / hour_us < 24 * 90; h += hour_us) {
      auto& b = hours[h];
      b.hour = from_us(h);
    }
    for (const auto& [h, b] : hours) rep.timeline.push_back(b);
  }
  for (const auto& [reason, n] : not_pushed_by_reason.items()) {
    if (reason.find("deadline") != std::string::npos && n.get<int>() > 0) late = true;
  }
  const double duration_s = (first_start && last_end) ? to_seconds(*last_end - *first_start) : 0.0;

  m["orgs_targeted"] = targeted_count;
  m["orgs_excluded"] = excluded;
  m["orgs_excluded_by_reason"] = excluded_by_reason;
  m["orgs_upgraded"] = upgraded;
  m["orgs_failed"] = failed;
  m["orgs_failed_by_type"] = failed_by_type;
  m["orgs_broken"] = broken;
  m["orgs_broken_by_cause"] = broken_by_cause;
  m["orgs_not_pushed"] = untouched_targeted;
  m["orgs_not_pushed_by_reason"] = not_pushed_by_reason;
  m["blast_radius_orgs"] = failed + broken;
  m["harmed_after_first_signal"] = harmed_after_signal;
  m["detection_delay_s"] = (first_signal && first_broken_us) ? nlohmann::json(to_seconds(*first_signal - from_us(*first_broken_us)))
                                                              : nlohmann::json();
  m["halted"] = ro.halted();
  m["halt_reason"] = exec_report ? exec_report->halt_reason : std::string();
  m["users_disrupted"] = summary.users_disrupted;
  m["rollout_duration_s"] = duration_s;
  m["upgrades_per_hour"] = duration_s > 0 ? static_cast<double>(upgraded) / (duration_s / 3600.0) : 0.0;
  m["api_calls"] = d.api_calls();
  m["api_calls_by_endpoint"] = d.by_endpoint();
  m["window_compliance"] = jobs_started ? static_cast<double>(jobs_in_window) / static_cast<double>(jobs_started) : 1.0;
  m["deadline_met"] = !late && !ran_out && ro.current_phase() == sch::rollout::phase::done;
  m["stuck_jobs"] = exec_report ? exec_report->stuck_jobs.size() : 0;

  // Waves.
  if (exec_report) {
    std::map<int, int> broken_in_wave;
    for (std::size_t org = 0; org < wave_of.size(); ++org) {
      if (wave_of[org] >= 0 && truth.at(static_cast<org_index>(org)).st == mock_org::org_truth::state::broken) {
        ++broken_in_wave[wave_of[org]];
      }
    }
    for (const auto& wr : exec_report->waves) {
      wave_row row;
      row.wave = wr.wave;
      if (wr.wave >= 1 && static_cast<std::size_t>(wr.wave) <= p.waves.size()) row.name = p.waves[wr.wave - 1].name;
      row.orgs_planned = static_cast<int>(wr.orgs);
      row.orgs_upgraded = static_cast<int>(wr.upgraded);
      row.orgs_failed = static_cast<int>(wr.failed);
      row.orgs_broken = broken_in_wave[wr.wave];
      row.orgs_not_pushed = static_cast<int>(wr.not_pushed + wr.canceled + wr.excluded);
      row.first_start = wr.first_start;
      row.last_end = wr.finished;
      row.gate = wr.gates_passed ? "passed" : (ro.halted() && wr.first_start ? "halted: " + exec_report->halt_reason
                                                                              : (wr.first_start ? "open" : "not reached"));
      if (wr.first_start) rep.wave_starts.emplace_back(wr.wave, *wr.first_start);
      rep.waves.push_back(std::move(row));
    }
  }
  rep.halt_time = d.halt_time();

  w.sim->fold_digest(truth.digest());
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  m["wall_s"] = wall_s;
  m["events"] = w.sim->events_processed();
  m["events_per_s"] = wall_s > 0 ? static_cast<double>(w.sim->events_processed()) / wall_s : 0.0;
  m["digest"] = w.sim->digest_hex();
  rep.expectations = check_expectations(s.expect, m);
  out.report = std::move(rep);
  return out;
}

}  // namespace pushsim::harness
