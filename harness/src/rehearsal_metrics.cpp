#include "rehearsal_metrics.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <tuple>

#include "pushsim/mock_org/outcome_rules.hpp"
#include "pushsim/scheduler/window_rules.hpp"
#include "pushsim/sim/random.hpp"

namespace pushsim::harness::detail {
namespace {

using mock_org::org_index;
namespace sch = pushsim::scheduler;
using st = mock_org::org_truth::state;

// The population's org of each key (no_org: not a key of it), looked up a batch at a time so that the memory
// misses of a million random lookups overlap.
std::vector<org_index> find_orgs(const world& w, const std::vector<std::string_view>& keys) {
  constexpr std::size_t batch = 64;
  std::vector<org_index> out(keys.size(), mock_org::no_org);
  std::vector<mock_org::org_key> parsed;
  std::vector<std::size_t> at;
  for (std::size_t from = 0; from < keys.size(); from += batch) {
    parsed.clear();
    at.clear();
    for (std::size_t i = from; i < std::min(keys.size(), from + batch); ++i) {
      if (const auto k = mock_org::parse_org_key(keys[i])) {
        parsed.push_back(*k);
        at.push_back(i);
      }
    }
    w.orgs->prefetch(parsed);
    for (std::size_t j = 0; j < parsed.size(); ++j) out[at[j]] = w.orgs->find(parsed[j]).value_or(mock_org::no_org);
  }
  return out;
}

// The population's org of each subscriber the rollout read (by subscriber index; no_org: unknown).
std::vector<org_index> subscriber_orgs(const world& w, const sch::rollout& ro) {
  std::vector<std::string_view> keys;
  keys.reserve(ro.subscribers().size());
  for (const auto& s : ro.subscribers()) keys.emplace_back(s.org_key);
  return find_orgs(w, keys);
}

std::optional<org_index> org_of(const std::vector<org_index>& orgs, std::size_t subscriber_index) {
  const org_index i = orgs[subscriber_index];
  return i == mock_org::no_org ? std::nullopt : std::optional(i);
}

void count(nlohmann::json& by, const std::string& key) { by[key] = by.value(key, 0) + 1; }

// The orgs the plan selected (planned or without a feasible slot), as a dense per-org table: at a million orgs,
// tree sets and maps would be a tenth of the run's memory.
// Why an org that needed the target is left behind at the deadline (or at the end, without one).
enum class behind : std::uint8_t { none, halted, failed, excluded, not_selected, no_capacity, other };
constexpr std::array<const char*, 7> behind_names{"",     "halted", "failed", "excluded", "not_selected", "no_capacity",
                                                  "other"};

struct targeting {
  std::vector<behind> planner_why;  // per org: excluded, not selected, or no feasible slot
  std::vector<std::uint8_t> targeted;
  std::size_t targeted_count = 0;
  nlohmann::json excluded_by_reason = nlohmann::json::object();
  std::size_t excluded = 0;
};

targeting tally_targeting(const world& w, const sch::rollout& ro, const std::vector<org_index>& sub_orgs) {
  targeting t;
  t.targeted.assign(w.orgs->size(), 0);
  t.planner_why.assign(w.orgs->size(), behind::none);
  auto why = [&](std::size_t subscriber_index, behind b) {
    if (const auto i = org_of(sub_orgs, subscriber_index)) t.planner_why[*i] = b;
  };
  auto mark = [&](std::size_t subscriber_index) {
    const auto i = org_of(sub_orgs, subscriber_index);
    if (!i) return;
    if (!t.targeted[*i]) ++t.targeted_count;
    t.targeted[*i] = 1;
  };
  const sch::plan_result* planned = ro.planned();
  if (!planned) return t;
  for (const auto& o : planned->orgs) mark(o.subscriber_index);
  for (const auto& o : planned->infeasible) {
    mark(o.subscriber_index);
    why(o.subscriber_index, behind::no_capacity);
  }
  for (const auto& e : planned->excluded) {
    const bool not_selected = e.reason == sch::exclusion_reason::not_selected;
    why(e.subscriber_index, not_selected ? behind::not_selected : behind::excluded);
    if (not_selected) continue;
    count(t.excluded_by_reason, std::string(sch::to_string(e.reason)));
    ++t.excluded;
  }
  return t;
}

// Targeted orgs that never got a job that ran, by the executor's reason; each org's wave.
struct not_pushed_tally {
  nlohmann::json by_reason = nlohmann::json::object();
  std::size_t count = 0;
  std::vector<std::int32_t> wave_of;  // per org, -1: the executor never had it
  std::vector<behind> executor_why;   // per org the executor did not push: halted, no time left, excluded
  std::optional<sch::executor_report> exec_report;
};

behind executor_behind(const sch::org_view& o) {
  if (o.message.starts_with("halted")) return behind::halted;
  if (o.message.starts_with("deadline")) return behind::no_capacity;
  if (o.state == sch::org_final_state::excluded) return behind::excluded;
  return behind::other;
}

// Planned orgs whose expected run [start, start + expected_run) meets their instance's maintenance as
// the platform applies it (the instance_table: windows of 3 h, longer than a run, so both ends are checked).
std::size_t count_planned_in_maintenance(const world& w, const sch::rollout& ro, const sch::plan& p,
                                         const std::vector<org_index>& sub_orgs) {
  const sch::plan_result* planned = ro.planned();
  if (!planned) return 0;
  const auto& pop = *w.orgs;
  std::size_t n = 0;
  for (const auto& o : planned->orgs) {
    const auto i = org_of(sub_orgs, o.subscriber_index);
    if (!i) continue;
    const auto inst = pop.instance(*i);
    const time_point last = o.start + sch::expected_run(p) - std::chrono::microseconds{1};
    if (pop.instances().in_maintenance(inst, o.start) || pop.instances().in_maintenance(inst, last)) ++n;
  }
  return n;
}

not_pushed_tally tally_not_pushed(const world& w, sch::rollout& ro, const std::vector<org_index>& sub_orgs) {
  not_pushed_tally n;
  const auto& truth = w.platform->truth();
  n.wave_of.assign(w.orgs->size(), -1);
  n.executor_why.assign(w.orgs->size(), behind::none);
  const auto tally = [&](const sch::org_view& o, org_index i) {
    n.wave_of[i] = o.wave;
    if (truth.at(i).st != st::untouched) return;
    n.executor_why[i] = executor_behind(o);
    // The reason without what is particular to the org (its key, its id): "excluded: FIELD_INTEGRITY_EXCEPTION".
    std::string reason = sch::to_string(o.state);
    if (!o.message.empty()) {
      const auto cut = o.message.find(':');
      reason += ": ";
      reason += o.message.substr(0, std::min<std::size_t>(cut == std::string_view::npos ? o.message.size() : cut, 60));
    }
    count(n.by_reason, reason);
    ++n.count;
  };
  // A batch at a time (the executor's orgs are in plan order, spread over the population): no copy of every key
  // while the executor's state is still held, which is the run's peak at 1M orgs.
  std::vector<sch::org_view> batch;
  std::vector<std::string_view> keys;
  const auto flush = [&] {
    keys.clear();
    for (const auto& o : batch) keys.push_back(o.org_key);
    const std::vector<org_index> found = find_orgs(w, keys);
    for (std::size_t k = 0; k < batch.size(); ++k) {
      if (found[k] != mock_org::no_org) tally(batch[k], found[k]);
    }
    batch.clear();
  };
  ro.for_each_org([&](const sch::org_view& o) {
    batch.push_back(o);
    if (batch.size() == 64) flush();
  });
  flush();
  // Releases the executor's per-org state before the harmed orgs' rows are built (peak memory at 1M orgs).
  n.exec_report = ro.take_report();
  if (const sch::plan_result* planned = ro.planned()) {
    for (const auto& o : planned->infeasible) {
      const auto i = org_of(sub_orgs, o.subscriber_index);
      if (!i || truth.at(*i).st != st::untouched) continue;
      count(n.by_reason, "no feasible slot");
      ++n.count;
    }
  }
  return n;
}

// Harmed orgs and where they came from.
struct harm_tally {
  std::uint64_t upgraded = 0, failed = 0, broken = 0, untouched_targeted = 0;
  nlohmann::json failed_by_type = nlohmann::json::object(), broken_by_cause = nlohmann::json::object();
  std::optional<std::int64_t> first_broken_us;
};

org_row harmed_row(const world& w, org_index i) {
  const auto& pop = *w.orgs;
  org_row row;
  row.organization_id = pop.key(i).str();
  row.org_name = pop.name(i);
  row.org_type = std::string(mock_org::to_string(pop.type(i)));
  row.org_status = std::string(mock_org::to_string(pop.status(i)));
  row.instance_name = std::string(pop.instances().name(pop.instance(i)));
  return row;
}

// The customization kinds of a harmed org ("no customization", "heavy customizer" included).
std::set<std::string> customization_kinds(const mock_org::population& pop, org_index i) {
  std::set<std::string> kinds;
  for (const auto& c : pop.customizations(i)) kinds.insert(std::string(mock_org::to_string(c.kind)));
  if (kinds.empty()) kinds.insert("no customization");
  if (pop.heavy_customizer(i)) kinds.insert("heavy customizer");
  return kinds;
}

// The row and the cause key ("failed: DeployError", "broken: automation_errors") of one harmed org.
// The row's error title and message (built from the outcome model's text) only when with_text.
std::string describe_harm(const world& w, org_index i, harm_tally& h, org_row& row, bool with_text) {
  const auto& t = w.platform->truth().at(i);
  if (t.st == st::failed) {
    const std::string type = std::string(mock_org::to_string(t.error));
    count(h.failed_by_type, type);
    row.error_severity = "Error";
    row.error_type = type;
    if (with_text && t.last_job != 0) {
      const auto errors = w.platform->errors_of(t.last_job);
      if (!errors.empty()) {
        row.error_title = w.platform->error_title(errors.front());
        row.error_message = w.platform->error_message(errors.front());
      }
    }
    return "failed: " + type;
  }
  const std::string cause = std::string(mock_org::to_string(t.cause));
  count(h.broken_by_cause, cause);
  row.broken = true;
  row.cause = cause;
  row.error_severity = std::string(mock_org::to_string(t.sev));
  if (!h.first_broken_us || t.time_us < *h.first_broken_us) h.first_broken_us = t.time_us;
  return "broken: " + cause;
}

harm_tally tally_harm(const world& w, const targeting& tg, rehearsal_report& rep, std::vector<std::string>& violations,
                      bool keep_rows) {
  harm_tally h;
  const auto& truth = w.platform->truth();
  const auto& pop = *w.orgs;
  for (std::size_t idx = 0; idx < truth.size(); ++idx) {
    const auto i = static_cast<org_index>(idx);
    const auto& t = truth.at(i);
    if (t.st == st::untouched) {
      if (tg.targeted[i]) ++h.untouched_targeted;
      continue;
    }
    if (!tg.targeted[i])
      violations.push_back("org " + pop.key(i).str() + " got a job although the plan did not target it");
    const bool is_failed = t.st == st::failed;
    const bool is_broken = t.st == st::broken;
    h.upgraded += is_failed ? 0 : 1;
    h.failed += is_failed ? 1 : 0;
    h.broken += is_broken ? 1 : 0;
    if (!is_failed && !is_broken) continue;
    org_row row = keep_rows ? harmed_row(w, i) : org_row{};
    ++rep.blast_by_cause[describe_harm(w, i, h, row, keep_rows)];
    for (const auto& k : customization_kinds(pop, i)) ++rep.blast_by_customization[k];
    if (keep_rows) rep.harmed_orgs.push_back(std::move(row));
  }
  return h;
}

std::uint64_t harmed_after(const world& w, std::optional<time_point> first_signal) {
  if (!first_signal) return 0;
  const auto& truth = w.platform->truth();
  std::uint64_t n = 0;
  for (std::size_t idx = 0; idx < truth.size(); ++idx) {
    const auto& t = truth.at(static_cast<org_index>(idx));
    if ((t.st == st::failed || t.st == st::broken) && t.time_us > to_us(*first_signal)) ++n;
  }
  return n;
}

// Duration, throughput, window compliance, lateness, and the hourly timeline.
struct job_timing {
  std::optional<time_point> first_start, last_end;
  std::uint64_t jobs_started = 0, jobs_in_window = 0;
  bool late = false;
};

job_timing tally_jobs(const world& w, const sch::plan& p, rehearsal_report& rep) {
  job_timing jt;
  const auto& pop = *w.orgs;
  // Judged by the planner's own rules (quiet hours, weekdays, dates, quarter-end blackouts, freezes) in each
  // org's true time zone and fiscal year.
  sch::window_rules windows(p.windows);
  std::map<std::int64_t, hourly_bucket> hours;
  auto bucket = [&](time_point t) -> hourly_bucket& {
    const auto h = std::chrono::floor<std::chrono::hours>(t);
    auto& b = hours[to_us(h)];
    b.hour = h;
    return b;
  };
  for (const auto& job : w.platform->jobs()) {
    if (!job.started) continue;
    ++jt.jobs_started;
    if (windows.allowed(job.start, pop.zones().name(pop.zone(job.org)), pop.fiscal_year_start_month(job.org))) {
      ++jt.jobs_in_window;
    }
    if (!jt.first_start || job.start < *jt.first_start) jt.first_start = job.start;
    if (!job.ended) continue;
    if (!jt.last_end || job.end > *jt.last_end) jt.last_end = job.end;
    if (p.deadline && job.end > *p.deadline) jt.late = true;
    if (job.status == mock_org::push_status::succeeded) ++bucket(job.end).upgrades;
    if (job.status == mock_org::push_status::failed) ++bucket(job.end).failures;
  }
  for (const auto& s : w.platform->feed().feed()) ++bucket(s.at).breakage_signals;
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
  return jt;
}

std::string gate_text(const sch::wave_report& wr, bool halted, const std::string& halt_reason) {
  if (wr.gates_passed) return "passed";
  if (halted && wr.first_start) return "halted: " + halt_reason;
  return wr.first_start ? "open" : "not reached";
}

void fill_waves(const world& w, const sch::plan& p, bool halted, const not_pushed_tally& np, rehearsal_report& rep) {
  if (!np.exec_report) return;
  std::map<int, int> broken_in_wave;
  for (std::size_t org = 0; org < np.wave_of.size(); ++org) {
    if (np.wave_of[org] >= 0 && w.platform->truth().at(static_cast<org_index>(org)).st == st::broken) {
      ++broken_in_wave[np.wave_of[org]];
    }
  }
  for (const auto& wr : np.exec_report->waves) {
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
    row.gate = gate_text(wr, halted, np.exec_report->halt_reason);
    if (wr.first_start) rep.wave_starts.emplace_back(wr.wave, *wr.first_start);
    rep.waves.push_back(std::move(row));
  }
}

// Orgs that needed the target and did not have it by the deadline, by reason, and what that cost them.
struct deadline_tally {
  std::uint64_t left_behind = 0;
  nlohmann::json by_reason = nlohmann::json::object();
  bool eligible_all_upgraded = true;  // deadline_met
  std::uint64_t harmed_orgs = 0, harmed_users = 0, spared_by_halt = 0;
  std::vector<org_index> halted_orgs;  // left behind by the halt (to estimate what it spared them)
  std::vector<org_index> harmed;       // the harmed_orgs themselves (for the breakdowns by cause and customization)
};

behind reason_left_behind(const finished_rollout& run, const targeting& tg, const not_pushed_tally& np, org_index i) {
  const auto& t = run.w.platform->truth().at(i);
  if (t.st == st::failed) return behind::failed;
  if (t.st != st::untouched) return behind::no_capacity;  // upgraded, but after the deadline
  if (run.needs[i] == start_need::blocked) return behind::excluded;
  if (np.executor_why[i] != behind::none) return np.executor_why[i];
  if (tg.planner_why[i] != behind::none) return tg.planner_why[i];
  return behind::other;
}

bool upgraded_in_time(const mock_org::org_truth& t, const sch::plan& p) {
  if (t.st != st::upgraded && t.st != st::broken) return false;
  return !p.deadline || t.time_us <= to_us(*p.deadline);
}

// Of the orgs the halt left behind, those the new version's defects (its outcome rules without platform noise)
// would have failed or broken: what the halt spared them.
std::uint64_t spared_by_halt(const finished_rollout& run, const std::vector<org_index>& halted_orgs) {
  if (halted_orgs.empty()) return 0;
  mock_org::noise_config quiet = run.w.platform->config().noise;
  quiet.unclassified_rate = 0;
  quiet.lock_base_rate = 0;
  quiet.lock_rate_per_active_user = 0;
  quiet.maintenance_fails_jobs = false;
  const mock_org::outcome_rules rules(run.w.pkg, run.target, quiet);
  sim::rng r = sim::rng_streams(run.w.seed).get("spared_by_halt");
  const time_point at = run.plan.deadline.value_or(run.w.sim->now());
  std::uint64_t n = 0;
  for (const auto i : halted_orgs) {
    const auto o = rules.evaluate(*run.w.orgs, i, at, run.w.orgs->users(i), r);
    if (o.result != mock_org::outcome::kind::succeeded) ++n;
  }
  return n;
}

deadline_tally tally_deadline(const finished_rollout& run, const targeting& tg, const not_pushed_tally& np) {
  deadline_tally d;
  for (std::size_t b = 1; b < behind_names.size() - 1; ++b) d.by_reason[behind_names[b]] = 0;
  const auto& truth = run.w.platform->truth();
  const auto& pop = *run.w.orgs;
  const bool costly = run.plan.deadline && run.plan.deadline_cost != sch::deadline_kind::soft;
  for (std::size_t idx = 0; idx < truth.size(); ++idx) {
    const auto i = static_cast<org_index>(idx);
    const auto& t = truth.at(i);
    if (run.needs[i] == start_need::none || upgraded_in_time(t, run.plan)) continue;
    const behind why = reason_left_behind(run, tg, np, i);
    count(d.by_reason, behind_names[static_cast<std::size_t>(why)]);
    ++d.left_behind;
    if (run.needs[i] == start_need::eligible) d.eligible_all_upgraded = false;
    if (why == behind::halted) d.halted_orgs.push_back(i);
    // The world says who an API retirement stopped; compliance is the org's state at the deadline. An org a
    // failed job already harmed counts once, under pushing.
    const bool harmed =
        run.plan.deadline_cost == sch::deadline_kind::api_retirement ? t.integration_stopped_us >= 0 : costly;
    if (harmed && t.st != st::failed) {
      ++d.harmed_orgs;
      d.harmed_users += pop.users(i);
      d.harmed.push_back(i);
    }
  }
  d.spared_by_halt = spared_by_halt(run, d.halted_orgs);
  return d;
}

// The cause under which the orgs harmed by not pushing show in the breakdowns, so that the bars by cause add up
// to blast_radius_orgs.
std::string not_pushing_cause(sch::deadline_kind kind) {
  return kind == sch::deadline_kind::api_retirement ? "integration stopped: API retirement" : "out of compliance";
}

// Adds the orgs harmed by not pushing to the breakdowns by cause and by customization.
void add_not_pushing_harm(const finished_rollout& run, const deadline_tally& d, rehearsal_report& rep) {
  if (d.harmed.empty()) return;
  rep.blast_by_cause[not_pushing_cause(run.plan.deadline_cost)] += static_cast<int>(d.harmed.size());
  for (const auto i : d.harmed) {
    for (const auto& k : customization_kinds(*run.w.orgs, i)) ++rep.blast_by_customization[k];
  }
}

}  // namespace

std::vector<start_need> needs_at_start(const world& w, mock_org::version_index target) {
  std::vector<start_need> out(w.orgs->size(), start_need::none);
  for (std::size_t idx = 0; idx < out.size(); ++idx) {
    const auto why = w.platform->check_eligibility(static_cast<org_index>(idx), target);
    if (why == mock_org::ineligibility::none) out[idx] = start_need::eligible;
    if (why == mock_org::ineligibility::push_blocked) out[idx] = start_need::blocked;
  }
  return out;
}

namespace {

// What is wrong with one org's jobs, walked through the platform's per-org chain (a few jobs an org, so pairs are
// cheap, and nothing is allocated per job: at 1M orgs sorting every job took ~70 MB at the run's peak).
struct org_job_checks {
  bool two_in_request = false;
  bool upgraded_twice = false;
  bool overlapping = false;
};

org_job_checks check_org_jobs(const mock_org::platform& p, org_index org) {
  org_job_checks c;
  int succeeded = 0;
  const auto end_us = [](const mock_org::push_job_row& j) { return j.ended ? to_us(j.end) : INT64_MAX; };
  for (mock_org::job_id a = p.last_job_of(org); a != 0; a = p.job(a).next_of_org) {
    const auto& ja = p.job(a);
    if (ja.status == mock_org::push_status::succeeded) ++succeeded;
    for (mock_org::job_id b = ja.next_of_org; b != 0; b = p.job(b).next_of_org) {
      const auto& jb = p.job(b);
      if (ja.request == jb.request) c.two_in_request = true;
      if (ja.started && jb.started && to_us(ja.start) < end_us(jb) && to_us(jb.start) < end_us(ja)) {
        c.overlapping = true;
      }
    }
  }
  c.upgraded_twice = succeeded > 1;
  return c;
}

}  // namespace

std::vector<std::string> check_platform_invariants(const world& w) {
  std::vector<std::string> out;
  const auto& pop = *w.orgs;
  bool two_in_request = false;
  std::optional<org_index> upgraded_twice, overlapping;
  for (org_index org = 0; org < pop.size(); ++org) {
    const org_job_checks c = check_org_jobs(*w.platform, org);
    two_in_request = two_in_request || c.two_in_request;
    if (c.upgraded_twice && !upgraded_twice) upgraded_twice = org;
    if (c.overlapping && !overlapping) overlapping = org;
  }
  if (two_in_request) out.emplace_back("an org has two jobs in one push request");
  if (upgraded_twice) {
    out.push_back("org " + pop.key(*upgraded_twice).str() +
                  " was upgraded by more than one job for the same target version");
  }
  if (overlapping) out.push_back("org " + pop.key(*overlapping).str() + " had two jobs running at once");
  for (const auto& r : w.platform->requests()) {
    if (r.status == mock_org::push_status::created) {
      out.push_back("push request " + w.platform->request_id_string(r.id) + " was left in Created");
      break;
    }
  }
  return out;
}

void measure(finished_rollout run, rehearsal_report& rep, std::vector<std::string>& violations) {
  const world& w = run.w;
  const std::vector<org_index> sub_orgs = subscriber_orgs(w, run.ro);
  const targeting tg = tally_targeting(w, run.ro, sub_orgs);
  not_pushed_tally np = tally_not_pushed(w, run.ro, sub_orgs);
  rep.jobs_planned_in_maintenance = count_planned_in_maintenance(w, run.ro, run.plan, sub_orgs);
  if (const sch::plan_result* planned = run.ro.planned()) {
    rep.jobs_moved_out_of_maintenance = planned->moved_out_of_maintenance;
  }
  const harm_tally h = tally_harm(w, tg, rep, violations, run.harmed_org_rows);
  // Counts add up: every targeted org is upgraded, failed or not pushed (with a reason).
  if (h.upgraded + h.failed + h.untouched_targeted != tg.targeted_count || h.untouched_targeted != np.count) {
    violations.push_back("counts do not add up: targeted " + std::to_string(tg.targeted_count) + " != upgraded " +
                         std::to_string(h.upgraded) + " + failed " + std::to_string(h.failed) + " + not pushed " +
                         std::to_string(h.untouched_targeted) +
                         " (orgs with a not-pushed reason: " + std::to_string(np.count) + ")");
  }
  const auto& feed = w.platform->feed().feed();
  const std::optional<time_point> first_signal = feed.empty() ? std::nullopt : std::optional(feed.front().at);
  job_timing jt = tally_jobs(w, run.plan, rep);
  for (const auto& [reason, n] : np.by_reason.items()) {
    if (reason.find("deadline") != std::string::npos && n.get<int>() > 0) jt.late = true;
  }
  const double duration_s = (jt.first_start && jt.last_end) ? to_seconds(*jt.last_end - *jt.first_start) : 0.0;
  const bool halted = run.ro.halted();

  nlohmann::json& m = rep.metrics;
  m["orgs_targeted"] = tg.targeted_count;
  m["orgs_excluded"] = tg.excluded;
  m["orgs_excluded_by_reason"] = tg.excluded_by_reason;
  m["orgs_upgraded"] = h.upgraded;
  m["orgs_failed"] = h.failed;
  m["orgs_failed_by_type"] = h.failed_by_type;
  m["orgs_broken"] = h.broken;
  m["orgs_broken_by_cause"] = h.broken_by_cause;
  m["orgs_not_pushed"] = h.untouched_targeted;
  m["orgs_not_pushed_by_reason"] = np.by_reason;
  const deadline_tally dl = tally_deadline(run, tg, np);
  add_not_pushing_harm(run, dl, rep);
  const std::uint64_t users_disrupted = w.platform->truth().summarize().users_disrupted;
  m["orgs_left_behind"] = dl.left_behind;
  m["orgs_left_behind_by_reason"] = dl.by_reason;
  m["harmed_by_pushing_orgs"] = h.failed + h.broken;
  m["harmed_by_pushing_users"] = users_disrupted;
  m["harmed_by_not_pushing_orgs"] = dl.harmed_orgs;
  m["harmed_by_not_pushing_users"] = dl.harmed_users;
  m["orgs_spared_by_halt"] = dl.spared_by_halt;
  m["blast_radius_orgs"] = h.failed + h.broken + dl.harmed_orgs;
  m["harmed_after_first_signal"] = harmed_after(w, first_signal);
  m["detection_delay_s"] = (first_signal && h.first_broken_us)
                               ? nlohmann::json(to_seconds(*first_signal - from_us(*h.first_broken_us)))
                               : nlohmann::json();
  m["halted"] = halted;
  m["halt_reason"] = np.exec_report ? np.exec_report->halt_reason : std::string();
  m["gate_pauses"] = np.exec_report ? np.exec_report->gate_pauses : 0;
  m["users_disrupted"] = users_disrupted;
  m["rollout_duration_s"] = duration_s;
  m["upgrades_per_hour"] = duration_s > 0 ? static_cast<double>(h.upgraded) / (duration_s / 3600.0) : 0.0;
  m["window_compliance"] =
      jt.jobs_started ? static_cast<double>(jt.jobs_in_window) / static_cast<double>(jt.jobs_started) : 1.0;
  m["deadline_met"] = dl.eligible_all_upgraded;
  m["rollout_finished_before_deadline"] =
      !jt.late && !run.ran_out && run.ro.current_phase() == sch::rollout::phase::done;
  m["stuck_jobs"] = np.exec_report ? np.exec_report->stuck_jobs.size() : 0;
  fill_waves(w, run.plan, halted, np, rep);
}

}  // namespace pushsim::harness::detail
