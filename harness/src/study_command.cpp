#include "pushsim/harness/gate_action_flag.hpp"
#include "pushsim/harness/study_command.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <ostream>
#include <sstream>
#include <thread>

#include "pushsim/base/file_path.hpp"
#include "pushsim/base/output_file.hpp"
#include "pushsim/harness/scenario_file.hpp"
#include "pushsim/harness/study_expectations.hpp"
#include "pushsim/harness/study_report.hpp"
#include "pushsim/harness/study_part.hpp"
#include "pushsim/harness/world.hpp"
#include "study_outputs.hpp"

namespace pushsim::harness {

namespace {

constexpr std::uint64_t replications_max = 10'000'000;
constexpr std::uint64_t replications_default = 100;

// Flag checks that need no file: each message names its flag.
std::vector<std::string> check_flags(const study_arguments& a) {
  std::vector<std::string> e;
  const auto count_ok = [](std::uint64_t n) { return n >= 2 && n <= replications_max; };
  if (a.replications && !count_ok(*a.replications)) e.push_back("--replications: expected 2 to 10000000");
  if (a.max_replications && !count_ok(*a.max_replications)) e.push_back("--max-replications: expected 2 to 10000000");
  if (a.precision && !a.max_replications) e.push_back("--precision: needs --max-replications (the most to run)");
  if (a.precision && !(*a.precision > 0.0 && *a.precision < 1e6)) e.push_back("--precision: expected a number > 0");
  if (a.precision && a.replications) e.push_back("--precision: give either --replications or --precision");
  if (a.max_replications && !a.precision) e.push_back("--max-replications: only with --precision");
  if (a.confidence && !(*a.confidence > 0.5 && *a.confidence < 0.999))
    e.push_back("--confidence: expected a number in (0.5, 0.999)");
  if (a.vary && *a.vary != "population" && *a.vary != "platform")
    e.push_back("--vary: expected population or platform, found '" + *a.vary + "'");
  if (a.jobs && (*a.jobs < 1 || *a.jobs > 1024)) e.push_back("--jobs: expected 1 to 1024");
  std::string action_error;
  if (!parse_gate_action_flags(a.gate_actions, action_error)) e.push_back(action_error);
  if (a.shard && a.precision)
    e.push_back("--shard: not with --precision (where a study stops depends on every replication before)");
  if (a.shard && a.json_path.empty())
    e.push_back("--shard: needs --json PART (the part file that `pushsim study merge` reads)");
  if (a.shard && !a.html_path.empty())
    e.push_back("--html: a shard writes its part only; merge the parts for the report");
  if (a.shard && !a.junit_path.empty())
    e.push_back("--junit: a shard writes its part only; merge the parts for the report");
  return e;
}

load_result load(const std::optional<std::string>& scenario, const std::vector<json_override>& overrides) {
  const scenario_overrides o{overrides, std::nullopt};
  return scenario ? load_scenario_file(*scenario, o) : load_default_scenario(o);
}

// The command that reruns one replication of a plan, without its --seed.
std::string reproduce_prefix(const study_arguments& a, const std::string& plan_file) {
  std::string cmd = plan_file.empty() ? "pushsim run" : "pushsim compare";
  if (a.scenario) cmd += " " + *a.scenario;
  if (!plan_file.empty()) cmd += " --plan " + plan_file;
  for (const auto& s : a.set) cmd += " --set '" + s + "'";
  return cmd;
}

// The plans of the study: the scenario's own plan, or each --plan file in its place (parsed by the strict plan
// reader); expectations removed (the study checks the statistical ones itself).
std::vector<study_plan> study_plans(const study_arguments& a, const scenario& base, std::vector<input_error>& errors) {
  scenario s = base;
  s.expect.clear();
  s.study_expect.clear();
  std::vector<plan_with_action> named;
  if (a.plans.empty()) named.push_back({s.plan.name.empty() ? "scenario plan" : s.plan.name, s});
  for (const auto& path : a.plans) {
    if (auto with_plan = with_plan_file(s, path, errors)) named.push_back({path, std::move(*with_plan)});
  }
  std::string unused;
  const auto actions = parse_gate_action_flags(a.gate_actions, unused).value_or(std::vector<scheduler::gate_action>{});
  std::vector<study_plan> plans;
  for (std::size_t i = 0; i < named.size(); ++i) {
    const std::string file = a.plans.empty() ? "" : a.plans[i];
    // The reproduce command carries the action: the plan key for `run`, the flag for `compare`.
    for (auto& each : with_gate_actions({named[i]}, actions)) {
      std::string cmd = reproduce_prefix(a, file);
      const std::string action = scheduler::to_string(each.loaded.plan.on_gate_trip);
      if (!actions.empty())
        cmd += file.empty() ? " --set '/plan/gate_action=\"" + action + "\"'" : " --gate-action " + action;
      plans.push_back({std::move(each.name), std::move(each.loaded), std::move(cmd)});
    }
  }
  return plans;
}

// "\r  340/1000 replications  45.2/s  ~14 s left", at most five times a second.
std::function<void(std::uint64_t, std::uint64_t)> progress_line(std::ostream& err) {
  struct state {
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now(), last{};
  };
  auto s = std::make_shared<state>();
  return [s, &err](std::uint64_t done, std::uint64_t planned) {
    const auto now = std::chrono::steady_clock::now();
    if (done < planned && now - s->last < std::chrono::milliseconds(200)) return;
    s->last = now;
    const double elapsed = std::chrono::duration<double>(now - s->start).count();
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
    const double left = rate > 0 ? static_cast<double>(planned - std::min(done, planned)) / rate : 0.0;
    char line[128];
    std::snprintf(line, sizeof line, "\r  %llu/%llu replications  %.1f/s  ~%.0f s left   ",
                  static_cast<unsigned long long>(done), static_cast<unsigned long long>(planned), rate, left);
    err << line << std::flush;
  };
}

struct resolved {
  study_options options;
  vary_mode vary = vary_mode::population;
  std::vector<study_expectation> expectations;
};

// Flags win over the scenario's study section; the statistical expectations come from its `expect`.
resolved resolve(const study_arguments& a, const scenario& s) {
  resolved r;
  const study_section& section = s.study;
  r.expectations = s.study_expect;
  r.options.replications =
      a.precision ? *a.max_replications : a.replications.value_or(section.replications.value_or(replications_default));
  r.options.precision = a.precision;
  r.options.confidence = a.confidence.value_or(section.confidence.value_or(0.95));
  r.options.jobs = a.jobs.value_or(std::max(1u, std::thread::hardware_concurrency()));
  // A fixed count does not depend on the batch: big enough that every rank and thread stays busy until the end.
  if (!a.precision)
    r.options.batch = std::max<std::uint64_t>(r.options.batch, std::uint64_t{a.ranks} * r.options.jobs * 8);
  r.vary = a.vary ? (*a.vary == "platform" ? vary_mode::platform : vary_mode::population)
                  : section.vary.value_or(vary_mode::population);
  return r;
}

std::vector<std::string> input_files(const study_arguments& a, const scenario& s) {
  std::vector<std::string> files = s.input_files;
  if (a.scenario) files.push_back(*a.scenario);
  files.insert(files.end(), a.plans.begin(), a.plans.end());
  return files;
}

struct prepared {
  std::vector<json_override> overrides;
  std::vector<sweep_axis> axes;
  scenario loaded;
  std::vector<study_plan> plans;
  resolved settings;
  std::vector<std::filesystem::path> targets;  // json, csv, html, junit
};

// Everything that can be refused before a replication runs.
std::optional<prepared> prepare(const study_arguments& a, std::ostream& err) {
  prepared p;
  const auto flag_errors = check_flags(a);
  for (const auto& e : flag_errors) err << "pushsim study: " << e << "\n";
  bool ok = flag_errors.empty();
  for (const auto& s : a.set) {
    std::string error;
    auto o = parse_override(s, error);
    if (!o) err << "pushsim study: --set: " << error << "\n";
    else p.overrides.push_back(std::move(*o));
    ok = ok && o.has_value();
  }
  for (const auto& s : a.sweep) {
    std::string error;
    auto axis = parse_sweep(s, error);
    if (!axis) err << "pushsim study: " << error << "\n";
    else p.axes.push_back(std::move(*axis));
    ok = ok && axis.has_value();
  }
  if (!ok) return std::nullopt;
  auto loaded = load(a.scenario, p.overrides);
  for (const auto& e : loaded.errors) err << e.to_string() << "\n";
  if (!loaded.value) return std::nullopt;
  p.loaded = std::move(*loaded.value);
  std::vector<input_error> errors;
  p.plans = study_plans(a, p.loaded, errors);
  for (const auto& e : errors) err << e.to_string() << "\n";
  if (!errors.empty()) return std::nullopt;
  p.settings = resolve(a, p.loaded);
  if (!a.writes_outputs) {  // an MPI rank other than 0: its folders may not even exist on its node
    p.targets.assign(4, {});
    return p;
  }
  auto checked = check_output_paths({a.json_path, a.csv_path, a.html_path, a.junit_path}, input_files(a, p.loaded));
  if (const auto* bad = std::get_if<std::vector<output_error>>(&checked)) {
    for (const auto& e : *bad) err << "pushsim study: " << e.to_string() << "\n";
    return std::nullopt;
  }
  p.targets = std::get<std::vector<std::filesystem::path>>(std::move(checked));
  return p;
}

// The plans of one grid point: the scenario loaded again with the point's values as overrides.
std::optional<std::vector<study_plan>> plans_at(const study_arguments& a, const prepared& p, const nlohmann::json& set,
                                                std::ostream& err) {
  if (set.empty()) return p.plans;
  auto overrides = p.overrides;
  for (const auto& [pointer, value] : set.items()) overrides.push_back({nlohmann::json::json_pointer(pointer), value});
  auto loaded = load(a.scenario, overrides);
  for (const auto& e : loaded.errors) err << e.to_string() << " (--sweep " << set.dump() << ")\n";
  if (!loaded.value) return std::nullopt;
  std::vector<input_error> errors;
  auto plans = study_plans(a, *loaded.value, errors);
  for (const auto& e : errors) err << e.to_string() << "\n";
  if (!errors.empty()) return std::nullopt;
  for (auto& plan : plans) {
    for (const auto& [pointer, value] : set.items()) plan.reproduce += " --set '" + pointer + "=" + value.dump() + "'";
  }
  return plans;
}

// The identity every shard of this study carries (study_part.hpp).
study_identity identity_of(const study_arguments& a, const prepared& p, const study_report& report) {
  study_identity id;
  id.pushsim_version = pushsim_version_text();
  id.scenario_name = report.scenario_name;
  id.scenario_file = report.scenario_file;
  for (const auto& file : input_files(a, p.loaded))
    id.input_hashes.push_back(file_hash_hex(file).value_or("unreadable"));
  id.set = a.set;
  id.seed = report.seed;
  id.replications = p.settings.options.replications;
  id.confidence = report.confidence;
  id.vary = report.vary;
  id.plans = report.plans;
  id.sweep = p.axes;
  id.expectations = p.settings.expectations;
  return id;
}

study_report report_header(const study_arguments& args, const prepared& p) {
  study_report report;
  report.scenario_name = p.loaded.name;
  report.scenario_file = p.loaded.file;
  report.seed = args.seed.value_or(p.loaded.seed);
  report.confidence = p.settings.options.confidence;
  report.vary = p.settings.vary;
  report.precision = args.precision;
  report.swept = !p.axes.empty();
  for (const auto& plan : p.plans) report.plans.push_back(plan.name);
  return report;
}

// Writes shard `shard`'s part file (and its CSV rows); exit 1 when an invariant broke, 2 when a file cannot be
// written.
int finish_shard(const study_arguments& args, const prepared& p, const study_report& report, const shard_spec& shard,
                 std::vector<part_point> points, detail::csv_stream& csv, std::ostream& out, std::ostream& err) {
  study_part part{identity_of(args, p, report), shard, std::move(points)};
  const auto range = shard_range(shard, part.identity.replications);
  if (p.targets[0].empty()) return 0;  // an MPI rank other than 0
  if (const auto e = write_atomically(p.targets[0], render_study_part(part))) {
    err << "pushsim study: " << e->to_string() << "\n";
    return 2;
  }
  if (const auto e = csv.commit(); !e.empty()) {
    err << "pushsim study: " << e << "\n";
    return 2;
  }
  out << "Study shard " << shard.index << "/" << shard.count << " of " << report.scenario_name << ": replications "
      << range.first << " to " << range.first + range.count - 1 << " of " << part.identity.replications << " (seed "
      << report.seed << ") written to " << args.json_path
      << "\n  merge every shard's part with: pushsim study merge PART... --json F [--csv F] [--html F] [--junit F]\n";
  bool broken = false;
  for (const auto& point : part.points) {
    for (const auto& v : point.invariant_violations) err << "pushsim: INVARIANT BROKEN: " << v << "\n";
    broken = broken || !point.invariant_violations.empty();
  }
  return broken ? 1 : 0;
}

// The replications this process runs: all of them, or the block of --shard K/N (then `shard` is set). Nothing,
// after saying why, when the shard is malformed or there are fewer replications than shards.
std::optional<replication_range> replications_to_run(const study_arguments& a, std::uint64_t replications,
                                                     std::optional<shard_spec>& shard, std::ostream& err) {
  if (!a.shard) return replication_range{0, replications};
  std::string error;
  shard = parse_shard(*a.shard, error);
  if (shard && shard->count > replications) {
    error = "--shard: " + std::to_string(shard->count) + " shards of " + std::to_string(replications) +
            " replications leave some empty";
    shard.reset();
  }
  if (!shard) {
    err << "pushsim study: " << error << "\n";
    return std::nullopt;
  }
  return shard_range(*shard, replications);
}

// What every grid point of one study run shares.
struct study_run {
  const study_arguments& args;
  const prepared& p;
  replication_range range;
  detail::csv_stream& csv;
  std::vector<part_point>* parts;  // a shard's rows per point; null for a whole study
};

// Runs grid point `g` (`set`) into `report`, streaming its rows to the CSV (and a shard's part). False, after
// printing the errors, on bad input found by a run.
bool run_point(const study_run& run, const nlohmann::json& set, std::size_t g, std::vector<study_plan> plans,
               study_report& report, std::ostream& err) {
  study_options options = run.p.settings.options;
  options.first = run.range.first;
  options.replications = run.range.count;
  options.on_rows = [&](const std::vector<replication_row>& rows) {
    run.csv.write(study_csv_rows(rows, report.plans, report.swept ? std::optional<std::size_t>(g) : std::nullopt));
    if (run.parts) (*run.parts)[g].rows.insert((*run.parts)[g].rows.end(), rows.begin(), rows.end());
  };
  if (run.args.progress) options.progress = progress_line(err);
  options.runner = run.args.runner;
  auto result = run_study(replication_setup{std::move(plans), report.seed, report.vary}, options);
  if (run.args.progress) err << "\n";
  if (!result.errors.empty()) {
    const std::string where = report.swept ? " (at --sweep point " + set.dump() + ")" : "";
    for (const auto& e : result.errors) err << e.to_string() << where << "\n";
    return false;
  }
  if (run.parts) (*run.parts)[g].invariant_violations = result.invariant_violations;
  report.points.push_back({set, std::move(result)});
  return true;
}

}  // namespace

int study_command(const study_arguments& args, std::ostream& out, std::ostream& err) {
  auto p = prepare(args, err);
  if (!p) return 2;
  std::optional<shard_spec> shard;
  const auto range = replications_to_run(args, p->settings.options.replications, shard, err);
  if (!range) return 2;
  study_report report = report_header(args, *p);
  detail::csv_stream csv(p->targets[1]);
  csv.write(study_csv_header(report.swept));
  // Every grid point is loaded (and so checked) before the first replication runs.
  const auto grid = sweep_grid(p->axes);
  std::vector<std::vector<study_plan>> point_plans;
  for (const auto& point : grid) {
    auto plans = plans_at(args, *p, point, err);
    if (!plans) return 2;
    point_plans.push_back(std::move(*plans));
  }
  std::vector<part_point> parts(shard ? grid.size() : 0);
  const study_run run{args, *p, *range, csv, shard ? &parts : nullptr};
  for (std::size_t g = 0; g < grid.size(); ++g) {
    if (!run_point(run, grid[g], g, std::move(point_plans[g]), report, err)) return 2;
  }
  if (shard) return finish_shard(args, *p, report, *shard, std::move(parts), csv, out, err);
  if (report.swept) report.sensitivity = sensitivity_table(p->axes, report.points, report.confidence);
  const detail::study_targets targets{p->targets[0], p->targets[1], p->targets[2], p->targets[3]};
  return detail::conclude_study(report, p->settings.expectations, targets, csv, out, err);
}

}  // namespace pushsim::harness
