#include "pushsim/harness/calibrate_command.hpp"

#include <cstdio>
#include <ostream>

#include "pushsim/base/output_file.hpp"
#include "pushsim/harness/scenario_file.hpp"

namespace pushsim::harness {

namespace {

// "0.0213 (45/2113, 95% CI 0.0160-0.0284)".
std::string rate_text(const rate_estimate& r) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%.4f (%llu/%llu, 95%% CI %.4f-%.4f)", r.rate(),
                static_cast<unsigned long long>(r.count), static_cast<unsigned long long>(r.n), r.ci95.low,
                r.ci95.high);
  return buf;
}

void print_locks(const lock_fit& l, std::ostream& out) {
  out << "locking failures: base rate " << l.base_rate << ", per active user " << l.rate_per_active_user << " (";
  if (l.jobs == 0) {
    out << l.locks_no_users << " of " << l.jobs_no_users
        << " jobs; no file gives the orgs' user counts, so no per-user rate)\n";
    return;
  }
  out << l.locks << " of " << l.jobs << " jobs of orgs with a user count";
  if (!l.per_user_fitted) out << "; per-user rate not fitted: fewer than two distinct user counts";
  out << "; " << l.locks_no_users << " of " << l.jobs_no_users << " jobs of orgs with no user count left out)\n";
  for (const auto& b : l.bins) {
    out << "  users " << b.users_min << "-" << (b.users_max ? std::to_string(*b.users_max) : std::string("")) << ": "
        << b.locks << "/" << b.jobs << " jobs failed on a lock\n";
  }
}

std::string calibration_file_text(const calibration& c) {
  const nlohmann::json j = {{"platform", platform_json(c)}, {"evidence", evidence_json(c)}};
  return j.dump(1) + "\n";
}

}  // namespace

void print_calibration(const calibration& c, std::ostream& out) {
  out << "jobs: " << c.jobs << " (" << c.jobs_ended << " ended, " << c.jobs_failed << " failed, "
      << c.failed_without_error << " failed with no PackagePushError row)\n";
  out << "platform noise (UnclassifiedError, orgs not pinned): " << rate_text(c.noise) << "\n";
  out << "rates per ErrorType (jobs with the error / jobs ended):\n";
  for (std::size_t t = 0; t < mock_org::error_type_count; ++t) {
    out << "  " << mock_org::to_string(static_cast<mock_org::error_type>(t)) << ": " << rate_text(c.by_error_type[t])
        << "\n";
  }
  out << "always failing (failed every one of the last " << c.last_pushes << " pushes): " << c.orgs_pinned
      << " orgs pinned (of " << c.orgs_with_k_pushes << " orgs with at least " << c.last_pushes << " ended pushes, "
      << c.orgs_pushed << " orgs pushed; " << c.pinned_jobs << " of their jobs left out of noise and locks)\n";
  print_locks(c.lock, out);
  std::uint64_t fails = 0;
  for (const auto n : c.push_fails_by_type) fails += n;
  if (fails > 0) out << "push_fails.csv: " << fails << " rows (counted in the evidence, not rated: no jobs ended)\n";
}

int calibrate_command(const calibrate_arguments& args, std::ostream& out, std::ostream& err) {
  if (args.last_pushes < 2) {
    err << "pushsim calibrate: --last-pushes must be at least 2, got " << args.last_pushes << "\n";
    return 2;
  }
  const auto loaded = args.scenario ? load_scenario_file(*args.scenario) : load_default_scenario();
  if (!loaded.value) {
    for (const auto& e : loaded.errors) err << e.to_string() << "\n";
    return 2;
  }
  std::optional<std::filesystem::path> target;
  if (!args.json_path.empty()) {
    auto checked = check_output_path(args.json_path, args.files);
    if (auto* e = std::get_if<output_error>(&checked)) {
      err << "pushsim calibrate: " << e->to_string() << "\n";
      return 2;
    }
    target = std::get<std::filesystem::path>(checked);
  }
  std::vector<input_error> errors;
  const auto im = mock_org::import_population(args.files, args.files, loaded.value->pkg, errors);
  if (!im) {
    for (const auto& e : errors) err << e.to_string() << "\n";
    return 2;
  }
  const auto fit = fit_calibration(im->history, im->orgs, args.last_pushes);
  if (!fit.value) {
    err << "pushsim calibrate: " << fit.error << "\n";
    return 2;
  }
  print_calibration(*fit.value, out);
  if (target) {
    if (const auto e = write_atomically(*target, calibration_file_text(*fit.value))) {
      err << "pushsim calibrate: " << e->to_string() << "\n";
      return 2;
    }
    out << "wrote " << args.json_path << "\n";
  }
  return 0;
}

}  // namespace pushsim::harness
