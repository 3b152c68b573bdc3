// The importer's row handlers: one per export kind, each reading its columns into the org the row names.
#include <charconv>

#include "population_importer.hpp"
#include "pushsim/mock_org/salesforce_id.hpp"

namespace pushsim::mock_org::detail {

namespace {

// "Enterprise Edition", "enterprise" -> Enterprise; nullopt when the model does not know it.
std::optional<edition> edition_of(std::string_view text) {
  std::string s = lower(text);
  if (s.ends_with(" edition")) s.resize(s.size() - 8);
  for (const edition e :
       {edition::professional, edition::enterprise, edition::unlimited, edition::performance, edition::developer}) {
    if (lower(to_string(e)) == s) return e;
  }
  return std::nullopt;
}

std::optional<org_status> status_of(std::string_view text) {
  const std::string s = lower(text);
  for (const org_status v :
       {org_status::active, org_status::demo, org_status::free, org_status::inactive, org_status::trial}) {
    if (lower(to_string(v)) == s) return v;
  }
  return std::nullopt;
}

std::optional<bool> boolean_of(std::string_view text) {
  const std::string s = lower(text);
  if (s == "true" || s == "1" || s == "yes") return true;
  if (s == "false" || s == "0" || s == "no") return false;
  return std::nullopt;
}

}  // namespace

std::optional<std::uint32_t> importer::count(const import_table& t, std::string_view column) {
  const std::string_view text = get(t, column);
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v > 4'000'000'000ull) {
    fail(t, column, "expected a whole number of at most 4000000000, found \"" + std::string(text) + "\"");
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(v);
}

bool importer::time_of(const import_table& t, std::string_view column, std::optional<time_point>& out) {
  const std::string_view text = get(t, column);
  if (text.empty()) return true;
  const auto parsed = parse_iso8601(text);
  if (!parsed) return fail(t, column, "expected a date-time such as 2026-09-12T02:00:00.000+0000: " + parsed.error);
  out = parsed.time;
  return true;
}

std::optional<record_id> importer::id_of(const import_table& t, std::string_view column, std::string_view prefix,
                                         std::string_view what) {
  const std::string_view text = get(t, column);
  auto id = parse_record_id(prefix, text);
  if (!id) {
    fail(t, column,
         "\"" + std::string(text) + "\" is not " + std::string(what) + " (" + std::string(prefix) +
             "... , 15 letters or digits, or 18 whose last three are the case checksum)");
  }
  return id;
}

std::optional<push_status> importer::push_status_of(const import_table& t, std::string_view what) {
  const std::string_view text = get(t, "Status");
  const auto s = parse_push_status(text);
  if (!s) {
    fail(t, "Status",
         "expected a " + std::string(what) +
             " status (Created, Pending, InProgress, Succeeded, Failed, Canceled), found \"" + std::string(text) +
             "\"");
  }
  return s;
}

std::optional<error_type> importer::error_type_of(const import_table& t) {
  const std::string_view text = get(t, "ErrorType");
  const auto e = parse_error_type(text);
  if (!e) {
    fail(t, "ErrorType",
         "expected a PackagePushError ErrorType (ApexTestFailure, DeployError, ...), found \"" + std::string(text) +
             "\"");
  }
  return e;
}

bool importer::set_type(const import_table& t, std::uint32_t org, std::string_view column) {
  const std::string_view text = get(t, column);
  if (text.empty()) return true;
  const auto v = parse_org_type(text);
  if (!v) return fail(t, column, "expected Production or Sandbox, found \"" + std::string(text) + "\"");
  return set(t, org, a_type, out_.orgs[org].type, *v, column);
}

bool importer::set_status(const import_table& t, std::uint32_t org, std::string_view column) {
  const std::string_view text = get(t, column);
  if (text.empty()) return true;
  auto v = status_of(text);
  if (!v) {
    ++out_.summary.unknown_statuses;
    v = org_status::other;
  }
  return set(t, org, a_status, out_.orgs[org].status, *v, column);
}

bool importer::set_edition(const import_table& t, std::uint32_t org, std::string_view column) {
  const std::string_view text = get(t, column);
  if (text.empty()) return true;
  auto v = edition_of(text);
  if (!v) {
    ++out_.summary.unknown_editions;
    v = edition::other;
  }
  return set(t, org, a_edition, out_.orgs[org].edition, *v, column);
}

bool importer::set_instance(const import_table& t, std::uint32_t org, std::string_view column) {
  const std::string_view text = get(t, column);
  if (text.empty()) return true;
  const auto v = out_.instances.intern(text);
  if (!v)
    return fail(
        t, column,
        "\"" + std::string(text) + "\" is not an instance name pushsim knows (NA142, USA246, EU44, AP15, CS42, ...)");
  return set(t, org, a_instance, out_.orgs[org].instance, *v, column);
}

bool importer::set_zone(const import_table& t, std::uint32_t org, std::string_view column) {
  const std::string_view text = get(t, column);
  if (text.empty()) return true;
  const auto v = out_.zones.intern(text);
  if (!v) return fail(t, column, "\"" + std::string(text) + "\" is not an IANA time zone (e.g. Europe/Paris)");
  return set(t, org, a_zone, out_.orgs[org].zone, *v, column);
}

bool importer::set_version_text(const import_table& t, std::uint32_t org, std::string_view column) {
  const std::string_view text = get(t, column);
  if (text.empty()) return true;
  const auto num = parse_version_number(text);
  if (!num) return fail(t, column, "expected a version such as 2.4 or 2.4.1, found \"" + std::string(text) + "\"");
  const auto v = pkg_.find_version(*num);
  if (!v) return fail(t, column, "the scenario's package has no version " + num->str());
  return set(t, org, a_version, out_.orgs[org].installed_version, *v, column);
}

bool importer::subscriber_row(const import_table& t) {
  const auto org = org_of(t, "OrgKey", true);
  if (!org) return false;
  if (!set_name(t, *org, get(t, "OrgName"), "OrgName") || !set_type(t, *org, "OrgType") ||
      !set_status(t, *org, "OrgStatus") || !set_instance(t, *org, "InstanceName")) {
    return false;
  }
  if (const auto parent = get(t, "ParentOrg"); !parent.empty()) {
    const auto key = parse_org_key(parent);
    if (!key) return fail(t, "ParentOrg", "\"" + std::string(parent) + "\" is not an org id");
    if (!set(t, *org, a_parent, out_.orgs[*org].parent, *key, "ParentOrg")) return false;
  }
  const std::string_view installed = get(t, "InstalledStatus");
  if (installed == "u")
    return set(t, *org, a_version, out_.orgs[*org].installed_version, not_installed, "InstalledStatus");
  if (!installed.empty() && installed != "i") {
    return fail(t, "InstalledStatus",
                "expected i (installed) or u (uninstalled), found \"" + std::string(installed) + "\"");
  }
  const std::string_view id = get(t, "MetadataPackageVersionId");
  if (id.empty()) return true;
  const auto version_id = id_of(t, "MetadataPackageVersionId", package_version_prefix, "a package version id");
  if (!version_id) return false;
  pending_versions_.push_back({*org,
                               *version_id,
                               {static_cast<std::uint32_t>(files_.size() - 1), t.row(),
                                static_cast<std::uint32_t>(col("MetadataPackageVersionId"))}});
  return true;
}

bool importer::version_row(const import_table& t) {
  const auto id = id_of(t, "Id", package_version_prefix, "a package version id");
  if (!id) return false;
  version_number n;
  const auto major = count(t, "MajorVersion");
  const auto minor = count(t, "MinorVersion");
  if (!major || !minor) return false;
  std::uint32_t patch = 0;
  if (!get(t, "PatchVersion").empty()) {
    const auto p = count(t, "PatchVersion");
    if (!p) return false;
    patch = *p;
  }
  if (*major > 0xFFFF || *minor > 0xFFFF || patch > 0xFFFF)
    return fail(t, "MajorVersion", "a version part is above 65535");
  n = {static_cast<std::uint16_t>(*major), static_cast<std::uint16_t>(*minor), static_cast<std::uint16_t>(patch)};
  version_ids_[*id] = n;
  return true;
}

bool importer::lma_row(const import_table& t) {
  const auto org = org_of(t, "sfLma__Subscriber_Org_ID__c", true);
  if (!org) return false;
  if (!set_instance(t, *org, "sfLma__Org_Instance__c") || !set_edition(t, *org, "sfLma__Org_Edition__c")) return false;
  if (const auto sandbox = get(t, "sfLma__Subscriber_Org_Is_Sandbox__c"); !sandbox.empty()) {
    const auto b = boolean_of(sandbox);
    if (!b)
      return fail(t, "sfLma__Subscriber_Org_Is_Sandbox__c",
                  "expected true or false, found \"" + std::string(sandbox) + "\"");
    if (!set(t, *org, a_type, out_.orgs[*org].type, *b ? org_type::sandbox : org_type::production,
             "sfLma__Subscriber_Org_Is_Sandbox__c")) {
      return false;
    }
  }
  if (lower(get(t, "sfLma__Status__c")) == "uninstalled") {
    return set(t, *org, a_version, out_.orgs[*org].installed_version, not_installed, "sfLma__Status__c");
  }
  for (const char* c : {"sfLma__Version_Number__c", "sfLma__Package_Version__r.sfLma__Version_Number__c"}) {
    if (!set_version_text(t, *org, c)) return false;
  }
  std::string_view users_col = "sfLma__Used_Licenses__c";
  if (get(t, users_col).empty())
    users_col = get(t, "sfLma__Licensed_Seats__c").empty() ? "sfLma__Seats__c" : "sfLma__Licensed_Seats__c";
  const std::string_view users = get(t, users_col);
  if (users.empty() || lower(users) == "site license" || users == "-1") return true;  // -1: LMA's site license
  const auto n = count(t, users_col);
  return n && set(t, *org, a_users, out_.orgs[*org].users, *n, users_col);
}

bool importer::snapshot_row(const import_table& t) {
  const auto org = org_of(t, "organization_id", true);
  if (!org || !set_edition(t, *org, "organization_edition") || !set_status(t, *org, "organization_status"))
    return false;
  const auto object = pkg_.find_object(get(t, "custom_entity"));
  if (!object) {
    ++out_.summary.snapshot_rows_unknown_object;
    return true;
  }
  const auto n = count(t, "count");
  if (!n) return false;
  auto& slot = snapshot_[{*org, *object}];
  const std::string_view date = get(t, "date");
  if (slot.first.empty() || date >= slot.first) slot = {std::string(date), *n};
  return true;
}

bool importer::usage_row(const import_table& t) {
  const auto org = org_of(t, "organization_id", true);
  if (!org || !set_instance(t, *org, "organization_instance") || !set_type(t, *org, "organization_type") ||
      !set_edition(t, *org, "organization_edition") || !set_zone(t, *org, "organization_time_zone")) {
    return false;
  }
  if (get(t, "log_record_type").find("Exception") != std::string_view::npos) out_.orgs[*org].threw_exceptions = true;
  if (const auto token = get(t, "user_id_token"); !token.empty()) {
    user_tokens_.emplace_back(*org, std::hash<std::string_view>{}(token));
  }
  return true;
}

bool importer::request_row(const import_table& t) {
  push_request_record r;
  const auto id = id_of(t, "Id", push_request_prefix, "a push request id");
  const auto status = id ? push_status_of(t, "PackagePushRequest") : std::nullopt;
  if (!status) return false;
  r.id = *id;
  r.status = *status;
  if (!get(t, "PackageVersionId").empty()) {
    r.version_id = id_of(t, "PackageVersionId", package_version_prefix, "a package version id");
    if (!r.version_id) return false;
  }
  if (!time_of(t, "ScheduledStartTime", r.scheduled_start) || !time_of(t, "StartTime", r.start) ||
      !time_of(t, "EndTime", r.end)) {
    return false;
  }
  out_.history.requests.push_back(r);
  return true;
}

bool importer::job_row(const import_table& t) {
  const auto org = org_of(t, "SubscriberOrganizationKey", false);
  const auto id = org ? id_of(t, "Id", push_job_prefix, "a push job id") : std::nullopt;
  const auto status = id ? push_status_of(t, "PackagePushJob") : std::nullopt;
  if (!status) return false;
  push_job_record j{*id, std::nullopt, out_.orgs[*org].key, *org, *status, std::nullopt, std::nullopt};
  if (!get(t, "PackagePushRequestId").empty()) {
    j.request = id_of(t, "PackagePushRequestId", push_request_prefix, "a push request id");
    if (!j.request) return false;
  }
  if (!time_of(t, "StartTime", j.start) || !time_of(t, "EndTime", j.end)) return false;
  ++out_.summary.push_jobs;
  out_.history.jobs.push_back(j);
  return true;
}

bool importer::error_row(const import_table& t) {
  const auto job = id_of(t, "PackagePushJobId", push_job_prefix, "a push job id");
  const auto type = job ? error_type_of(t) : std::nullopt;
  if (!type) return false;
  out_.history.errors.push_back({*job, *type, std::string(get(t, "ErrorSeverity")), std::string(get(t, "ErrorTitle")),
                                 std::string(get(t, "ErrorMessage"))});
  return true;
}

bool importer::fails_row(const import_table& t) {
  const auto org = org_of(t, "OrganizationId", false);
  if (!org || !set_name(t, *org, get(t, "OrgName"), "OrgName") || !set_type(t, *org, "OrgType") ||
      !set_status(t, *org, "OrgStatus") || !set_instance(t, *org, "InstanceName")) {
    return false;
  }
  const auto type = error_type_of(t);
  if (!type) return false;
  out_.history.fails.push_back({out_.orgs[*org].key, *type, std::string(get(t, "ErrorSeverity")),
                                std::string(get(t, "ErrorTitle")), std::string(get(t, "ErrorMessage"))});
  return true;
}

}  // namespace pushsim::mock_org::detail
