#pragma once
// platform_data_source: the SOQL data_source over a mock_org::platform. Row ids are row indexes (0-based) of
// each object: MetadataPackage (1 row), MetadataPackageVersion (one per version), PackageSubscriber (one per
// org), PackagePushRequest / PackagePushJob / PackagePushError (platform rows), Organization and User (one
// row each: the partner's packaging org and its user, for Salesforce CLI logins), ScratchOrgInfo (no rows).
//
// Indexed lookups (lookup_eq) answer without scanning for: Id of every object, PackageSubscriber.OrgKey,
// PackagePushJob.PackagePushRequestId, PackagePushJob.SubscriberOrganizationKey, PackagePushError.PackagePushJobId,
// PackageSubscriber.MetadataPackageVersionId / MetadataPackageId, MetadataPackageVersion.MetadataPackageId.
// Other fields marked indexed in the schema (Status, OrgStatus, ...) fall back to a scan (nullopt), which is
// linear but allocation-free.

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "pushsim/mock_org/api/data_source.hpp"
#include "pushsim/mock_org/platform.hpp"

namespace pushsim::mock_org::api {

// The packaging org the partner logs into (Organization / User rows, userinfo).
struct partner_org_info {
  std::string org_id = "00D000000000PSHAAA";  // 18 characters
  std::string org_name = "pushsim Packaging Org";
  std::string user_id = "005000000000PSHAAA";
  std::string username = "admin@pushsim.example";
  std::string user_name = "Pushsim Admin";
  std::string email = "admin@pushsim.example";
  std::string namespace_prefix;  // empty: the package's namespace
  std::string instance_name = "NA142";
};

class platform_data_source final : public data_source {
 public:
  // spaced_status: render the running status as "In Progress" (else "InProgress").
  platform_data_source(const platform& p, partner_org_info partner, bool spaced_status);

  void scan(const object_def& obj, const std::function<void(row_id)>& visit) const override;
  value field(const object_def& obj, row_id row, const field_def& f) const override;
  std::optional<std::vector<row_id>> lookup_eq(const object_def& obj, const field_def& f,
                                               const value& v) const override;
  // Exact for PackagePushJob.PackagePushRequestId given a request's id as this source renders it (18
  // characters): the status-count and job queries a scheduler polls with.
  bool lookup_is_exact(const object_def& obj, const field_def& f, const value& v) const override;
  std::optional<row_id> parent(const object_def& obj, row_id row, const field_def& ref,
                               const object_def& target) const override;
  // PackagePushJob by Status for one PackagePushRequestId, from the platform's per-request counters (a status
  // poll costs six numbers, not a walk over the request's jobs). Groups in Status order.
  std::optional<std::vector<group_count>> counts_by(const object_def& obj, const field_def& filter, const value& v,
                                                    const field_def& group) const override;

  // Number of rows of an object.
  std::size_t size(const object_def& obj) const;
  const partner_org_info& partner() const { return partner_; }
  bool spaced_status() const { return spaced_; }

 private:
  enum obj_kind : std::size_t {
    k_package,
    k_version,
    k_subscriber,
    k_request,
    k_job,
    k_error,
    k_org,
    k_user,
    k_scratch
  };
  obj_kind kind_of(const object_def& obj) const;
  void sync_job_index() const;
  std::vector<row_id> orgs_by_key(std::string_view key) const;

  const platform& p_;
  partner_org_info partner_;
  bool spaced_;
  // Lower-cased 15-character org keys with their org, sorted (built on first use; the population is fixed).
  mutable std::vector<std::pair<std::array<char, 15>, org_index>> keys_lower_;
  // Latest job of each org (0: none), caught up with the platform's job rows on use.
  mutable std::vector<job_id> last_job_of_org_;
  mutable std::size_t jobs_synced_ = 0;
};

}  // namespace pushsim::mock_org::api
