#pragma once
// sobject_access: which push objects and fields a client may create or update through the REST API (what
// describe reports and what create, composite, Bulk and PATCH enforce). Private to mock_org/api.

#include "pushsim/mock_org/api/schema.hpp"

namespace pushsim::mock_org::api::detail {

// PackagePushRequest and PackagePushJob can be inserted; the other objects are read-only.
inline bool createable(const object_def& o) { return o.name == "PackagePushRequest" || o.name == "PackagePushJob"; }

inline bool field_createable(const object_def& o, const field_def& f) {
  if (o.name == "PackagePushRequest") return f.name == "PackageVersionId" || f.name == "ScheduledStartTime";
  if (o.name == "PackagePushJob") return f.name == "PackagePushRequestId" || f.name == "SubscriberOrganizationKey";
  return false;
}

// Only a push request's Status can be changed (PATCH).
inline bool field_updateable(const object_def& o, const field_def& f) {
  return o.name == "PackagePushRequest" && f.name == "Status";
}

}  // namespace pushsim::mock_org::api::detail
