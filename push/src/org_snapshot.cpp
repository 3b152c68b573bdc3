#include "pushsim/push/org_snapshot.hpp"

#include <filesystem>
#include <ostream>

#include "discovery.hpp"
#include "instance_client.hpp"
#include "pushsim/base/output_file.hpp"
#include "pushsim/push/run_push.hpp"
#include "pushsim/scheduler/rest/soql.hpp"

namespace pushsim::push {

namespace {

namespace sch = pushsim::scheduler;
using json = nlohmann::json;
using records = std::vector<json>;
using sch::rest::soql_quote;

// Ids per IN list: well under the URI limit of an 18-character id list.
constexpr std::size_t ids_per_query = 100;

// The records of `select ... WHERE field IN (ids)`, the ids split over several queries.
std::variant<records, detail::query_failure> query_in(detail::instance_client& client, const std::string& select,
                                                      const std::string& field, const records& of) {
  records out;
  for (std::size_t i = 0; i < of.size(); i += ids_per_query) {
    std::string in;
    for (std::size_t j = i; j < std::min(of.size(), i + ids_per_query); ++j) {
      in += (in.empty() ? "" : ", ") + soql_quote(of[j].value("Id", ""));
    }
    auto page = client.query(select + " WHERE " + field + " IN (" + in + ")");
    if (auto* f = std::get_if<detail::query_failure>(&page)) return *f;
    auto& rows = std::get<records>(page);
    out.insert(out.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
  }
  return out;
}

// The REST query result shape the importer reads.
std::string result_text(const records& rows) {
  json j = {{"totalSize", rows.size()}, {"done", true}, {"records", json::array()}};
  for (const auto& r : rows) j["records"].push_back(r);
  return j.dump(1) + "\n";
}

struct fetched {
  std::vector<std::pair<std::string, records>> files;  // file name, rows
};

std::variant<fetched, detail::query_failure> fetch(detail::instance_client& client, const std::string& package_id,
                                                   std::uint32_t history) {
  fetched f;
  const std::string pkg = soql_quote(package_id);
  const auto get = [&](const std::string& name, const std::string& soql) -> std::optional<detail::query_failure> {
    auto r = client.query(soql);
    if (auto* e = std::get_if<detail::query_failure>(&r)) return *e;
    f.files.emplace_back(name, std::move(std::get<records>(r)));
    return std::nullopt;
  };
  if (auto e = get("subscribers.json",
                   "SELECT OrgKey, OrgName, OrgType, OrgStatus, InstanceName, ParentOrg, MetadataPackageVersionId, "
                   "InstalledStatus FROM PackageSubscriber WHERE MetadataPackageId = " +
                       pkg + " ORDER BY OrgKey")) {
    return *e;
  }
  if (auto e = get("versions.json",
                   "SELECT Id, Name, MajorVersion, MinorVersion, PatchVersion, BuildNumber, ReleaseState, IsDeprecated "
                   "FROM MetadataPackageVersion WHERE MetadataPackageId = " +
                       pkg + " ORDER BY Id")) {
    return *e;
  }
  if (history == 0) return f;
  const records versions = f.files.back().second;
  auto requests = query_in(client,
                           "SELECT Id, PackageVersionId, ScheduledStartTime, Status, StartTime, EndTime, "
                           "DurationSeconds FROM PackagePushRequest",
                           "PackageVersionId", versions);
  if (auto* e = std::get_if<detail::query_failure>(&requests)) return *e;
  records& req = std::get<records>(requests);
  std::stable_sort(req.begin(), req.end(), [](const json& a, const json& b) {
    return a.value("ScheduledStartTime", "") > b.value("ScheduledStartTime", "");  // ISO-8601: text order is time order
  });
  if (req.size() > history) req.resize(history);
  auto jobs = query_in(client,
                       "SELECT Id, PackagePushRequestId, SubscriberOrganizationKey, Status, StartTime, EndTime, "
                       "DurationSeconds FROM PackagePushJob",
                       "PackagePushRequestId", req);
  if (auto* e = std::get_if<detail::query_failure>(&jobs)) return *e;
  auto errors =
      query_in(client,
               "SELECT Id, PackagePushJobId, ErrorSeverity, ErrorType, ErrorTitle, ErrorMessage, ErrorDetails "
               "FROM PackagePushError",
               "PackagePushJobId", std::get<records>(jobs));
  if (auto* e = std::get_if<detail::query_failure>(&errors)) return *e;
  f.files.emplace_back("push_requests.json", std::move(req));
  f.files.emplace_back("push_jobs.json", std::move(std::get<records>(jobs)));
  f.files.emplace_back("push_errors.json", std::move(std::get<records>(errors)));
  return f;
}

// Checks every output path before any exchange; the resolved targets, or nothing after printing why.
std::optional<std::vector<std::filesystem::path>> check_targets(const snapshot_options& o, std::ostream& err) {
  std::vector<std::string> paths;
  for (const char* name :
       {"subscribers.json", "versions.json", "push_requests.json", "push_jobs.json", "push_errors.json"}) {
    paths.push_back(o.history == 0 && paths.size() >= 2 ? std::string()
                                                        : (std::filesystem::path(o.out_dir) / name).string());
  }
  auto checked = check_output_paths(paths, {});
  if (auto* errors = std::get_if<std::vector<output_error>>(&checked)) {
    for (const auto& e : *errors) err << "pushsim snapshot: " << e.to_string() << "\n";
    return std::nullopt;
  }
  return std::get<std::vector<std::filesystem::path>>(checked);
}

}  // namespace

int run_snapshot(const snapshot_options& o, std::ostream& out, std::ostream& err) {
  const auto targets = check_targets(o, err);
  if (!targets) return push_exit_bad_input;
  sch::http::http_client_options h;
  h.instance_url = o.instance_url;
  h.insecure_skip_verify = o.insecure;
  sch::http::http_client http(h);
  sch::rest::codec codec;
  system_wall_clock clock;
  detail::instance_client client(http, codec, o.token, clock, o.give_up_after);
  const auto fail = [&](const detail::query_failure& f) {
    err << "pushsim snapshot: " << f.message << "\n";
    return f.exit_code;
  };
  if (auto org = detail::find_instance_org_id(client); auto* f = std::get_if<detail::query_failure>(&org))
    return fail(*f);
  const auto pkg = detail::find_package(client, o.package_id);
  if (auto* f = std::get_if<detail::query_failure>(&pkg)) return fail(*f);
  const auto got = fetch(client, std::get<std::string>(pkg), o.history);
  if (auto* f = std::get_if<detail::query_failure>(&got)) return fail(*f);
  std::vector<output_text> files;
  const auto& fetched_files = std::get<fetched>(got).files;
  for (std::size_t i = 0; i < fetched_files.size(); ++i)
    files.push_back({(*targets)[i], result_text(fetched_files[i].second)});
  if (const auto e = write_all_atomically(files)) {
    err << "pushsim snapshot: " << e->to_string() << "\n";
    return push_exit_bad_input;
  }
  for (const auto& [name, rows] : fetched_files)
    out << (std::filesystem::path(o.out_dir) / name).string() << ": " << rows.size() << " records\n";
  return push_exit_done;
}

}  // namespace pushsim::push
