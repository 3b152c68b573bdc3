#include "pushsim/harness/gate_action_flag.hpp"
#include "pushsim/harness/commands.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <cstring>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "pushsim/base/file_path.hpp"
#include "pushsim/base/output_file.hpp"
#include "pushsim/base/version.hpp"
#include "pushsim/harness/import_command.hpp"
#include "pushsim/harness/rehearsal.hpp"
#include "pushsim/harness/scenario_file.hpp"
#include "pushsim/harness/world.hpp"

namespace pushsim::harness {

namespace {

bool parse_overrides(const std::vector<std::string>& args, std::vector<json_override>& out, std::ostream& err) {
  bool ok = true;
  for (const auto& a : args) {
    std::string error;
    if (auto o = parse_override(a, error)) {
      out.push_back(std::move(*o));
    } else {
      err << "pushsim: " << error << "\n";
      ok = false;
    }
  }
  return ok;
}

load_result load(const std::optional<std::string>& scenario, const scenario_overrides& overrides) {
  return scenario ? load_scenario_file(*scenario, overrides) : load_default_scenario(overrides);
}

// Bad-input messages; with --redact, the org ids they quote are pseudonymised.
void print_errors(const std::vector<input_error>& errors, std::ostream& err, const redactor* redact = nullptr) {
  for (const auto& e : errors) err << (redact ? redact->text(e.to_string()) : e.to_string()) << "\n";
}

std::string reproduce(const char* verb, const std::optional<std::string>& scenario, const std::vector<std::string>& set,
                      std::uint64_t seed) {
  std::string cmd = std::string("pushsim ") + verb;
  if (scenario) cmd += " " + *scenario;
  for (const auto& s : set) cmd += " --set '" + s + "'";
  return cmd + " --seed " + std::to_string(seed);
}

// Every file a run reads (the scenario, the files it names, its profiles CSV): no output may overwrite one.
std::vector<std::string> input_files(const std::optional<std::string>& scenario_path, const scenario& s) {
  std::vector<std::string> files = s.input_files;
  if (scenario_path) files.push_back(*scenario_path);
  return files;
}

// The scenario once per plan file: each plan parsed like the scenario's own (the scenario's start is its start
// unless it says otherwise). Nothing, after printing the errors, when a plan is bad.
std::optional<std::vector<scenario>> with_each_plan(const scenario& base, const std::vector<std::string>& plans,
                                                    std::ostream& err) {
  std::vector<scenario> out;
  std::vector<input_error> errors;
  for (const auto& plan_path : plans) {
    if (auto s = with_plan_file(base, plan_path, errors)) out.push_back(std::move(*s));
  }
  if (!errors.empty()) {
    print_errors(errors, err);
    return std::nullopt;
  }
  return out;
}

// The redactor of --redact (none without it); false after printing why when its salt is bad (exit 2).
bool redaction(const redact_flags& flags, std::optional<redactor>& out, std::ostream& err) {
  auto made = make_redactor(flags);
  if (const auto* why = std::get_if<std::string>(&made)) {
    err << "pushsim: " << *why << "\n";
    return false;
  }
  out = std::move(std::get<std::optional<redactor>>(made));
  return true;
}

// Checks every output before any work, printing each problem. The resolved targets (empty where no output was
// asked for), or nothing when one cannot be written.
std::optional<std::vector<std::filesystem::path>> check_outputs(const std::vector<std::string>& outputs,
                                                                const std::vector<std::string>& inputs,
                                                                std::ostream& err) {
  auto checked = check_output_paths(outputs, inputs);
  if (const auto* errors = std::get_if<std::vector<output_error>>(&checked)) {
    for (const auto& e : *errors) err << "pushsim: " << e.to_string() << "\n";
    return std::nullopt;
  }
  return std::get<std::vector<std::filesystem::path>>(std::move(checked));
}

// Renders the reports asked for and writes them as one set (all or none). 0, or 2 when writing failed.
// `files` may already hold other outputs of the same set.
int write_reports(const rehearsal_report& report, const std::vector<std::filesystem::path>& targets, std::ostream& err,
                  std::vector<output_text> files = {}) {
  using render_fn = std::string (*)(const rehearsal_report&);
  const render_fn renders[] = {render_json, render_csv, render_junit, render_html};
  for (std::size_t i = 0; i < targets.size() && i < std::size(renders); ++i) {
    if (!targets[i].empty()) files.push_back({targets[i], renders[i](report)});
  }
  if (const auto e = write_all_atomically(files)) {
    err << "pushsim: " << e->to_string() << "\n";
    return 2;
  }
  return 0;
}

}  // namespace

int run_command(const run_arguments& args, std::ostream& out, std::ostream& err) {
  scenario_overrides overrides;
  overrides.seed = args.seed;
  if (!parse_overrides(args.set, overrides.set, err)) return 2;
  std::optional<redactor> redact;
  if (!redaction(args.redact, redact, err)) return 2;
  const auto loaded = load(args.scenario, overrides);
  if (!loaded.value) {
    print_errors(loaded.errors, err, redact ? &*redact : nullptr);
    return 2;
  }
  const auto targets =
      check_outputs({args.json_path, args.csv_path, args.junit_path, args.html_path, args.schedule_csv_path},
                    input_files(args.scenario, *loaded.value), err);
  if (!targets) return 2;
  if (const auto& im = loaded.value->population.imported) {
    for (const auto& w : im->summary.warnings()) err << "pushsim: import: " << w << "\n";
  }
  rehearsal_options options;
  options.reproduce_command = reproduce("run", args.scenario, args.set, loaded.value->seed);
  options.schedule_csv = !args.schedule_csv_path.empty();
  options.redact = redact ? &*redact : nullptr;
  options.harmed_org_rows = !args.csv_path.empty();  // only the CSV report lists harmed orgs
  if (args.progress) {
    options.progress = [&err](std::uint64_t done, std::uint64_t total, time_point now) {
      const int width = 30;
      const int filled = total ? static_cast<int>(width * std::min<std::uint64_t>(done, total) / total) : 0;
      err << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
          << std::string(static_cast<std::size_t>(width - filled), '.') << "] " << done << "/" << total << " orgs  sim "
          << format_iso8601(now) << "   " << std::flush;
    };
  }
  auto result = run_rehearsal(*loaded.value, options);
  if (args.progress) err << "\n";
  if (!result.report) {
    print_errors(result.errors, err, options.redact);
    return 2;
  }
  const auto& report = *result.report;
  print_summary(out, report);
  std::vector<output_text> schedule;
  if (!(*targets)[4].empty()) schedule.push_back({(*targets)[4], result.schedule_csv});
  const int code = write_reports(report, *targets, err, std::move(schedule));
  for (const auto& v : result.invariant_violations) {
    err << "pushsim: INVARIANT BROKEN: " << v << "\n  reproduce: " << report.reproduce_command << "\n";
  }
  if (!result.invariant_violations.empty()) return 1;
  if (!report.expectations_passed()) {
    err << "pushsim: an expectation failed; reproduce: " << report.reproduce_command << "\n";
    return 1;
  }
  return code;
}

namespace {

// One plan's figures in a comparison.
struct compare_row {
  std::string plan;
  nlohmann::json metrics;
};

constexpr std::array<const char*, 9> compare_columns = {
    "blast_radius_orgs", "harmed_by_pushing_orgs", "harmed_by_not_pushing_orgs",
    "users_disrupted",   "detection_delay_s",      "rollout_duration_s",
    "api_calls",         "deadline_met",           "halted"};

// The plans to compare: without --plan, the scenario's own plan; each under every --gate-action.
std::optional<std::vector<plan_with_action>> compare_runs(const compare_arguments& args, const scenario& loaded,
                                                          std::ostream& err) {
  std::string action_error;
  const auto actions = parse_gate_action_flags(args.gate_actions, action_error);
  if (!actions) {
    err << "pushsim compare: " << action_error << "\n";
    return std::nullopt;
  }
  const auto each_plan = with_each_plan(loaded, args.plans, err);
  if (!each_plan) return std::nullopt;
  std::vector<plan_with_action> named;
  if (args.plans.empty()) named.push_back({"scenario plan", loaded});
  for (std::size_t i = 0; i < each_plan->size(); ++i) named.push_back({args.plans[i], (*each_plan)[i]});
  return with_gate_actions(named, *actions);
}

// The side-by-side table: one row per plan, one column per figure (each wide enough for its name).
void print_comparison(const std::vector<compare_row>& rows, std::ostream& out) {
  std::size_t plan_width = 32;
  for (const auto& r : rows) plan_width = std::max(plan_width, r.plan.size() + 2);
  const int plan_w = static_cast<int>(plan_width);
  auto column_w = [](const char* c) { return static_cast<int>(std::max<std::size_t>(20, std::strlen(c) + 2)); };
  out << std::left << std::setw(plan_w) << "plan";
  for (const char* c : compare_columns) out << std::setw(column_w(c)) << c;
  out << "\n";
  for (const auto& r : rows) {
    out << std::setw(plan_w) << r.plan;
    for (const char* c : compare_columns) {
      const auto& v = r.metrics.contains(c) ? r.metrics[c] : nlohmann::json();
      out << std::setw(column_w(c))
          << (v.is_number_float()
                  ? (std::ostringstream() << std::fixed << std::setprecision(0) << v.get<double>()).str()
                  : v.dump());
    }
    out << "\n";
  }
}

// --json: {"pushsim_version", "scenario", "seed", "plans": [{"plan", figures..., "digest"}]}.
nlohmann::json comparison_json(const std::vector<compare_row>& rows, const scenario& loaded) {
  nlohmann::json plans = nlohmann::json::array();
  for (const auto& r : rows) {
    nlohmann::json entry = {{"plan", r.plan}};
    for (const char* c : compare_columns) entry[c] = r.metrics.contains(c) ? r.metrics[c] : nlohmann::json();
    entry["digest"] = r.metrics.value("digest", std::string());
    plans.push_back(std::move(entry));
  }
  return {{"pushsim_version", std::string(pushsim::version())},
          {"scenario", loaded.name},
          {"seed", loaded.seed},
          {"plans", std::move(plans)}};
}

}  // namespace

int compare_command(const compare_arguments& args, std::ostream& out, std::ostream& err) {
  scenario_overrides overrides;
  overrides.seed = args.seed;
  if (!parse_overrides(args.set, overrides.set, err)) return 2;
  if (args.plans.empty() && args.gate_actions.empty()) {
    err << "pushsim compare: give at least one --plan FILE or --gate-action\n";
    return 2;
  }
  const auto loaded = load(args.scenario, overrides);
  if (!loaded.value) {
    print_errors(loaded.errors, err);
    return 2;
  }
  const auto runs = compare_runs(args, *loaded.value, err);
  if (!runs) return 2;
  auto inputs = input_files(args.scenario, *loaded.value);
  inputs.insert(inputs.end(), args.plans.begin(), args.plans.end());
  const auto targets = check_outputs({args.json_path}, inputs, err);
  if (!targets) return 2;
  std::optional<redactor> redact;
  if (!redaction(args.redact, redact, err)) return 2;
  std::vector<compare_row> rows;
  bool broken = false;
  for (const auto& run : *runs) {
    rehearsal_options options;
    options.reproduce_command = reproduce("compare", args.scenario, args.set, run.loaded.seed);
    options.redact = redact ? &*redact : nullptr;
    auto result = run_rehearsal(run.loaded, options);
    if (!result.report) {
      print_errors(result.errors, err, options.redact);
      return 2;
    }
    for (const auto& v : result.invariant_violations)
      err << "pushsim: INVARIANT BROKEN (" << run.name << "): " << v << "\n";
    broken = broken || !result.invariant_violations.empty();
    rows.push_back({run.name, result.report->metrics});
  }
  print_comparison(rows, out);
  if (!targets->front().empty()) {
    if (const auto e = write_atomically(targets->front(), comparison_json(rows, *loaded.value).dump(2) + "\n")) {
      err << "pushsim: " << e->to_string() << "\n";
      return 2;
    }
  }
  return broken ? 1 : 0;
}

}  // namespace pushsim::harness
