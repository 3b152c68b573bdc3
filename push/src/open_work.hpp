#pragma once
// open_work: what is already under way for the target version on the server, found before a fresh run pushes
// anything — open PackagePushRequests (Created, Pending, InProgress) and orgs that already have a
// PackagePushJob of the target version that did not succeed (a fresh run would give them a second job; orgs
// whose job succeeded are on the target version and the planner leaves them out). Private to pushsim::push.

#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "instance_client.hpp"

namespace pushsim::push::detail {

struct open_work {
  std::vector<scheduler::request_row> open_requests;     // Created, Pending or InProgress
  std::map<std::string, std::string> orgs_with_jobs;     // org key -> its job's status (not Succeeded)
  bool empty() const { return open_requests.empty() && orgs_with_jobs.empty(); }
};

// Asks the server (every request of the version, then their jobs, every page).
std::variant<open_work, query_failure> find_open_work(instance_client& client, const std::string& version_id);

// The refusal text: what is open (the first 20 of each, with counts) and what to do.
std::string open_work_refusal(const open_work& w, const std::string& version_id);

// The org keys to leave out of an adopting run.
std::set<std::string> adopted_org_keys(const open_work& w);

}  // namespace pushsim::push::detail
