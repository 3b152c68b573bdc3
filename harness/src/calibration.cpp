#include "pushsim/harness/calibration.hpp"

#include <algorithm>
#include <set>

#include "pushsim/base/assert.hpp"

namespace pushsim::harness {

namespace {

using mock_org::error_type;
using mock_org::push_status;

// What one job's rows say: whether it ended or failed, which error types and whether it was a lock failure.
struct job_facts {
  bool ended = false;
  bool failed = false;
  bool any_error = false;
  bool lock = false;
  bool pinned = false;  // its org failed every one of its last k pushes
  std::array<bool, mock_org::error_type_count> types{};
  std::optional<std::uint32_t> users;
};

bool is_lock_error(const mock_org::push_error_record& e) {
  return e.type == error_type::locking_failure || e.message.find("UNABLE_TO_LOCK_ROW") != std::string::npos;
}

std::vector<job_facts> facts_of(const mock_org::push_history& h, const std::vector<mock_org::imported_org>& orgs) {
  const auto errors = h.errors_by_job();
  std::vector<job_facts> out(h.jobs.size());
  for (std::size_t j = 0; j < h.jobs.size(); ++j) {
    const auto& job = h.jobs[j];
    job_facts& f = out[j];
    f.failed = job.status == push_status::failed;
    f.ended = f.failed || job.status == push_status::succeeded;
    if (job.org_index) f.users = orgs[*job.org_index].users;
    if (!f.failed) continue;  // a Succeeded job's rows (warnings) are no failure
    for (const std::size_t e : errors[j]) {
      f.any_error = true;
      f.types[static_cast<std::size_t>(h.errors[e].type)] = true;
      f.lock = f.lock || is_lock_error(h.errors[e]);
    }
  }
  return out;
}

// Marks the jobs of orgs that failed every one of their last k pushes; fills the org counts.
void pin_orgs(const mock_org::push_history& h, std::vector<job_facts>& facts, calibration& c) {
  for (const auto& o : h.outcomes_by_org()) {
    ++c.orgs_pushed;
    if (o.jobs.size() >= c.last_pushes) ++c.orgs_with_k_pushes;
    if (!mock_org::fails_last_pushes(o.trailing_failures(h), c.last_pushes)) continue;
    ++c.orgs_pinned;
    for (const std::size_t j : o.jobs) facts[j].pinned = true;
  }
}

void count_jobs(const std::vector<job_facts>& facts, calibration& c) {
  std::array<std::uint64_t, mock_org::error_type_count> by_type{};
  std::uint64_t unpinned = 0, unpinned_noise = 0;
  for (const auto& f : facts) {
    if (!f.ended) continue;
    ++c.jobs_ended;
    c.jobs_failed += f.failed ? 1 : 0;
    c.failed_without_error += f.failed && !f.any_error ? 1 : 0;
    for (std::size_t t = 0; t < by_type.size(); ++t) by_type[t] += f.types[t] ? 1 : 0;
    c.pinned_jobs += f.pinned ? 1 : 0;
    unpinned += f.pinned ? 0 : 1;
    unpinned_noise += !f.pinned && f.types[static_cast<std::size_t>(error_type::unclassified_error)] ? 1 : 0;
  }
  for (std::size_t t = 0; t < by_type.size(); ++t) c.by_error_type[t] = estimate_rate(by_type[t], c.jobs_ended);
  // Every ended job pinned: no evidence of noise apart from the always-failing tail (0 of 0, interval 0-1).
  c.noise = unpinned > 0 ? estimate_rate(unpinned_noise, unpinned) : rate_estimate{0, 0, {0.0, 1.0}};
}

// Least squares of y (0/1) on x; both coefficients kept >= 0 (a negative slope: the mean; a negative intercept:
// the line through the origin).
void least_squares(const std::vector<std::pair<double, double>>& points, lock_fit& fit) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& [x, y] : points) sx += x, sy += y, sxx += x * x, sxy += x * y;
  const double n = static_cast<double>(points.size());
  const double mean_y = sy / n;
  const double var_x = sxx - sx * sx / n;
  fit.base_rate = mean_y;
  if (!fit.per_user_fitted || var_x <= 0) return;
  const double slope = (sxy - sx * sy / n) / var_x;
  if (slope <= 0) return;
  const double intercept = mean_y - slope * sx / n;
  fit.rate_per_active_user = intercept >= 0 ? slope : sxy / sxx;
  fit.base_rate = std::max(0.0, intercept);
}

void add_to_bin(std::vector<lock_bin>& bins, std::uint32_t users, bool lock) {
  std::uint32_t low = 0, high = 9;
  while (users > high && high < 999) low = high + 1, high = high * 10 + 9;
  const std::optional<std::uint32_t> max = users > 999 ? std::nullopt : std::optional(high);
  if (users > 999) low = 1000;
  auto it = std::find_if(bins.begin(), bins.end(), [&](const lock_bin& b) { return b.users_min == low; });
  if (it == bins.end()) it = bins.insert(bins.end(), lock_bin{low, max, 0, 0});
  ++it->jobs;
  it->locks += lock ? 1 : 0;
}

