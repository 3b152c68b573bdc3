#include "pushsim/mock_org/api/platform_data_source.hpp"

#include <algorithm>
#include <numeric>

#include "pushsim/base/assert.hpp"

namespace pushsim::mock_org::api {

namespace {
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

value opt_time(bool valid, time_point t) { return valid ? value{t} : value{}; }
value opt_int(const std::optional<std::int64_t>& v) { return v ? value{*v} : value{}; }
const std::string* as_string(const value& v) { return std::get_if<std::string>(&v); }
}  // namespace

platform_data_source::platform_data_source(const platform& p, partner_org_info partner, bool spaced_status)
    : p_(p), partner_(std::move(partner)), spaced_(spaced_status) {
  const schema& s = push_schema();
  static constexpr const char* names[] = {
      "MetadataPackage", "MetadataPackageVersion", "PackageSubscriber", "PackagePushRequest",
      "PackagePushJob",  "PackagePushError",       "Organization",      "User",
      "ScratchOrgInfo"};
  for (std::size_t i = 0; i < std::size(names); ++i) {
    const object_def* o = s.find_object(names[i]);
    PUSHSIM_ASSERT(o != nullptr && o->index == i, "platform_data_source: schema object order changed");
  }
  if (partner_.namespace_prefix.empty()) partner_.namespace_prefix = p_.pkg().namespace_prefix;
}

platform_data_source::obj_kind platform_data_source::kind_of(const object_def& obj) const {
  PUSHSIM_ASSERT(obj.index <= k_scratch, "platform_data_source: object of another schema");
  return static_cast<obj_kind>(obj.index);
}

std::size_t platform_data_source::size(const object_def& obj) const {
  switch (kind_of(obj)) {
    case k_package: return 1;
    case k_version: return p_.pkg().versions.size();
    case k_subscriber: return p_.orgs().size();
    case k_request: return p_.requests().size();
    case k_job: return p_.jobs().size();
    case k_error: return p_.errors().size();
    case k_org: return 1;
    case k_user: return 1;
    case k_scratch: return 0;
  }
  return 0;
}

void platform_data_source::scan(const object_def& obj, const std::function<void(row_id)>& visit) const {
  const std::size_t n = size(obj);
  for (std::size_t i = 0; i < n; ++i) visit(i);
}

value platform_data_source::field(const object_def& obj, row_id row, const field_def& f) const {
  const std::string& n = f.name;
  switch (kind_of(obj)) {
    case k_package:
      if (n == "Id") return p_.package_id_string();
      if (n == "Name") return p_.pkg().name;
      if (n == "NamespacePrefix") return p_.pkg().namespace_prefix;
      if (n == "PackageCategory") return std::string("Package");
      return {};
    case k_version: {
      const auto v = static_cast<version_index>(row);
      const package_version& pv = p_.pkg().versions[v];
      switch (f.index) {
        case 0: return p_.version_id_string(v);
        case 1: return pv.name;
        case 2: return p_.package_id_string();
        case 3: return std::string(to_string(pv.state));
        case 4: return std::int64_t{pv.number.major};
        case 5: return std::int64_t{pv.number.minor};
        case 6: return std::int64_t{pv.number.patch};
        case 7: return std::int64_t{pv.build};
        case 8: return pv.deprecated;
        default: return {};
      }
    }
    case k_subscriber: {
      const auto i = static_cast<org_index>(row);
      const population& pop = p_.orgs();
      switch (f.index) {
        case 0: return p_.subscriber_id_string(i);
        case 1: return pop.key(i).str();
        case 2: return pop.name(i);
        case 3: return std::string(to_string(pop.type(i)));
        case 4: return std::string(to_string(pop.status(i)));
        case 5: return std::string(pop.instances().name(pop.instance(i)));
        case 6: return pop.parent(i) == no_org ? value{} : value{pop.key(pop.parent(i)).str()};
        case 7: return std::string(pop.installed_version(i) == not_installed ? "u" : "i");
        case 8: return p_.package_id_string();
        case 9:
          return pop.installed_version(i) == not_installed ? value{}
                                                           : value{p_.version_id_string(pop.installed_version(i))};
        default: return {};
      }
    }
    case k_request: {
      const push_request_row& r = p_.requests()[row];
      switch (f.index) {
        case 0: return platform::request_id_string(r.id);
        case 1: return p_.version_id_string(r.version);
        case 2: return opt_time(r.has_scheduled_start, r.scheduled_start);
        case 3: return std::string(to_string(r.status, spaced_));
        case 4: return opt_time(r.started, r.start);
        case 5: return opt_time(r.ended, r.end);
        case 6: return opt_int(r.duration_s());
        case 7: return false;
        case 8: return r.created;
        case 9: return r.ended ? r.end : (r.started ? r.start : r.created);
        default: return {};
      }
    }
    case k_job: {
      const push_job_row& j = p_.jobs()[row];
      switch (f.index) {
        case 0: return platform::job_id_string(j.id);
        case 1: return platform::request_id_string(j.request);
        case 2: return p_.orgs().key(j.org).str();
        case 3: return std::string(to_string(j.status, spaced_));
        case 4: return opt_time(j.started, j.start);
        case 5: return opt_time(j.ended, j.end);
        case 6: return opt_int(j.duration_s());
        case 7: return p_.request(j.request).created;
        case 8: return j.ended ? j.end : (j.started ? j.start : p_.request(j.request).created);
        default: return {};
      }
    }
    case k_error: {
      const push_error_row& e = p_.errors()[row];
      switch (f.index) {
        case 0: return platform::error_id_string(e.id);
        case 1: return platform::job_id_string(e.job);
        case 2: return std::string("Error");
        case 3: return std::string(to_string(e.type));
        case 4: return p_.error_title(e);
        case 5: return p_.error_message(e);
        case 6: return p_.error_details(e);
        case 7: return p_.job(e.job).end;
        default: return {};
      }
    }
    case k_org:
      if (n == "Id") return partner_.org_id;
      if (n == "Name") return partner_.org_name;
      if (n == "IsSandbox") return false;
      if (n == "NamespacePrefix") return partner_.namespace_prefix;
      if (n == "OrganizationType") return std::string("Developer Edition");
      if (n == "InstanceName") return partner_.instance_name;
      if (n == "DefaultLocaleSidKey" || n == "LanguageLocaleKey") return std::string("en_US");
      if (n == "TimeZoneSidKey") return std::string("America/Los_Angeles");
      return {};
    case k_user:
      if (n == "Id") return partner_.user_id;
      if (n == "Username") return partner_.username;
      if (n == "Name") return partner_.user_name;
      if (n == "FirstName") return partner_.user_name.substr(0, partner_.user_name.find(' '));
      if (n == "LastName") {
        const auto sp = partner_.user_name.find(' ');
        return sp == std::string::npos ? partner_.user_name : partner_.user_name.substr(sp + 1);
      }
      if (n == "Email") return partner_.email;
      if (n == "IsActive") return true;
      if (n == "TimeZoneSidKey") return std::string("America/Los_Angeles");
      if (n == "LanguageLocaleKey" || n == "LocaleSidKey") return std::string("en_US");
      if (n == "UserType") return std::string("Standard");
      return {};
    case k_scratch: return {};
  }
  return {};
}

std::vector<row_id> platform_data_source::orgs_by_key(std::string_view key) const {
  if (keys_lower_.empty() && p_.orgs().size() > 0) {
    keys_lower_.reserve(p_.orgs().size());
    for (org_index i = 0; i < p_.orgs().size(); ++i) {
      std::array<char, 15> k{};
      const auto sv = p_.orgs().key(i).view();
      for (std::size_t c = 0; c < 15; ++c) k[c] = lower(sv[c]);
      keys_lower_.emplace_back(k, i);
    }
    std::sort(keys_lower_.begin(), keys_lower_.end());
  }
  std::vector<row_id> out;
  if (key.size() != 15 && key.size() != 18) return out;
  std::array<char, 15> k{};
  for (std::size_t c = 0; c < 15; ++c) k[c] = lower(key[c]);
  auto it = std::lower_bound(keys_lower_.begin(), keys_lower_.end(), std::pair<std::array<char, 15>, org_index>{k, 0});
  for (; it != keys_lower_.end() && it->first == k; ++it) out.push_back(it->second);
  std::sort(out.begin(), out.end());
  return out;
}

void platform_data_source::sync_job_index() const {
  const auto jobs = p_.jobs();
  if (last_job_of_org_.size() != p_.orgs().size()) last_job_of_org_.assign(p_.orgs().size(), 0);
  for (; jobs_synced_ < jobs.size(); ++jobs_synced_) last_job_of_org_[jobs[jobs_synced_].org] = jobs[jobs_synced_].id;
}

std::optional<std::vector<row_id>> platform_data_source::lookup_eq(const object_def& obj, const field_def& f,
                                                                   const value& v) const {
  const std::string* s = as_string(v);
  if (s == nullptr) return std::nullopt;
  const obj_kind k = kind_of(obj);
  std::vector<row_id> out;
  if (f.index == 0) {  // Id
    switch (k) {
      case k_package:
        if (*s == p_.package_id_string()) out.push_back(0);
        return out;
      case k_version:
        if (auto x = p_.find_version(*s)) out.push_back(*x);
        return out;
      case k_subscriber:
        if (auto x = p_.find_subscriber(*s)) out.push_back(*x);
        return out;
      case k_request:
        if (auto x = p_.find_request(*s)) out.push_back(*x - 1);
        return out;
      case k_job:
        if (auto x = p_.find_job(*s)) out.push_back(*x - 1);
        return out;
      case k_error:
        if (auto x = p_.find_error(*s)) out.push_back(*x - 1);
        return out;
      case k_org:
        if (*s == partner_.org_id || std::string_view(*s) == std::string_view(partner_.org_id).substr(0, 15))
          out.push_back(0);
        return out;
      case k_user:
        if (*s == partner_.user_id || std::string_view(*s) == std::string_view(partner_.user_id).substr(0, 15))
          out.push_back(0);
        return out;
      case k_scratch: return out;
    }
  }
  if (k == k_subscriber && f.name == "OrgKey") return orgs_by_key(*s);
  if (k == k_subscriber && f.name == "MetadataPackageId") {
    // Every subscriber holds the one package's id: all rows or none. All rows as a list (a scan would build the
    // package id of each of them to compare it).
    if (*s != p_.package_id_string()) return out;
    out.resize(p_.orgs().size());
    std::iota(out.begin(), out.end(), row_id{0});
    return out;
  }
  if (k == k_version && f.name == "MetadataPackageId") {
    if (*s != p_.package_id_string()) return out;
    return std::nullopt;
  }
  if (k == k_job && f.name == "PackagePushRequestId") {
    if (auto r = p_.find_request(*s)) {
      for (job_id j : p_.jobs_of(*r)) out.push_back(j - 1);
    }
    return out;
  }
  if (k == k_job && f.name == "SubscriberOrganizationKey") {
    sync_job_index();
    for (row_id o : orgs_by_key(*s)) {
      for (job_id j = last_job_of_org_[o]; j != 0; j = p_.job(j).next_of_org) out.push_back(j - 1);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  if (k == k_error && f.name == "PackagePushJobId") {
    if (auto j = p_.find_job(*s)) {
      for (const auto& e : p_.errors_of(*j)) out.push_back(e.id - 1);
    }
    return out;
  }
  return std::nullopt;
}

bool platform_data_source::lookup_is_exact(const object_def& obj, const field_def& f, const value& v) const {
  const std::string* s = as_string(v);
  if (s == nullptr) return false;
  // PackageSubscriber.MetadataPackageId: lookup_eq gives every row for the package's very id text, none else.
  if (kind_of(obj) == k_subscriber && f.name == "MetadataPackageId") return true;
  if (kind_of(obj) != k_job || f.name != "PackagePushRequestId") return false;
  // Equality on reference fields compares the text exactly: the index is exact when the literal is the very
  // text field() gives for that request (an unknown request id matches no job either way).
  const auto r = p_.find_request(*s);
  return !r || platform::request_id_string(*r) == *s;
}

std::optional<std::vector<group_count>> platform_data_source::counts_by(const object_def& obj, const field_def& filter,
                                                                        const value& v, const field_def& group) const {
  const std::string* s = as_string(v);
  if (s == nullptr || kind_of(obj) != k_job || filter.name != "PackagePushRequestId" || group.name != "Status") {
    return std::nullopt;
  }
  std::vector<group_count> out;
  const auto r = p_.find_request(*s);
  if (!r || platform::request_id_string(*r) != *s) return out;
  const auto& counts = p_.request(*r).job_counts;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] == 0) continue;
    out.push_back({std::string(to_string(static_cast<push_status>(i), spaced_)), std::int64_t{counts[i]}});
  }
  return out;
}

std::optional<row_id> platform_data_source::parent(const object_def& obj, row_id row, const field_def& ref,
                                                   const object_def& target) const {
  const obj_kind k = kind_of(obj);
  if (k == k_job && ref.name == "PackagePushRequestId") return p_.jobs()[row].request - 1;
  if (k == k_error && ref.name == "PackagePushJobId") return p_.errors()[row].job - 1;
  if (k == k_request && ref.name == "PackageVersionId") return p_.requests()[row].version;
  if (k == k_subscriber && ref.name == "MetadataPackageVersionId") {
    const auto v = p_.orgs().installed_version(static_cast<org_index>(row));
    if (v == not_installed) return std::nullopt;
    return v;
  }
  if (ref.reference_to == "MetadataPackage") return 0;
  return data_source::parent(obj, row, ref, target);
}

}  // namespace pushsim::mock_org::api
