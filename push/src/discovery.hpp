#pragma once
// Discovery before any side-effecting call: the instance's Organization Id, the package (--package-id or the
// org's only MetadataPackage), the target version with its ReleaseState and IsDeprecated (so that a target
// that cannot succeed is refused first) and the work already under way for it. Every id in SOQL is quoted.
// Private to pushsim::push.

#include <optional>
#include <string>
#include <variant>

#include "instance_client.hpp"
#include "pushsim/push/open_work.hpp"
#include "pushsim/scheduler/plan.hpp"

namespace pushsim::push::detail {

// A MetadataPackageVersion as found.
struct target_version {
  std::string id;  // 04t...
  int major = 0, minor = 0, patch = 0;
  std::string release_state;  // "Released", "Beta"
  bool deprecated = false;
};

// The Organization Id of the instance (also the preflight: an unreachable instance or a bad token stop here).
std::variant<std::string, query_failure> find_instance_org_id(instance_client& client);

// The package: package_id when given (it must exist), else the org's only MetadataPackage.
std::variant<std::string, query_failure> find_package(instance_client& client, const std::string& package_id);

// The plan's target version of the package (by id or by number); unknown: exit 2 naming plan_file's pointer.
std::variant<target_version, query_failure> find_target_version(instance_client& client, const std::string& package_id,
                                                                const scheduler::target_spec& target,
                                                                const std::string& plan_file);

// What is under way for the target version: every request of it, then their jobs (every page).
std::variant<open_work, query_failure> find_open_work(instance_client& client, const std::string& version_id);

// Why a push to this version cannot succeed (Beta, deprecated), or nothing.
std::optional<std::string> target_refusal(const target_version& v);

}  // namespace pushsim::push::detail
