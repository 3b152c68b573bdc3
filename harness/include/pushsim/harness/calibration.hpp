#pragma once
// calibration: the platform's noise fitted from a packaging org's push history (mock_org::push_history), each
// figure with the counts it rests on. What is fitted, over the jobs that ended (Succeeded or Failed):
// - per ErrorType: Failed jobs with at least one PackagePushError of that type / jobs ended (Wilson 95% interval;
//   error rows of Succeeded jobs, such as warnings, are not failures);
// - orgs pinned as always failing: orgs that failed every one of their last k (>= 2) pushes, in push order;
// - platform noise (platform.noise.unclassified_rate): jobs with an UnclassifiedError / jobs ended, both over the
//   orgs not pinned (a pinned org fails with UnclassifiedError every time; scenarios model that tail apart, as
//   population.mix.always_fails), with a Wilson 95% interval (every org pinned: 0 of 0, interval [0, 1]);
// - record locking (lock_base_rate, lock_rate_per_active_user): a job is a lock failure when an error has
//   ErrorType LockingFailure or its message says UNABLE_TO_LOCK_ROW (what the mock writes); the rate is fitted
//   against the org's user count (LMA licensed users, else distinct users in PackageUsageLog) by least squares on
//   the jobs of unpinned orgs whose user count is known: lock = base + per_user * users, both kept >= 0 (no user
//   count known at all: base = the lock share of the unpinned orgs' jobs, per_user = 0).
// CumulusCI's push_fails.csv rows name failures without the jobs that ended, so they are counted, not rated.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pushsim/mock_org/population_import.hpp"
#include "pushsim/mock_org/push_history.hpp"
#include "pushsim/sim/confidence.hpp"

namespace pushsim::harness {

// A share `count` of `n` with its Wilson 95% interval (n > 0).
struct rate_estimate {
  std::uint64_t count = 0;
  std::uint64_t n = 0;
  sim::interval ci95;
  double rate() const { return n == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(n); }
};
// The estimate of count/n; n must be > 0.
rate_estimate estimate_rate(std::uint64_t count, std::uint64_t n);

// Lock failures among the jobs of orgs with users in [users_min, users_max] (no users_max: no upper bound).
struct lock_bin {
  std::uint32_t users_min = 0;
  std::optional<std::uint32_t> users_max;
  std::uint64_t jobs = 0;
  std::uint64_t locks = 0;
};

// The lock failure model fitted against users: rate = base_rate + rate_per_active_user * users.
struct lock_fit {
  double base_rate = 0.0;
  double rate_per_active_user = 0.0;
  bool per_user_fitted = false;      // false: fewer than two distinct user counts, so per-user rate is 0
  std::uint64_t jobs = 0;            // the fit's points: ended jobs of unpinned orgs with a known user count
  std::uint64_t locks = 0;           // lock failures among them
  std::uint64_t jobs_no_users = 0;   // ended jobs of unpinned orgs with no user count (left out of the fit)
  std::uint64_t locks_no_users = 0;  // lock failures among those
  std::vector<lock_bin> bins;        // users 0-9, 10-99, 100-999, 1000+ (bins with no job left out)
};

// Everything fitted from one push history.
struct calibration {
  std::uint64_t jobs = 0;        // every job in the history
  std::uint64_t jobs_ended = 0;  // Succeeded or Failed
  std::uint64_t jobs_failed = 0;
  std::uint64_t failed_without_error = 0;  // Failed jobs no PackagePushError row names
  std::array<rate_estimate, mock_org::error_type_count> by_error_type;
  std::size_t last_pushes = 2;         // k
  std::size_t orgs_pushed = 0;         // orgs with at least one ended job
  std::size_t orgs_with_k_pushes = 0;  // orgs with at least k ended jobs
  std::size_t orgs_pinned = 0;         // failed every one of their last k pushes
  std::uint64_t pinned_jobs = 0;       // ended jobs of pinned orgs (left out of noise and locks)
  rate_estimate noise;                 // UnclassifiedError share over unpinned orgs' ended jobs
  lock_fit lock;
  std::array<std::uint64_t, mock_org::error_type_count> push_fails_by_type{};  // push_fails.csv rows
};

// The fit, or a message saying why there is none (no job in the history ended).
struct calibration_result {
  std::optional<calibration> value;
  std::string error;
};
// Fits the history; `orgs` are the imported orgs job.org_index points into (their users feed the lock fit).
// last_pushes is k (>= 2).
calibration_result fit_calibration(const mock_org::push_history& history,
                                   const std::vector<mock_org::imported_org>& orgs, std::size_t last_pushes);

// The scenario's platform section for what was fitted: {"noise": {"unclassified_rate", "lock_base_rate",
// "lock_rate_per_active_user"}}; harness::parse_platform_section reads it unchanged.
nlohmann::json platform_json(const calibration& c);
// The evidence behind each figure (counts, intervals, bins, pinned orgs), for the calibrate --json file.
nlohmann::json evidence_json(const calibration& c);

}  // namespace pushsim::harness
