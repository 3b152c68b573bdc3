#pragma once
// One PackageSubscriber row as the push API reports it (after scheduler/rest decoded it).

#include <optional>
#include <string>

#include "pushsim/scheduler/types.hpp"

namespace pushsim::scheduler {

struct subscriber {
  std::string org_key;  // OrgKey exactly as returned (15 or 18 characters); used as-is in API calls
  std::string org_name;
  org_type type = org_type::production;
  org_status status = org_status::active;
  std::string instance_name;  // e.g. "NA45"
  std::string parent_org;     // the production org of a sandbox, if any
  installed_status installed = installed_status::installed;
  std::optional<package_version> installed_version;  // from MetadataPackageVersion, when known
  std::string installed_version_id;                  // MetadataPackageVersionId (04t...), 15-character form
  std::optional<bool> push_blocked;                  // subscriber blocks push upgrades, when known
};

}  // namespace pushsim::scheduler
