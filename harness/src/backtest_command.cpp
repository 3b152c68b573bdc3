#include "pushsim/harness/backtest_command.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <thread>

#include "pushsim/base/output_file.hpp"
#include "pushsim/harness/scenario_file.hpp"

namespace pushsim::harness {

namespace {

using json = nlohmann::json;
constexpr std::uint64_t replications_max = 10'000'000;
constexpr std::uint64_t replications_default = 200;

// The regular files of `dir`, sorted; nothing after saying why when it is not a folder or has none.
std::optional<std::vector<std::string>> history_files(const std::string& dir, std::ostream& err) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    err << "pushsim backtest: --history " << dir << ": no such folder\n";
    return std::nullopt;
  }
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.is_regular_file(ec)) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  if (files.empty() || ec) {
    err << "pushsim backtest: --history " << dir << ": " << (ec ? ec.message() : "no files") << "\n";
    return std::nullopt;
  }
  return files;
}

std::string number(double v, const char* format = "%.4f") {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// "failed: actual 38, predicted mean 41.2, 90% interval 30-52 (inside)".
void print_count(const count_score& c, std::ostream& out) {
  out << c.name << ": actual " << c.actual << ", predicted mean " << number(c.predicted_mean, "%.1f")
      << ", 90% interval " << number(c.predicted_p5, "%.1f") << "-" << number(c.predicted_p95, "%.1f") << " ("
      << (c.inside ? "inside" : "outside") << ")\n";
}

void print_scores(const backtest_request& r, const backtest_result& result, std::ostream& out) {
  const backtest_score& s = result.score;
  out << "orgs the replications could not push (no job ran): mean " << number(result.not_pushed_mean, "%.1f") << "\n";
  print_count(s.failed, out);
  for (const auto& t : s.failed_by_type) {
    out << "  ";
    print_count(t, out);
  }
  if (r.failed_without_error > 0) out << "  (" << r.failed_without_error << " failed jobs had no error row)\n";
  out << "Brier score " << number(s.brier) << " (constant forecast of the observed share: " << number(s.brier_reference)
      << ", skill " << (s.brier_skill ? number(*s.brier_skill, "%.3f") : "n/a") << ")\n";
  out << "reliability (predicted probability: orgs, mean predicted, observed share):\n";
  for (const auto& b : s.reliability) {
    if (b.orgs == 0) continue;
    out << "  " << number(b.low, "%.1f") << "-" << number(b.high, "%.1f") << ": " << b.orgs << " orgs, "
        << number(b.mean_predicted, "%.3f") << ", " << number(*b.observed_share, "%.3f") << "\n";
  }
}

void print_header(const backtest_request& r, std::uint64_t replications, std::uint64_t seed, std::size_t orgs_set_back,
                  std::ostream& out) {
  out << "Backtest of push request " << r.id.str() << ": " << r.orgs.size() << " orgs, target " << r.target.str()
      << ", start " << format_iso8601(r.start) << ", " << replications << " replications (seed " << seed << ")\n";
  out << "left out: " << r.orgs_not_imported << " jobs of orgs no subscriber file lists, " << r.jobs_not_ended
      << " jobs not ended; " << orgs_set_back << " orgs set back to the version below the target\n";
}

json count_json(const count_score& c) {
  return {{"name", c.name},
          {"actual", c.actual},
          {"predicted_mean", c.predicted_mean},
          {"predicted_p5", c.predicted_p5},
          {"predicted_p95", c.predicted_p95},
          {"inside", c.inside}};
}

json reliability_json(const std::vector<reliability_bin>& bins) {
  json out = json::array();
  for (const auto& b : bins) {
    out.push_back({{"low", b.low},
                   {"high", b.high},
                   {"orgs", b.orgs},
                   {"mean_predicted", b.mean_predicted},
                   {"observed_share", b.observed_share ? json(*b.observed_share) : json(nullptr)}});
  }
  return out;
}

json org_forecasts_json(const backtest_request& r, const std::vector<org_forecast>& orgs) {
  json out = json::array();
  for (std::size_t i = 0; i < orgs.size(); ++i) {
    const double d = orgs[i].failure_probability - (orgs[i].failed ? 1.0 : 0.0);
    const auto& e = r.orgs[i].error;
    out.push_back({{"org", orgs[i].org_key},
                   {"failure_probability", orgs[i].failure_probability},
                   {"failed", orgs[i].failed},
                   {"error_type", e ? json(std::string(mock_org::to_string(*e))) : json(nullptr)},
                   {"brier", d * d}});
  }
  return out;
}

// The checks before any work: replications, the folder, the scenario, the output path.
struct prepared {
  std::uint64_t replications = replications_default;
  std::vector<std::string> files;
  scenario base;
  std::optional<std::filesystem::path> json_target;
};

std::optional<prepared> prepare(const backtest_arguments& a, std::ostream& err) {
  prepared p;
  p.replications = a.replications.value_or(replications_default);
  if (p.replications < 2 || p.replications > replications_max) {
    err << "pushsim backtest: --replications " << p.replications << ": expected 2 to 10000000\n";
    return std::nullopt;
  }
  auto files = history_files(a.history_dir, err);
  if (!files) return std::nullopt;
  p.files = std::move(*files);
  auto loaded = a.scenario ? load_scenario_file(*a.scenario) : load_default_scenario();
  if (!loaded.value) {
    for (const auto& e : loaded.errors) err << e.to_string() << "\n";
    return std::nullopt;
  }
  p.base = std::move(*loaded.value);
  if (!a.json_path.empty()) {
    auto checked = check_output_path(a.json_path, p.files);
    if (auto* e = std::get_if<output_error>(&checked)) {
      err << "pushsim backtest: " << e->to_string() << "\n";
      return std::nullopt;
    }
    p.json_target = std::get<std::filesystem::path>(checked);
  }
  return p;
}

// The request of the imported history, or nothing after saying why.
std::optional<backtest_request> request_of(const mock_org::population_import& im, const prepared& p,
                                           const std::string& id, std::ostream& err) {
  auto found = find_backtest_request(im, id);
  if (auto* why = std::get_if<std::string>(&found)) {
    err << "pushsim backtest: " << *why << "\n";
    return std::nullopt;
  }
  auto& r = std::get<backtest_request>(found);
  if (!p.base.pkg.find_version(r.target)) {
    err << "pushsim backtest: push request " << r.id.str() << ": its target " << r.target.str()
        << " is not a version of the scenario's package\n";
    return std::nullopt;
  }
  return std::move(r);
}

}  // namespace

