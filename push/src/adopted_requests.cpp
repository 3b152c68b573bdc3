#include "adopted_requests.hpp"

#include <algorithm>
#include <set>

namespace pushsim::push::detail {
namespace {

namespace sch = pushsim::scheduler;

bool is_open(const std::string& status) {
  return status == "Created" || status == "Pending" || status == "InProgress" || status == "In Progress";
}

// The rows of these ids among the version's requests.
std::variant<std::vector<sch::request_row>, query_failure> rows_of(instance_client& client,
                                                                   const std::string& version_id,
                                                                   const std::set<std::string>& ids) {
  auto all = client.requests_for_version(version_id);
  if (auto* f = std::get_if<query_failure>(&all)) return std::move(*f);
  std::vector<sch::request_row> out;
  for (auto& r : std::get<std::vector<sch::request_row>>(all)) {
    if (ids.contains(r.id)) out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

std::variant<std::vector<std::string>, query_failure> schedule_created(instance_client& client,
                                                                       const std::vector<sch::request_row>& adopted,
                                                                       const std::string& version_id) {
  std::vector<std::string> scheduled;
  std::set<std::string> refused;
  for (const auto& r : adopted) {
    if (r.status != "Created") continue;
    if (client.set_request_status(r.id, "Pending")) {
      refused.insert(r.id);
    } else {
      scheduled.push_back(r.id);
    }
  }
  if (refused.empty()) return scheduled;
  // A PATCH refused because the request is no longer Created is fine; one still Created is not.
  auto now = rows_of(client, version_id, refused);
  if (auto* f = std::get_if<query_failure>(&now)) return std::move(*f);
  for (const auto& r : std::get<std::vector<sch::request_row>>(now)) {
    if (r.status == "Created") {
      return query_failure{1, "could not schedule adopted push request " + r.id +
                                  " (still Created): abort it "
                                  "(PATCH Status=Canceled) or schedule it by hand, then run again"};
    }
  }
  return scheduled;
}

std::variant<std::vector<sch::request_row>, query_failure> await_finished(
    instance_client& client, const std::string& version_id, const std::vector<std::string>& ids, wall_clock& clock,
    duration poll, const std::function<void(std::size_t)>& progress) {
  const std::set<std::string> wanted(ids.begin(), ids.end());
  for (;;) {
    auto got = rows_of(client, version_id, wanted);
    if (auto* f = std::get_if<query_failure>(&got)) return std::move(*f);
    auto& rows = std::get<std::vector<sch::request_row>>(got);
    const auto open = static_cast<std::size_t>(
        std::count_if(rows.begin(), rows.end(), [](const sch::request_row& r) { return is_open(r.status); }));
    if (progress) progress(open);
    if (open == 0) return std::move(rows);
    clock.sleep_for(poll);
  }
}

}  // namespace pushsim::push::detail
