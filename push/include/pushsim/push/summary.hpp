#pragma once
// The summary of a push: what happened to the orgs and what it cost, as the terminal text and as JSON
// (--report-json). Built from the executor's report and the drive loop's counters.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "pushsim/scheduler/executor.hpp"
#include "pushsim/scheduler/planner.hpp"

namespace pushsim::push {

// Counters of the exchanges of a run (the drive loop's and the preliminary queries').
struct exchange_counts {
  std::int64_t api_calls = 0;
  std::int64_t retryable_errors = 0;  // answers the executor retries (transport, transient, limit)
  std::int64_t transport_errors = 0;  // no HTTP answer at all
  std::map<std::string, std::int64_t> api_calls_by_endpoint;
  std::map<std::string, std::int64_t> retryable_errors_by_endpoint;
};

// Everything the summary reports.
struct push_summary {
  bool halted = false;
  std::string halt_reason;
  bool resumed = false;
  std::size_t subscribers = 0;
  std::size_t orgs_planned = 0, orgs_excluded_by_planner = 0, orgs_infeasible = 0;
  std::size_t orgs_with_earlier_jobs = 0;          // left out: they already had a job of the target version (adopted)
  std::vector<std::string> open_requests_adopted;  // open requests of the target version taken over
  std::map<std::string, std::int64_t> orgs_by_state;
  std::int64_t jobs_created = 0;
  std::size_t requests = 0;
  std::vector<std::string> requests_not_canceled;
  std::size_t stuck_jobs = 0;
  exchange_counts exchanges;
  double wall_s = 0;
};

// The summary of a finished run. planned may be null.
push_summary make_summary(const scheduler::executor_report& report, const scheduler::plan_result* planned,
                          std::size_t subscribers);

// The terminal text (several lines, ending with a newline).
std::string summary_text(const push_summary& s);
// The JSON document (pretty-printed, ending with a newline).
std::string summary_json(const push_summary& s);

}  // namespace pushsim::push