lock_fit fit_locks(const std::vector<job_facts>& facts) {
  lock_fit fit;
  std::vector<std::pair<double, double>> points;
  std::set<std::uint32_t> distinct;
  for (const auto& f : facts) {
    if (!f.ended || f.pinned) continue;
    if (!f.users) {
      ++fit.jobs_no_users;
      fit.locks_no_users += f.lock ? 1 : 0;
      continue;
    }
    ++fit.jobs;
    fit.locks += f.lock ? 1 : 0;
    points.emplace_back(static_cast<double>(*f.users), f.lock ? 1.0 : 0.0);
    distinct.insert(*f.users);
    add_to_bin(fit.bins, *f.users, f.lock);
  }
  std::sort(fit.bins.begin(), fit.bins.end(), [](const auto& a, const auto& b) { return a.users_min < b.users_min; });
  fit.per_user_fitted = distinct.size() >= 2;
  if (!points.empty()) least_squares(points, fit);
  if (points.empty() && fit.jobs_no_users > 0) {
    fit.base_rate = static_cast<double>(fit.locks_no_users) / static_cast<double>(fit.jobs_no_users);
  }
  return fit;
}

nlohmann::json rate_json(const rate_estimate& r) {
  return {{"count", r.count}, {"n", r.n}, {"rate", r.rate()}, {"ci95", {r.ci95.low, r.ci95.high}}};
}

}  // namespace

rate_estimate estimate_rate(std::uint64_t count, std::uint64_t n) {
  PUSHSIM_ASSERT(n > 0 && count <= n, "a rate needs count <= n and n > 0");
  return {count, n, sim::wilson_interval(count, n, 0.95)};
}

calibration_result fit_calibration(const mock_org::push_history& history,
                                   const std::vector<mock_org::imported_org>& orgs, std::size_t last_pushes) {
  PUSHSIM_ASSERT(last_pushes >= 2, "k must be at least 2");
  calibration c;
  c.last_pushes = last_pushes;
  c.jobs = history.jobs.size();
  for (const auto& f : history.fails) ++c.push_fails_by_type[static_cast<std::size_t>(f.type)];
  auto facts = facts_of(history, orgs);
  pin_orgs(history, facts, c);
  if (std::none_of(facts.begin(), facts.end(), [](const job_facts& f) { return f.ended; })) {
    return {std::nullopt, "no push job in the history ended (Succeeded or Failed): " + std::to_string(c.jobs) +
                              " jobs, " + std::to_string(history.fails.size()) +
                              " push_fails.csv rows; calibration needs PackagePushJob rows of finished pushes"};
  }
  count_jobs(facts, c);
  c.lock = fit_locks(facts);
  return {std::move(c), ""};
}

nlohmann::json platform_json(const calibration& c) {
  return {{"noise",
           {{"unclassified_rate", c.noise.rate()},
            {"lock_base_rate", c.lock.base_rate},
            {"lock_rate_per_active_user", c.lock.rate_per_active_user}}}};
}

nlohmann::json evidence_json(const calibration& c) {
  nlohmann::json types = nlohmann::json::object();
  for (std::size_t t = 0; t < mock_org::error_type_count; ++t) {
    types[std::string(mock_org::to_string(static_cast<error_type>(t)))] = rate_json(c.by_error_type[t]);
  }
  nlohmann::json bins = nlohmann::json::array();
  for (const auto& b : c.lock.bins) {
    bins.push_back({{"users_min", b.users_min},
                    {"users_max", b.users_max ? nlohmann::json(*b.users_max) : nlohmann::json()},
                    {"jobs", b.jobs},
                    {"locks", b.locks}});
  }
  nlohmann::json fails = nlohmann::json::object();
  for (std::size_t t = 0; t < mock_org::error_type_count; ++t) {
    if (c.push_fails_by_type[t] > 0)
      fails[std::string(mock_org::to_string(static_cast<error_type>(t)))] = c.push_fails_by_type[t];
  }
  return {{"jobs", c.jobs},
          {"jobs_ended", c.jobs_ended},
          {"jobs_failed", c.jobs_failed},
          {"failed_without_error", c.failed_without_error},
          {"noise", rate_json(c.noise)},
          {"by_error_type", types},
          {"always_failing",
           {{"last_pushes", c.last_pushes},
            {"orgs_pushed", c.orgs_pushed},
            {"orgs_with_k_pushes", c.orgs_with_k_pushes},
            {"orgs_pinned", c.orgs_pinned},
            {"pinned_jobs", c.pinned_jobs}}},
          {"locks",
           {{"jobs", c.lock.jobs},
            {"locks", c.lock.locks},
            {"per_user_fitted", c.lock.per_user_fitted},
            {"jobs_no_users", c.lock.jobs_no_users},
            {"locks_no_users", c.lock.locks_no_users},
            {"bins", bins}}},
          {"push_fails_by_type", fails}};
}

}  // namespace pushsim::harness
