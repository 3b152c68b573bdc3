#include "pushsim/push/open_work.hpp"

#include <sstream>

namespace pushsim::push {
namespace {

constexpr std::size_t listed_max = 20;

bool is_open(const std::string& status) {
  return status == "Created" || status == "Pending" || status == "InProgress" || status == "In Progress";
}

}  // namespace

open_work classify_open_work(std::vector<scheduler::request_row> requests,
                             const std::vector<scheduler::job_row>& jobs) {
  open_work w;
  for (auto& r : requests) {
    if (is_open(r.status)) w.open_requests.push_back(std::move(r));
  }
  std::set<std::string_view> upgraded;  // an org re-pushed after a failure may have a failed and a succeeded job
  for (const auto& j : jobs) {
    if (j.status == "Succeeded") upgraded.insert(j.org_key);
  }
  for (const auto& j : jobs) {
    if (!upgraded.contains(j.org_key)) w.orgs_with_jobs.emplace(j.org_key, j.status);
  }
  return w;
}

std::string open_work_refusal(const open_work& w, const std::string& version_id) {
  std::ostringstream out;
  out << "the server already has work under way for target version " << version_id << ":\n";
  if (!w.open_requests.empty()) {
    out << "  " << w.open_requests.size() << " open push requests (Created, Pending or InProgress):";
    for (std::size_t i = 0; i < w.open_requests.size() && i < listed_max; ++i) {
      out << " " << w.open_requests[i].id << " (" << w.open_requests[i].status << ")";
    }
    if (w.open_requests.size() > listed_max) out << " ... and " << w.open_requests.size() - listed_max << " more";
    out << "\n";
  }
  if (!w.orgs_with_jobs.empty()) {
    out << "  " << w.orgs_with_jobs.size() << " orgs already have a job of this version that did not succeed:";
    std::size_t n = 0;
    for (const auto& [key, status] : w.orgs_with_jobs) {
      if (n++ == listed_max) break;
      out << " " << key << " (" << status << ")";
    }
    if (w.orgs_with_jobs.size() > listed_max) out << " ... and " << w.orgs_with_jobs.size() - listed_max << " more";
    out << "\n";
  }
  out << "a fresh run could give those orgs a second job. Either continue the run that made them with"
      << " `pushsim push ... --journal <its journal> --resume`, or abort its open requests (PATCH Status=Canceled),"
      << " or run with --adopt-open-requests to take them into this run (Created requests are scheduled, the run"
      << " waits for every open request to finish, and their orgs get no second job)";
  return out.str();
}

std::set<std::string> adopted_org_keys(const open_work& w) {
  std::set<std::string> keys;
  for (const auto& [key, status] : w.orgs_with_jobs) keys.insert(key);
  return keys;
}

}  // namespace pushsim::push
