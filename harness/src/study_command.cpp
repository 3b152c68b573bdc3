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
#include "pushsim/harness/world.hpp"

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
  if (a.confidence && !(*a.confidence > 0.5 && *a.confidence < 0.999)) e.push_back("--confidence: expected a number in (0.5, 0.999)");
  if (a.vary && *a.vary != "population" && *a.vary != "platform") e.push_back("--vary: expected population or platform, found '" + *a.vary + "'");
  if (a.jobs && (*a.jobs < 1 || *a.jobs > 1024)) e.push_back("--jobs: expected 1 to 1024");
  std::string action_error;
  if (!parse_gate_action_flags(a.gate_actions, action_error)) e.push_back(action_error);
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
std::vector<study_plan> study_plans(const study_arguments& a, const scenario& base,
                                       std::vector<input_error>& errors) {
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
      if (!actions.empty()) cmd += file.empty() ? " --set '/plan/gate_action=\"" + action + "\"'" : " --gate-action " + action;
      plans.push_back({std::move(each.name), std::move(each.loaded), std::move(cmd)});
    }
  }
  return plans;
}

// Per-replication CSV rows streamed to a temporary file beside the target, renamed over it at commit; removed
// when the study does not finish. (base/output_file writes whole texts; this is its streaming counterpart.)
class csv_stream {
 public:
  explicit csv_stream(const std::filesystem::path& target) : target_(target) {
    if (target_.empty()) return;
    temp_ = target_.parent_path() / ("." + target_.filename().string() + ".study-tmp");
    file_.open(temp_, std::ios::binary | std::ios::trunc);
  }
  ~csv_stream() {
    if (!temp_.empty() && !committed_) {
      std::error_code ec;
      std::filesystem::remove(temp_, ec);
    }
  }
  csv_stream(const csv_stream&) = delete;
  csv_stream& operator=(const csv_stream&) = delete;
  void write(const std::string& text) {
    if (!temp_.empty()) file_ << text;
  }
  // Renames the finished file into place; an error message, or empty.
  std::string commit() {
    if (temp_.empty()) return {};
    file_.close();
    if (!file_) return "cannot write '" + target_.string() + "'";
    std::error_code ec;
    std::filesystem::rename(temp_, target_, ec);
    if (ec) return "cannot write '" + target_.string() + "': " + ec.message();
    committed_ = true;
    return {};
  }

 private:
  std::filesystem::path target_, temp_;
  std::ofstream file_;
  bool committed_ = false;
};

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
  r.options.replications = a.precision ? *a.max_replications
                                       : a.replications.value_or(section.replications.value_or(replications_default));
  r.options.precision = a.precision;
  r.options.confidence = a.confidence.value_or(section.confidence.value_or(0.95));
  r.options.jobs = a.jobs.value_or(std::max(1u, std::thread::hardware_concurrency()));
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
  auto checked = check_output_paths({a.json_path, a.csv_path, a.html_path, a.junit_path}, input_files(a, p.loaded));
  if (const auto* bad = std::get_if<std::vector<output_error>>(&checked)) {
    for (const auto& e : *bad) err << "pushsim study: " << e.to_string() << "\n";
    return std::nullopt;
  }
  p.targets = std::get<std::vector<std::filesystem::path>>(std::move(checked));
  return p;
}

// The plans of one grid point: the scenario loaded again with the point's values as overrides.
std::optional<std::vector<study_plan>> plans_at(const study_arguments& a, const prepared& p,
                                                const nlohmann::json& set, std::ostream& err) {
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

int write_outputs(const study_report& report, const prepared& p, csv_stream& csv, std::ostream& err) {
  std::vector<output_text> files;
  const std::pair<std::size_t, std::string (*)(const study_report&)> renders[] = {
      {0, render_study_json}, {2, render_study_html}, {3, render_study_junit}};
  for (const auto& [i, render] : renders) {
    if (!p.targets[i].empty()) files.push_back({p.targets[i], render(report)});
  }
  if (const auto e = write_all_atomically(files)) {
    err << "pushsim study: " << e->to_string() << "\n";
    return 2;
  }
  if (const auto e = csv.commit(); !e.empty()) {
    err << "pushsim study: " << e << "\n";
    return 2;
  }
  return 0;
}

}  // namespace

int study_command(const study_arguments& args, std::ostream& out, std::ostream& err) {
  auto p = prepare(args, err);
  if (!p) return 2;
  study_report report;
  report.scenario_name = p->loaded.name;
  report.scenario_file = p->loaded.file;
  report.seed = args.seed.value_or(p->loaded.seed);
  report.confidence = p->settings.options.confidence;
  report.vary = p->settings.vary;
  report.precision = args.precision;
  report.swept = !p->axes.empty();
  for (const auto& plan : p->plans) report.plans.push_back(plan.name);

  csv_stream csv(p->targets[1]);
  csv.write(study_csv_header(report.swept));
  // Every grid point is loaded (and so checked) before the first replication runs.
  const auto grid = sweep_grid(p->axes);
  std::vector<std::vector<study_plan>> point_plans;
  for (const auto& point : grid) {
    auto plans = plans_at(args, *p, point, err);
    if (!plans) return 2;
    point_plans.push_back(std::move(*plans));
  }
  for (std::size_t g = 0; g < grid.size(); ++g) {
    study_options options = p->settings.options;
    options.on_rows = [&](const std::vector<replication_row>& rows) {
      csv.write(study_csv_rows(rows, report.plans, report.swept ? std::optional<std::size_t>(g) : std::nullopt));
    };
    if (args.progress) options.progress = progress_line(err);
    auto result = run_study(replication_setup{std::move(point_plans[g]), report.seed, report.vary}, options);
    if (args.progress) err << "\n";
    if (!result.errors.empty()) {
      const std::string where = report.swept ? " (at --sweep point " + grid[g].dump() + ")" : "";
      for (const auto& e : result.errors) err << e.to_string() << where << "\n";
      return 2;
    }
    report.points.push_back({grid[g], std::move(result)});
  }
  if (report.swept) report.sensitivity = sensitivity_table(p->axes, report.points, report.confidence);
  for (const auto& point : report.points) {
    for (std::size_t plan = 0; plan < report.plans.size(); ++plan) {
      const std::string label = report.plans[plan] + (report.swept ? " at " + point.set.dump() : "");
      auto checked = check_study_expectations(p->settings.expectations,
                                              point.result.accumulator.summarize_plan(plan, report.confidence), label);
      report.expectations.insert(report.expectations.end(), checked.begin(), checked.end());
    }
  }
  print_study_summary(out, report);
  if (const int code = write_outputs(report, *p, csv, err); code != 0) return code;
  bool broken = false;
  for (const auto& point : report.points) {
    for (const auto& v : point.result.invariant_violations) err << "pushsim: INVARIANT BROKEN: " << v << "\n";
    broken = broken || !point.result.invariant_violations.empty();
  }
  if (broken) return 1;
  if (!report.expectations_passed()) {
    err << "pushsim study: a study expectation failed\n";
    return 1;
  }
  return 0;
}

}  // namespace pushsim::harness
