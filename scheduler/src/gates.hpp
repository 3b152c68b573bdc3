#pragma once
// gate_tally: the halt decision. It counts what the gates judge over the whole run (jobs succeeded, orgs failed for
// good, ErrorTypes seen, broken-org signals from telemetry) and says whether a gate_config still holds.

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "pushsim/scheduler/executor_input.hpp"

namespace pushsim::scheduler::detail {

class gate_tally {
 public:
  // The ErrorTypes the plan expects are known from the start.
  explicit gate_tally(const gate_config& plan_gates)
      : known_error_types_(plan_gates.expected_error_types.begin(), plan_gates.expected_error_types.end()) {}

  // Jobs newly seen Succeeded (a change of a request's count, may be negative when a count drops).
  void add_succeeded(std::int64_t jobs) { succeeded_ += jobs; }
  // An org failed for good with error_type; a transient ErrorType never counts as a new one.
  void add_failed(const std::string& error_type, bool transient);
  // Telemetry says org_key broke (each org counts once).
  void add_broken_signal(const std::string& org_key) { broken_orgs_.insert(org_key); }
  // A wave's gates passed: every ErrorType seen so far is known from now on.
  void accept_seen_error_types() { known_error_types_.insert(seen_error_types_.begin(), seen_error_types_.end()); }

  // A reviewer accepted everything seen so far: from now on the gates judge only what comes after.
  void accept_reviewed();

  // Why the run must halt under g, or empty while g holds.
  std::optional<std::string> verdict(const gate_config& g) const;

 private:
  std::optional<std::string> failure_rate_verdict(const gate_config& g) const;
  std::optional<std::string> new_error_type_verdict() const;

  std::int64_t succeeded_ = 0;
  std::int64_t failed_ = 0;  // orgs failed for good
  // Counts a review accepted (accept_reviewed); verdicts judge what came after them.
  std::int64_t reviewed_succeeded_ = 0, reviewed_failed_ = 0, reviewed_broken_ = 0;
  std::set<std::string> known_error_types_;
  std::set<std::string> seen_error_types_;
  std::set<std::string> broken_orgs_;
};

}  // namespace pushsim::scheduler::detail
