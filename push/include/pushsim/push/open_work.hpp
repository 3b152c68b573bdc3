#pragma once
// open_work: what is already under way for the target version on the server, found before a fresh run pushes
// anything — open PackagePushRequests (Created, Pending, InProgress) and orgs that already have a
// PackagePushJob of the target version that did not succeed (a fresh run would give them a second job; orgs
// whose job succeeded are on the target version and the planner leaves them out).

#include <map>
#include <set>
#include <string>
#include <vector>

#include "pushsim/scheduler/api_call.hpp"

namespace pushsim::push {

struct open_work {
  std::vector<scheduler::request_row> open_requests;  // Created, Pending or InProgress
  std::map<std::string, std::string> orgs_with_jobs;  // org key -> its job's status (not Succeeded)
  bool empty() const { return open_requests.empty() && orgs_with_jobs.empty(); }
};

// The open work among every request of the target version and every job of those requests.
open_work classify_open_work(std::vector<scheduler::request_row> requests, const std::vector<scheduler::job_row>& jobs);

// The refusal text: what is open (the first 20 of each, with counts) and what to do.
std::string open_work_refusal(const open_work& w, const std::string& version_id);

// The org keys to leave out of an adopting run.
std::set<std::string> adopted_org_keys(const open_work& w);

}  // namespace pushsim::push
