#include "open_work.hpp"

#include <sstream>

namespace pushsim::push::detail {
namespace {

constexpr std::size_t listed_max = 20;

bool is_open(const std::string& status) {
  return status == "Created" || status == "Pending" || status == "InProgress" || status == "In Progress";
}

}  // namespace

std::variant<open_work, query_failure> find_open_work(instance_client& client, const std::string& version_id) {
  auto requests = client.requests_for_version(version_id);
  if (auto* f = std::get_if<query_failure>(&requests)) return std::move(*f);
  open_work w;
  std::vector<std::string> ids;
  for (auto& r : std::get<std::vector<scheduler::request_row>>(requests)) {
    ids.push_back(r.id);
    if (is_open(r.status)) w.open_requests.push_back(std::move(r));
  }
  auto jobs = client.jobs_of(ids);
  if (auto* f = std::get_if<query_failure>(&jobs)) return std::move(*f);
  for (const auto& j : std::get<std::vector<scheduler::job_row>>(jobs)) {
    if (j.status != "Succeeded") w.orgs_with_jobs.emplace(j.org_key, j.status);
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
      << " or run with --adopt-open-requests to leave those orgs out of this run and the open requests alone";
  return out.str();
}

std::set<std::string> adopted_org_keys(const open_work& w) {
  std::set<std::string> keys;
  for (const auto& [key, status] : w.orgs_with_jobs) keys.insert(key);
  return keys;
}

}  // namespace pushsim::push::detail