json backtest_json(const backtest_request& r, const backtest_result& result, std::uint64_t replications,
                   std::uint64_t seed, std::size_t orgs_set_back) {
  const backtest_score& s = result.score;
  json types = json::array();
  for (const auto& t : s.failed_by_type) types.push_back(count_json(t));
  return {{"request", r.id.str()},
          {"target", r.target.str()},
          {"start", format_iso8601(r.start)},
          {"replications", replications},
          {"seed", seed},
          {"orgs", r.orgs.size()},
          {"left_out",
           {{"orgs_not_imported", r.orgs_not_imported},
            {"jobs_not_ended", r.jobs_not_ended},
            {"failed_without_error", r.failed_without_error},
            {"orgs_set_back", orgs_set_back}}},
          {"not_pushed_mean", result.not_pushed_mean},
          {"failed", count_json(s.failed)},
          {"failed_by_type", std::move(types)},
          {"brier", s.brier},
          {"brier_reference", s.brier_reference},
          {"brier_skill", s.brier_skill ? json(*s.brier_skill) : json(nullptr)},
          {"reliability", reliability_json(s.reliability)},
          {"org_forecasts", org_forecasts_json(r, result.orgs)}};
}

int backtest_command(const backtest_arguments& a, std::ostream& out, std::ostream& err) {
  const auto p = prepare(a, err);
  if (!p) return 2;
  std::vector<input_error> errors;
  const auto im = mock_org::import_population(p->files, p->files, p->base.pkg, errors);
  for (const auto& e : errors) err << e.to_string() << "\n";
  if (!im) return 2;
  const auto r = request_of(*im, *p, a.request, err);
  if (!r) return 2;
  std::size_t set_back = 0;
  const scenario s = backtest_scenario(p->base, *im, *r, set_back);
  backtest_options o{p->replications, a.jobs.value_or(std::max(1u, std::thread::hardware_concurrency()))};
  const auto result = run_backtest(s, *r, o);
  for (const auto& e : result.errors) err << e.to_string() << "\n";
  if (!result.errors.empty()) return 2;
  print_header(*r, p->replications, s.seed, set_back, out);
  print_scores(*r, result, out);
  for (const auto& v : result.invariant_violations) err << "pushsim: INVARIANT BROKEN: " << v << "\n";
  if (p->json_target) {
    const json j = backtest_json(*r, result, p->replications, s.seed, set_back);
    if (const auto e = write_atomically(*p->json_target, j.dump(1) + "\n")) {
      err << "pushsim backtest: " << e->to_string() << "\n";
      return 2;
    }
  }
  return result.invariant_violations.empty() ? 0 : 1;
}

}  // namespace pushsim::harness
