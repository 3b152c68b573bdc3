#include "discovery.hpp"

#include "pushsim/push/run_push.hpp"
#include "pushsim/scheduler/rest/soql.hpp"

namespace pushsim::push::detail {
namespace {

namespace sch = pushsim::scheduler;
using json = nlohmann::json;
using sch::rest::soql_quote;

const char* const version_fields =
    "SELECT Id, MajorVersion, MinorVersion, PatchVersion, ReleaseState, IsDeprecated FROM MetadataPackageVersion ";

// A string field of a record ("" when absent or not a string).
std::string text_of(const json& r, const char* field) {
  const auto it = r.find(field);
  return it != r.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int int_of(const json& r, const char* field, int otherwise) {
  const auto it = r.find(field);
  return it != r.end() && it->is_number_integer() ? it->get<int>() : otherwise;
}

target_version to_version(const json& r) {
  target_version v;
  v.id = text_of(r, "Id");
  v.major = int_of(r, "MajorVersion", -1);
  v.minor = int_of(r, "MinorVersion", -1);
  v.patch = int_of(r, "PatchVersion", 0);
  v.release_state = text_of(r, "ReleaseState");
  const auto it = r.find("IsDeprecated");
  v.deprecated = it != r.end() && it->is_boolean() && it->get<bool>();
  return v;
}

std::string number_of(const target_version& v) {
  return std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch);
}

}  // namespace

std::variant<std::string, query_failure> find_instance_org_id(instance_client& client) {
  auto got = client.query("SELECT Id FROM Organization");
  if (auto* f = std::get_if<query_failure>(&got)) return std::move(*f);
  const auto& records = std::get<std::vector<json>>(got);
  if (records.size() != 1 || text_of(records[0], "Id").empty()) {
    return query_failure{push_exit_error,
                         "SELECT Id FROM Organization: expected one row, got " + std::to_string(records.size())};
  }
  return text_of(records[0], "Id");
}

std::variant<std::string, query_failure> find_package(instance_client& client, const std::string& package_id) {
  auto got =
      client.query(package_id.empty() ? std::string("SELECT Id, Name FROM MetadataPackage")
                                      : "SELECT Id, Name FROM MetadataPackage WHERE Id = " + soql_quote(package_id));
  if (auto* f = std::get_if<query_failure>(&got)) return std::move(*f);
  const auto& records = std::get<std::vector<json>>(got);
  if (!package_id.empty()) {
    if (records.empty()) {
      return query_failure{push_exit_bad_input, "--package-id " + package_id + ": no such MetadataPackage"};
    }
    return package_id;
  }
  if (records.size() != 1) {
    return query_failure{push_exit_bad_input, "the org has " + std::to_string(records.size()) +
                                                  " packages: name one with --package-id (MetadataPackage Id, 033...)"};
  }
  return text_of(records[0], "Id");
}

std::variant<target_version, query_failure> find_target_version(instance_client& client, const std::string& package_id,
                                                                const sch::target_spec& target,
                                                                const std::string& plan_file) {
  const bool by_id = !target.package_version_id.empty();
  auto got = client.query(std::string(version_fields) + "WHERE MetadataPackageId = " + soql_quote(package_id) +
                          (by_id ? " AND Id = " + soql_quote(target.package_version_id) : std::string()));
  if (auto* f = std::get_if<query_failure>(&got)) return std::move(*f);
  std::string known;
  for (const auto& r : std::get<std::vector<json>>(got)) {
    target_version v = to_version(r);
    if (by_id) return v;
    known += (known.empty() ? "" : ", ") + number_of(v);
    if (target.version && v.major == target.version->major && v.minor == target.version->minor &&
        v.patch == target.version->patch) {
      return v;
    }
  }
  if (by_id) {
    return query_failure{push_exit_bad_input, plan_file + ": /target/package_version_id: " + target.package_version_id +
                                                  " is not a version of package " + package_id};
  }
  return query_failure{push_exit_bad_input, plan_file + ": /target/version: no such version of package " + package_id +
                                                " (versions: " + known + ")"};
}

std::variant<open_work, query_failure> find_open_work(instance_client& client, const std::string& version_id) {
  auto requests = client.requests_for_version(version_id);
  if (auto* f = std::get_if<query_failure>(&requests)) return std::move(*f);
  auto& rows = std::get<std::vector<sch::request_row>>(requests);
  std::vector<std::string> ids;
  ids.reserve(rows.size());
  for (const auto& r : rows) ids.push_back(r.id);
  auto jobs = client.jobs_of(ids);
  if (auto* f = std::get_if<query_failure>(&jobs)) return std::move(*f);
  return classify_open_work(std::move(rows), std::get<std::vector<sch::job_row>>(jobs));
}

std::optional<std::string> target_refusal(const target_version& v) {
  const std::string name = "target version " + number_of(v) + " (" + v.id + ")";
  if (v.release_state != "Released") {
    return name + " is " + (v.release_state.empty() ? std::string("of unknown release state") : v.release_state) +
           ": only a Released version can be pushed";
  }
  if (v.deprecated) return name + " is deprecated: Salesforce refuses pushes of a deprecated version";
  return std::nullopt;
}

}  // namespace pushsim::push::detail
