#include "pushsim/push/summary.hpp"

#include <sstream>

#include <nlohmann/json.hpp>

#include "pushsim/base/version.hpp"

namespace pushsim::push {

namespace sch = pushsim::scheduler;

push_summary make_summary(const sch::executor_report& report, const sch::plan_result* planned,
                          std::size_t subscribers) {
  push_summary s;
  s.halted = report.halted;
  s.halt_reason = report.halt_reason;
  s.subscribers = subscribers;
  s.orgs_planned = planned ? planned->orgs.size() : 0;
  s.orgs_excluded_by_planner = planned ? planned->excluded.size() : 0;
  s.orgs_infeasible = planned ? planned->infeasible.size() : 0;
  for (const auto& org : report.orgs) {
    ++s.orgs_by_state[sch::to_string(org.state)];
    s.jobs_created += org.attempts;
  }
  s.requests = report.requests_created.size();
  s.requests_not_canceled = report.requests_not_canceled;
  s.stuck_jobs = report.stuck_jobs.size();
  return s;
}

std::string summary_text(const push_summary& s) {
  std::ostringstream out;
  out << "pushsim push: " << (s.halted ? "HALTED: " + s.halt_reason : std::string("done")) << "\n";
  out << "  subscribers " << s.subscribers << ", planned " << s.orgs_planned << ", excluded "
      << s.orgs_excluded_by_planner << ", no feasible slot " << s.orgs_infeasible << "\n";
  if (s.orgs_with_earlier_jobs > 0 || !s.open_requests_adopted.empty()) {
    out << "  adopted: " << s.orgs_with_earlier_jobs << " orgs left out (they already have a job of the target"
        << " version), " << s.open_requests_adopted.size() << " open requests taken over (scheduled if Created, waited"
        << " for)\n";
  }
  out << "  orgs:";
  for (const auto& [state, n] : s.orgs_by_state) out << " " << state << " " << n;
  out << "\n  jobs created " << s.jobs_created << " in " << s.requests << " push requests\n";
  out << "  API calls " << s.exchanges.api_calls << ", retryable failures retried " << s.exchanges.retryable_errors
      << " (transport " << s.exchanges.transport_errors << ")\n";
  if (!s.requests_not_canceled.empty()) {
    out << "  requests NOT canceled (cancel them by hand):";
    for (const auto& id : s.requests_not_canceled) out << " " << id;
    out << "\n";
  }
  out << "  wall " << s.wall_s << " s\n";
  return out.str();
}

std::string summary_json(const push_summary& s) {
  nlohmann::json j;
  j["pushsim_version"] = std::string(pushsim::version());
  j["status"] = s.halted ? "halted" : "done";
  j["halt_reason"] = s.halt_reason;
  j["resumed"] = s.resumed;
  j["subscribers"] = s.subscribers;
  j["orgs_planned"] = s.orgs_planned;
  j["orgs_excluded_by_planner"] = s.orgs_excluded_by_planner;
  j["orgs_infeasible"] = s.orgs_infeasible;
  j["orgs_with_earlier_jobs"] = s.orgs_with_earlier_jobs;
  j["open_requests_adopted"] = s.open_requests_adopted;
  j["orgs_by_state"] = s.orgs_by_state;
  j["jobs_created"] = s.jobs_created;
  j["requests"] = s.requests;
  j["requests_not_canceled"] = s.requests_not_canceled;
  j["stuck_jobs"] = s.stuck_jobs;
  j["api_calls"] = s.exchanges.api_calls;
  j["api_calls_by_endpoint"] = s.exchanges.api_calls_by_endpoint;
  j["retryable_errors"] = s.exchanges.retryable_errors;
  j["retryable_errors_by_endpoint"] = s.exchanges.retryable_errors_by_endpoint;
  j["transport_errors"] = s.exchanges.transport_errors;
  j["wall_s"] = s.wall_s;
  return j.dump(2) + "\n";
}

}  // namespace pushsim::push
