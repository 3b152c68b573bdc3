#include "record_validation.hpp"

#include "api_response.hpp"
#include "pushsim/mock_org/salesforce_id.hpp"
#include "sobject_access.hpp"

namespace pushsim::mock_org::api::detail {

namespace {

// Which required fields a record body named.
struct required_seen {
  bool version = false;  // PackageVersionId
  bool request = false;  // PackagePushRequestId
  bool key = false;      // SubscriberOrganizationKey
};

std::optional<record_error> read_scheduled_start(const field_def& f, const record_body::member& m, record_spec& spec) {
  if (m.kind == "VALUE_NULL") return std::nullopt;
  if (m.kind != "VALUE_STRING") {
    return record_error{"JSON_PARSER_ERROR",
                        "Cannot deserialize instance of datetime from " + std::string(m.kind) +
                            " value or request may be missing a required field",
                        {f.name}};
  }
  auto t = parse_iso8601(m.text);
  if (!t.time) {
    return record_error{"JSON_PARSER_ERROR",
                        "Cannot deserialize instance of datetime from VALUE_STRING value " + std::string(m.text) +
                            " or request may be missing a required field",
                        {f.name}};
  }
  spec.scheduled_start = *t.time;
  return std::nullopt;
}

// One member of a record body: a createable field of o with a value of the right type.
std::optional<record_error> read_member(const object_def& o, const record_body::member& m, record_spec& spec,
                                        required_seen& seen) {
  const field_def* f = o.find_field(m.key);
  if (f == nullptr) {
    return record_error{
        "INVALID_FIELD", "No such column '" + std::string(m.key) + "' on sobject of type " + o.name, {}};
  }
  if (!field_createable(o, *f)) {
    return record_error{"INVALID_FIELD_FOR_INSERT_UPDATE",
                        "Unable to create/update fields: " + f->name +
                            ". Please check the security settings of this field and verify that it is read/write "
                            "for your profile or permission set.",
                        {f->name}};
  }
  if (f->name == "ScheduledStartTime") return read_scheduled_start(*f, m, spec);
  if (m.kind != "VALUE_STRING") {
    return record_error{"JSON_PARSER_ERROR",
                        "Cannot deserialize instance of " + std::string(field_type_name(f->type)) + " from " +
                            std::string(m.kind) + " value or request may be missing a required field",
                        {f->name}};
  }
  if (f->name == "PackageVersionId") {
    spec.version_id = m.text;
    seen.version = true;
  } else if (f->name == "PackagePushRequestId") {
    spec.request_id = m.text;
    seen.request = true;
  } else {
    spec.org_key = m.text;
    seen.key = true;
  }
  return std::nullopt;
}

// The required fields are there and the ids have the right prefixes.
std::optional<record_error> check_required(const object_def& o, const record_spec& spec, const required_seen& seen) {
  if (o.name == "PackagePushRequest" && !seen.version) {
    return record_error{
        "REQUIRED_FIELD_MISSING", "Required fields are missing: [PackageVersionId]", {"PackageVersionId"}};
  }
  if (o.name == "PackagePushJob" && (!seen.request || !seen.key)) {
    std::vector<std::string> missing;
    if (!seen.request) missing.emplace_back("PackagePushRequestId");
    if (!seen.key) missing.emplace_back("SubscriberOrganizationKey");
    std::string m = "Required fields are missing: [";
    for (std::size_t i = 0; i < missing.size(); ++i) m += (i ? ", " : "") + missing[i];
    return record_error{"REQUIRED_FIELD_MISSING", m + "]", missing};
  }
  if (o.name == "PackagePushRequest" && !parse_id(package_version_prefix, spec.version_id)) {
    return record_error{
        "MALFORMED_ID", "Package Version ID: id value of incorrect type: " + spec.version_id, {"PackageVersionId"}};
  }
  if (o.name == "PackagePushJob" && !parse_id(push_request_prefix, spec.request_id)) {
    return malformed_request_id(spec.request_id);
  }
  return std::nullopt;
}

// Salesforce refuses a push job for an org that cannot take this upgrade (inactive, not installed, already on it
// or newer, push-blocked) with INVALID_OPERATION: CumulusCI's push API (cumulusci/tasks/push/push_api.py,
// SalesforcePushApi._add_batch) skips orgs refused with DUPLICATE_VALUE, INVALID_OPERATION or UNKNOWN_EXCEPTION
// and re-raises any other code, so these partner scripts stop on any other code.
constexpr std::string_view ineligible_org_code = "INVALID_OPERATION";

record_error from_platform(const api_error& e) {
  if (e.reason != ineligibility::none) return {std::string(ineligible_org_code), e.message, e.fields};
  return {std::string(to_string(e.code)), e.message, e.fields};
}

std::optional<record_error> precheck_request(const platform& p, const record_spec& s) {
  const auto v = p.find_version(s.version_id);
  if (!v) return record_error{"INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", {"PackageVersionId"}};
  const auto& pv = p.pkg().versions[*v];
  if (pv.state != release_state::released || pv.deprecated) {
    return record_error{"FIELD_INTEGRITY_EXCEPTION", unpushable_version_message(pv), {"PackageVersionId"}};
  }
  return std::nullopt;
}

std::optional<record_error> precheck_job(const platform& p, record_spec& s, job_pairs& seen) {
  const auto r = seen.find_request(p, s.request_id);
  if (!r) return record_error{"INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", {"PackagePushRequestId"}};
  const push_request_row& row = p.request(*r);
  if (row.status != push_status::created) {
    return record_error{"INVALID_OPERATION",
                        "You can add push jobs only to a push request whose status is Created; this one is " +
                            std::string(to_string(row.status)) + ".",
                        {"PackagePushRequestId"}};
  }
  const auto key = s.key ? s.key : parse_org_key(s.org_key);
  if (!key) {
    return record_error{"INVALID_ID_FIELD", "invalid organization ID: " + s.org_key, {"SubscriberOrganizationKey"}};
  }
  const auto org = p.orgs().find(*key);
  if (!org) {
    return record_error{"INVALID_CROSS_REFERENCE_KEY",
                        "The organization " + key->str() + " isn't a subscriber of this package.",
                        {"SubscriberOrganizationKey"}};
  }
  s.org = *org;
  s.request = *r;
  if (const auto existing = p.job_in_request(*r, *org)) {
    return record_error{
        "DUPLICATE_VALUE", duplicate_job_message(platform::job_id_string(*existing)), {"SubscriberOrganizationKey"}};
  }
  if (!seen.insert({*r, *org})) {
    return record_error{"DUPLICATE_VALUE", duplicate_job_message({}), {"SubscriberOrganizationKey"}};
  }
  if (const auto why = p.check_eligibility(*org, row.version); why != ineligibility::none) {
    return record_error{std::string(ineligible_org_code),
                        ineligible_org_message(why, key->str(), p.pkg().versions[row.version].number.str()),
                        {"SubscriberOrganizationKey"}};
  }
  return std::nullopt;
}

}  // namespace

std::optional<record_error> read_record(const object_def& o, const record_body& rec, record_spec& spec) {
  spec.object = &o;
  if (rec.kind != "START_OBJECT") {
    return record_error{"JSON_PARSER_ERROR",
                        "Cannot deserialize instance of " + o.name + " from " + std::string(rec.kind) + " value",
                        {}};
  }
  if (!createable(o)) {
    return record_error{"INVALID_TYPE_FOR_OPERATION", "entity type cannot be inserted: " + o.name, {}};
  }
  required_seen seen;
  for (const auto& m : rec.members) {
    if (auto e = read_member(o, m, spec, seen)) return e;
  }
  return check_required(o, spec, seen);
}

std::optional<record_error> precheck(const platform& p, record_spec& s, job_pairs& seen) {
  if (s.object->name == "PackagePushRequest") return precheck_request(p, s);
  return precheck_job(p, s, seen);
}

std::variant<std::string, record_error> commit(platform& p, const record_spec& s) {
  if (s.object->name == "PackagePushRequest") {
    auto res = p.create_request(s.version_id, s.scheduled_start);
    if (!res) return from_platform(res.error);
    return platform::request_id_string(*res.value);
  }
  const auto r = s.request ? s.request : p.find_request(s.request_id);
  if (!r) return record_error{"INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", {"PackagePushRequestId"}};
  auto res = s.org ? p.add_job(*r, *s.org) : p.add_job(*r, s.org_key);
  if (!res) return from_platform(res.error);
  return platform::job_id_string(*res.value);
}

record_error malformed_request_id(const std::string& id) {
  return record_error{
      "MALFORMED_ID", "Package Push Request ID: id value of incorrect type: " + id, {"PackagePushRequestId"}};
}

rest_response record_error_response(const record_error& e) { return error_response(400, e.code, e.message, &e.fields); }

}  // namespace pushsim::mock_org::api::detail
