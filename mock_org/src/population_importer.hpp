#pragma once
// The importer behind import_population (private): reads files one by one into orgs keyed by org id, then
// resolves what needs every file. Rows are handled in population_import_rows.cpp, the rest in
// population_import.cpp.

#include <array>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "import_table.hpp"
#include "pushsim/mock_org/population_import.hpp"

namespace pushsim::mock_org::detail {

inline constexpr std::array<std::string_view, import_kind_count> kind_names{
    "PackageSubscriber",  "MetadataPackageVersion", "sfLma__License__c", "SubscriberSnapshot", "PackageUsageLog",
    "PackagePushRequest", "PackagePushJob",         "PackagePushError",  "push_fails.csv"};

// How a kind is recognised (any identifying column present; the most present wins) and what it must have.
struct kind_signature {
  import_kind kind;
  std::vector<std::string_view> identifying;
  std::vector<std::string_view> required;
};

inline const std::vector<kind_signature>& signatures() {
  static const std::vector<kind_signature> s = {
      {import_kind::package_subscriber,
       {"OrgKey", "InstalledStatus", "MetadataPackageVersionId", "OrgType"},
       {"OrgKey", "OrgType", "OrgStatus", "InstanceName"}},
      {import_kind::package_version,
       {"MajorVersion", "MinorVersion", "PatchVersion", "ReleaseState"},
       {"Id", "MajorVersion", "MinorVersion"}},
      {import_kind::lma_license,
       {"sfLma__Subscriber_Org_ID__c", "sfLma__Used_Licenses__c", "sfLma__Seats__c", "sfLma__Licensed_Seats__c",
        "sfLma__Org_Instance__c", "sfLma__Subscriber_Org_Is_Sandbox__c"},
       {"sfLma__Subscriber_Org_ID__c"}},
      {import_kind::subscriber_snapshot,
       {"custom_entity", "count", "attribute_name", "attribute_value"},
       {"organization_id", "custom_entity", "count"}},
      {import_kind::package_usage_log,
       {"log_record_type", "user_id_token", "organization_time_zone", "timestamp_derived"},
       {"organization_id", "log_record_type"}},
      {import_kind::push_request, {"ScheduledStartTime", "PackageVersionId"}, {"Id", "Status"}},
      {import_kind::push_job,
       {"PackagePushRequestId", "SubscriberOrganizationKey"},
       {"Id", "SubscriberOrganizationKey", "Status"}},
      {import_kind::push_error,
       {"PackagePushJobId", "ErrorDetails", "ErrorSeverity", "ErrorTitle"},
       {"PackagePushJobId", "ErrorType"}},
      {import_kind::push_fails,
       {"OrganizationId", "Gack Id", "Stacktrace Id", "ErrorTitle", "ErrorSeverity"},
       {"OrganizationId", "ErrorType"}},
  };
  return s;
}

// The attributes checked for conflicts between rows.
enum attr : std::size_t {
  a_name,
  a_type,
  a_status,
  a_instance,
  a_parent,
  a_version,
  a_zone,
  a_edition,
  a_users,
  attr_count
};
inline constexpr std::array<std::string_view, attr_count> attr_names{
    "name", "type", "status", "instance", "parent", "installed version", "time zone", "edition", "users"};

// Where a value came from: file number, row reference, column. file == no_file: not set.
struct origin {
  std::uint32_t file = 0xFFFF'FFFFu;
  std::uint32_t row = 0;
  std::uint32_t col = 0;
};

struct key_hash {
  std::size_t operator()(const org_key& k) const {
    std::uint64_t h = 1469598103934665603ull;
    for (const char c : k.chars) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    return static_cast<std::size_t>(h);
  }
};

// What is kept of each file after it is read: enough to name a location in it.
struct file_info {
  std::string label;
  bool json = false;
  std::string records_pointer;
  std::vector<std::string> header;
};

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

// Reads the files one by one into orgs keyed by org id, then resolves what needs every file (versions, users,
// records, history) and drops orgs only the push history knows.
class importer {
 public:
  importer(const package& pkg, std::vector<input_error>& errors) : pkg_(pkg), errors_(errors) {}

  bool read(const std::string& path, const std::string& label);
  std::optional<population_import> finish();

 private:
  std::optional<import_kind> detect(const import_table& t);
  void rows(import_table& t, import_kind k);
  bool subscriber_row(const import_table& t);
  bool version_row(const import_table& t);
  bool lma_row(const import_table& t);
  bool snapshot_row(const import_table& t);
  bool usage_row(const import_table& t);
  bool request_row(const import_table& t);
  bool job_row(const import_table& t);
  bool error_row(const import_table& t);
  bool fails_row(const import_table& t);

  // The field of column `name` ("" when the file has no such column).
  std::string_view get(const import_table& t, std::string_view name) const;
  std::size_t col(std::string_view name) const;
  bool fail(const import_table& t, std::string_view column, std::string message);
  std::optional<std::uint32_t> org_of(const import_table& t, std::string_view column, bool base);
  template <class T>
  bool set(const import_table& t, std::uint32_t org, attr a, std::optional<T>& slot, T value, std::string_view column);
  bool set_name(const import_table& t, std::uint32_t org, std::string_view name, std::string_view column);
  std::string where(const origin& o) const;
  std::string text_of(std::uint32_t org, attr a) const;

  bool set_type(const import_table& t, std::uint32_t org, std::string_view column);
  bool set_status(const import_table& t, std::uint32_t org, std::string_view column);
  bool set_edition(const import_table& t, std::uint32_t org, std::string_view column);
  bool set_instance(const import_table& t, std::uint32_t org, std::string_view column);
  bool set_zone(const import_table& t, std::uint32_t org, std::string_view column);
  bool set_version_text(const import_table& t, std::uint32_t org, std::string_view column);
  std::optional<std::uint32_t> count(const import_table& t, std::string_view column);
  bool time_of(const import_table& t, std::string_view column, std::optional<time_point>& out);
  std::optional<record_id> id_of(const import_table& t, std::string_view column, std::string_view prefix,
                                 std::string_view what);
  std::optional<push_status> push_status_of(const import_table& t, std::string_view what);
  std::optional<error_type> error_type_of(const import_table& t);

  void resolve_versions();
  void resolve_users();
  void resolve_records();
  void resolve_history();
  void resolve_parents();
  void drop_history_only();

  const package& pkg_;
  std::vector<input_error>& errors_;
  population_import out_;
  std::vector<file_info> files_;
  std::vector<std::pair<std::string, std::size_t>> columns_;  // the current file's header
  std::vector<std::array<origin, attr_count>> origins_;
  std::vector<std::uint8_t> in_base_;  // listed by a subscriber source (not only by push history)
  std::unordered_map<org_key, std::uint32_t, key_hash> index_;
  struct pending_version {
    std::uint32_t org;
    record_id id;
    origin at;
  };
  std::vector<pending_version> pending_versions_;
  std::map<record_id, version_number> version_ids_;
  std::vector<std::pair<std::uint32_t, std::uint64_t>> user_tokens_;
  std::map<std::pair<std::uint32_t, object_index>, std::pair<std::string, std::uint32_t>> snapshot_;
};

}  // namespace pushsim::mock_org::detail
