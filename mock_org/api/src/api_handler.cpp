#include "pushsim/mock_org/api/api_handler.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include <simdjson.h>

#include "api_response.hpp"
#include "api_usage_meter.hpp"
#include "describe.hpp"
#include "fault_injector.hpp"
#include "query_endpoint.hpp"
#include "pushsim/base/assert.hpp"
#include "pushsim/base/csv_text.hpp"
#include "router.hpp"
#include "sobject_access.hpp"
#include "pushsim/mock_org/api/soql_compiler.hpp"
#include "pushsim/mock_org/api/soql_json.hpp"
#include "pushsim/mock_org/salesforce_id.hpp"

namespace pushsim::mock_org::api {

using json = nlohmann::json;
using namespace detail;

// ---------------------------------------------------------------------------------------------------------------
// small helpers
// ---------------------------------------------------------------------------------------------------------------
namespace {

std::string_view json_kind(const json& v) {
  switch (v.type()) {
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "VALUE_NUMBER_INT";
    case json::value_t::number_float: return "VALUE_NUMBER_FLOAT";
    case json::value_t::boolean: return v.get<bool>() ? "VALUE_TRUE" : "VALUE_FALSE";
    case json::value_t::array: return "START_ARRAY";
    case json::value_t::object: return "START_OBJECT";
    case json::value_t::null: return "VALUE_NULL";
    default: return "VALUE_STRING";
  }
}

std::optional<push_status> parse_status(std::string_view s) {
  static constexpr std::pair<std::string_view, push_status> names[] = {
      {"Created", push_status::created},       {"Pending", push_status::pending},
      {"InProgress", push_status::in_progress}, {"In Progress", push_status::in_progress},
      {"Succeeded", push_status::succeeded},   {"Failed", push_status::failed},
      {"Canceled", push_status::canceled}};
  for (const auto& [n, st] : names) {
    if (n == s) return st;
  }
  return std::nullopt;
}

// A parsed CSV (RFC 4180 quoting). Rows keep their original text for result files.
struct csv_table {
  std::vector<std::string> header;
  std::string header_text;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row_text;
  std::string error;
};

csv_table parse_csv(std::string_view text) {
  csv_table t;
  std::size_t i = 0;
  bool first = true;
  while (i < text.size()) {
    const std::size_t line_start = i;
    std::vector<std::string> fields;
    std::string cur;
    bool quoted = false;
    bool in_quotes = false;
    for (;;) {
      if (i >= text.size()) {
        if (in_quotes) {
          t.error = "unterminated quoted field";
          return t;
        }
        fields.push_back(std::move(cur));
        break;
      }
      const char c = text[i];
      if (in_quotes) {
        if (c == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            cur.push_back('"');
            i += 2;
            continue;
          }
          in_quotes = false;
          ++i;
          continue;
        }
        cur.push_back(c);
        ++i;
        continue;
      }
      if (c == '"' && cur.empty() && !quoted) {
        in_quotes = quoted = true;
        ++i;
        continue;
      }
      if (c == ',') {
        fields.push_back(std::move(cur));
        cur.clear();
        quoted = false;
        ++i;
        continue;
      }
      if (c == '\r' || c == '\n') {
        fields.push_back(std::move(cur));
        break;
      }
      cur.push_back(c);
      ++i;
    }
    std::size_t line_end = i;
    if (i < text.size() && text[i] == '\r') ++i;
    if (i < text.size() && text[i] == '\n') ++i;
    const std::string_view raw = text.substr(line_start, line_end - line_start);
    if (raw.empty()) continue;
    if (first) {
      t.header = std::move(fields);
      t.header_text = std::string(raw);
      first = false;
    } else {
      t.rows.push_back(std::move(fields));
      t.row_text.emplace_back(raw);
    }
  }
  if (first) t.error = "no header row";
  return t;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// private types
// ---------------------------------------------------------------------------------------------------------------
namespace {
struct bulk_job {
  std::string id;
  std::string version;
  std::string state = "Open";  // Open, UploadComplete, JobComplete, Aborted, Failed
  std::string line_ending = "LF";
  std::string data;
  bool uploaded = false;
  time_point created{};
  std::string error_message;
  csv_table table;
  std::vector<std::string> success;  // "id" per row, or empty
  std::vector<std::string> failure;  // sf__Error per row, or empty
  std::int64_t processed = 0;
  std::int64_t failed = 0;
};
}  // namespace

struct api_handler::state {
  state(platform& p, const api_config& config, platform_data_source& ds)
      : p_(p),
        config_(config),
        ds_(ds),
        faults_(config_.faults),
        usage_(config_.daily_api_requests_max),
        queries_(config_) {}
  rest_response answer(const rest_request& req, const route& r);
  void finish(rest_response& out);
  rest_response dispatch(const rest_request& req, const route& r);
  rest_response do_create(const route& r, std::string_view body);
  rest_response do_retrieve(const route& r);
  rest_response do_patch(const route& r, std::string_view body);
  rest_response do_composite_tree(const route& r, std::string_view body);
  rest_response do_composite_sobjects(const route& r, std::string_view body);
  rest_response do_bulk(const rest_request& req, const route& r);

  platform& p_;
  const api_config& config_;
  platform_data_source& ds_;
  fault_injector faults_;
  api_usage_meter usage_;
  query_endpoint queries_;
  std::map<std::uint64_t, std::unique_ptr<bulk_job>> bulk_jobs_;
  std::uint64_t next_bulk_job_ = 1;
};

// ---------------------------------------------------------------------------------------------------------------
// handler
// ---------------------------------------------------------------------------------------------------------------
api_handler::api_handler(platform& p, api_config config)
    : p_(p),
      config_(std::move(config)),
      ds_(p, config_.partner, config_.spaced_status),
      state_(std::make_unique<state>(p_, config_, ds_)) {
  PUSHSIM_ASSERT(!config_.versions.empty(), "api_handler: at least one API version");
  PUSHSIM_ASSERT(config_.query_batch_rows >= 1, "api_handler: query_batch_rows must be positive");
}

api_handler::~api_handler() = default;

std::int64_t api_handler::api_usage() const { return state_->usage_.used_at(p_.simulation().now()); }

std::uint64_t api_handler::faults_injected() const { return state_->faults_.injected(); }

namespace {

// 414 / 431 / 413 for a request over the configured sizes (the socket server enforces them too), else nullopt.
std::optional<rest_response> size_limit_error(const rest_request& req, const api_config& config) {
  if (req.target.size() > config.uri_bytes_max) {
    return error_response(414, "URI_TOO_LONG", "URI Too Long");
  }
  std::size_t header_bytes = 0;
  for (const auto& [k, v] : req.headers) header_bytes += k.size() + v.size() + 4;
  if (header_bytes > config.header_bytes_max) {
    return error_response(431, "REQUEST_HEADER_FIELDS_TOO_LARGE", "Request Header Fields Too Large");
  }
  if (req.body.size() > config.body_bytes_max) {
    return error_response(413, "REQUEST_ENTITY_TOO_LARGE", "Request Entity Too Large");
  }
  return std::nullopt;
}

// Whether the request carries one of the accepted tokens ("Bearer <token>" or "OAuth <token>").
bool authorized(const rest_request& req, const std::vector<std::string>& tokens) {
  const std::string_view auth = req.header("Authorization");
  std::string_view token;
  if (auth.size() > 7 && iequals(auth.substr(0, 7), "Bearer ")) token = auth.substr(7);
  else if (auth.size() > 6 && iequals(auth.substr(0, 6), "OAuth ")) token = auth.substr(6);
  return !token.empty() && std::find(tokens.begin(), tokens.end(), token) != tokens.end();
}

rest_response invalid_session() {
  rest_response e = error_response(401, "INVALID_SESSION_ID", "Session expired or invalid");
  e.headers.emplace_back("WWW-Authenticate", "Token");
  return e;
}

rest_response method_not_allowed(std::string_view method, std::string_view allowed) {
  rest_response out = error_response(405, "METHOD_NOT_ALLOWED",
                                     "HTTP Method '" + std::string(method) + "' not allowed. Allowed are " +
                                         std::string(allowed));
  out.headers.emplace_back("Allow", std::string(allowed));
  return out;
}

}  // namespace

rest_response api_handler::handle(const rest_request& req) {
  if (auto e = size_limit_error(req, config_)) return *std::move(e);
  const route r = match_route(req, config_.versions);
  rest_response out;
  if (r.is_public()) {
    out = versions_response(req.method, config_.versions);
  } else {
    if (!authorized(req, config_.tokens)) return invalid_session();
    out = state_->answer(req, r);
  }
  state_->finish(out);
  return out;
}

// Counts the call against the daily limit, checks the method, then answers with a seeded fault or the endpoint.
rest_response api_handler::state::answer(const rest_request& req, const route& r) {
  if (auto refused = usage_.admit(p_.simulation().now())) return *std::move(refused);
  if (r.what == route::not_found) return not_found_response();
  if (!r.allows(req.method)) return method_not_allowed(req.method, r.allowed);
  // A seeded fault is decided before the platform is touched, so a faulted call changes nothing.
  if (auto fault = faults_.draw(r.cls)) return *std::move(fault);
  return dispatch(req, r);
}

// The headers every answered call carries: API usage, and the simulated latency when faults configure one.
void api_handler::state::finish(rest_response& out) {
  usage_.add_limit_info(out, p_.simulation().now());
  faults_.add_latency(out);
}

rest_response api_handler::state::dispatch(const rest_request& req, const route& r) {
  const bool get = req.method == "GET" || req.method == "HEAD";
  switch (r.what) {
    case route::version_root: return version_root_response(r.version);
    case route::limits: return usage_.limits_response();
    case route::userinfo: return userinfo_response(config_);
    case route::query: return queries_.first_page(req, r, ds_, p_.simulation().now());
    case route::query_more: return queries_.next_page(r, ds_, p_.simulation().now());
    case route::sobjects_global: return global_describe_response(r.version);
    case route::sobject_describe: return describe_response(*r.object, r.version);
    case route::sobject_info:
      if (get) return object_info_response(*r.object, r.version);
      return do_create(r, req.body);
    case route::sobject_row:
      if (get) return do_retrieve(r);
      return do_patch(r, req.body);
    case route::composite_tree: return do_composite_tree(r, req.body);
    case route::composite_sobjects: return do_composite_sobjects(r, req.body);
    case route::bulk: return do_bulk(req, r);
    default: break;
  }
  return error_response(404, "NOT_FOUND", "The requested resource does not exist");
}

// ---- retrieve ----
rest_response api_handler::state::do_retrieve(const route& r) {
  const object_def& o = *r.object;
  auto rows = ds_.lookup_eq(o, o.id_field(), value{r.id});
  if (!rows || rows->empty()) {
    return error_response(404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: " + r.id);
  }
  std::vector<const field_def*> fields;
  if (r.has_param("fields")) {
    for (std::string_view name : split(r.param("fields"), ',')) {
      while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
      while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
      const field_def* f = o.find_field(name);
      if (f == nullptr) {
        return error_response(400, "INVALID_FIELD",
                              "No such column '" + std::string(name) + "' on entity '" + o.name +
                                  "'. If you are attempting to use a custom field, be sure to append the '__c' after "
                                  "the custom field name. Please reference your WSDL or the describe call for the "
                                  "appropriate names.");
      }
      fields.push_back(f);
    }
  } else {
    for (const auto& f : o.fields) fields.push_back(&f);
  }
  const row_id row = rows->front();
  const std::string id = std::get<std::string>(ds_.field(o, row, o.id_field()));
  std::string b = "{\"attributes\":{\"type\":";
  append_json_string(o.name, b);
  b += ",\"url\":";
  append_json_string("/services/data/v" + r.version + "/sobjects/" + o.name + "/" + id, b);
  b += '}';
  for (const field_def* f : fields) {
    b += ',';
    append_json_string(f->name, b);
    b += ':';
    append_json_value(ds_.field(o, row, *f), b);
  }
  b += '}';
  return json_response(200, std::move(b));
}

// ---- record validation shared by create / composite / bulk ----
namespace {
struct record_error {
  std::string code;
  std::string message;
  std::vector<std::string> fields;
};

// A PackagePushRequest or PackagePushJob to create, checked for shape.
struct record_spec {
  const object_def* object = nullptr;
  std::string version_id;                     // request
  std::optional<time_point> scheduled_start;  // request
  std::string request_id;                     // job
  std::string org_key;                        // job
  std::optional<org_index> org;               // job: set by precheck once it has found the org
};

// One record of a create body, as read_record needs it, whichever parser read it. Members are sorted by key with
// the last of duplicate keys kept (what a JSON object map gives); the views point into the parsed document.
struct record_body {
  struct member {
    std::string_view key;
    std::string_view kind;  // json_kind of the value ("VALUE_STRING", "VALUE_NULL", ...)
    std::string_view text;  // the value when it is a string
  };
  std::string_view kind;  // json_kind of the record itself
  std::vector<member> members;
  // attributes.type / attributes.referenceId: present? and a string?
  bool has_attributes = false;
  bool has_type = false, type_is_string = false;
  std::string_view type;
  bool reference_is_string = false;
  std::string_view reference_id;

  void normalize() {
    std::stable_sort(members.begin(), members.end(), [](const member& a, const member& b) { return a.key < b.key; });
    std::vector<member> last;
    last.reserve(members.size());
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (i + 1 < members.size() && members[i + 1].key == members[i].key) continue;
      last.push_back(members[i]);
    }
    members = std::move(last);
  }
};

record_body body_of(const json& rec) {
  record_body b;
  b.kind = json_kind(rec);
  if (!rec.is_object()) return b;
  for (const auto& [k, v] : rec.items()) {
    if (k == "attributes") {
      if (!v.is_object()) continue;
      b.has_attributes = true;
      if (const auto t = v.find("type"); t != v.end()) {
        b.has_type = true;
        b.type_is_string = t->is_string();
        if (b.type_is_string) b.type = t->get_ref<const std::string&>();
      }
      if (const auto r = v.find("referenceId"); r != v.end() && r->is_string()) {
        b.reference_is_string = true;
        b.reference_id = r->get_ref<const std::string&>();
      }
      continue;
    }
    record_body::member m{k, json_kind(v), {}};
    if (v.is_string()) m.text = v.get_ref<const std::string&>();
    b.members.push_back(m);
  }
  return b;  // a JSON object map is sorted and has unique keys already
}

std::string_view json_kind(simdjson::dom::element v) {
  using t = simdjson::dom::element_type;
  switch (v.type()) {
    case t::INT64:
    case t::UINT64: return "VALUE_NUMBER_INT";
    case t::DOUBLE: return "VALUE_NUMBER_FLOAT";
    case t::BOOL: return v.get_bool().value_unsafe() ? "VALUE_TRUE" : "VALUE_FALSE";
    case t::ARRAY: return "START_ARRAY";
    case t::OBJECT: return "START_OBJECT";
    case t::NULL_VALUE: return "VALUE_NULL";
    default: return "VALUE_STRING";
  }
}

record_body body_of(simdjson::dom::element rec) {
  record_body b;
  b.kind = json_kind(rec);
  simdjson::dom::object obj;
  if (rec.get_object().get(obj) != simdjson::SUCCESS) return b;
  b.members.reserve(obj.size());
  for (const auto field : obj) {
    if (field.key == "attributes") {
      simdjson::dom::object a;
      if (field.value.get_object().get(a) != simdjson::SUCCESS) continue;
      // Later duplicates win, as in a JSON object map.
      b.has_attributes = true;
      for (const auto af : a) {
        if (af.key == "type") {
          b.has_type = true;
          b.type_is_string = af.value.get_string().get(b.type) == simdjson::SUCCESS;
        } else if (af.key == "referenceId") {
          b.reference_is_string = af.value.get_string().get(b.reference_id) == simdjson::SUCCESS;
          if (!b.reference_is_string) b.reference_id = {};
        }
      }
      continue;
    }
    record_body::member m{field.key, json_kind(field.value), {}};
    if (field.value.is_string()) m.text = field.value.get_string().value_unsafe();
    b.members.push_back(m);
  }
  b.normalize();
  return b;
}

// Checks a JSON record body against the object's createable fields. nullopt: ok (spec filled).
std::optional<record_error> read_record(const object_def& o, const record_body& rec, record_spec& spec) {
  spec.object = &o;
  if (rec.kind != "START_OBJECT") {
    return record_error{"JSON_PARSER_ERROR",
                        "Cannot deserialize instance of " + o.name + " from " + std::string(rec.kind) + " value", {}};
  }
  if (!createable(o)) {
    return record_error{"INVALID_TYPE_FOR_OPERATION", "entity type cannot be inserted: " + o.name, {}};
  }
  bool has_version = false, has_request = false, has_key = false;
  for (const auto& m : rec.members) {
    const field_def* f = o.find_field(m.key);
    if (f == nullptr) {
      return record_error{"INVALID_FIELD", "No such column '" + std::string(m.key) + "' on sobject of type " + o.name,
                          {}};
    }
    if (!field_createable(o, *f)) {
      return record_error{"INVALID_FIELD_FOR_INSERT_UPDATE",
                          "Unable to create/update fields: " + f->name +
                              ". Please check the security settings of this field and verify that it is read/write "
                              "for your profile or permission set.",
                          {f->name}};
    }
    if (f->name == "ScheduledStartTime") {
      if (m.kind == "VALUE_NULL") continue;
      if (m.kind != "VALUE_STRING") {
        return record_error{"JSON_PARSER_ERROR",
                            "Cannot deserialize instance of datetime from " + std::string(m.kind) +
                                " value or request may be missing a required field",
                            {f->name}};
      }
      auto t = parse_iso8601(m.text);
      if (!t.time) {
        return record_error{"JSON_PARSER_ERROR",
                            "Cannot deserialize instance of datetime from VALUE_STRING value " +
                                std::string(m.text) + " or request may be missing a required field",
                            {f->name}};
      }
      spec.scheduled_start = *t.time;
      continue;
    }
    if (m.kind != "VALUE_STRING") {
      return record_error{"JSON_PARSER_ERROR",
                          "Cannot deserialize instance of " + std::string(field_type_name(f->type)) + " from " +
                              std::string(m.kind) + " value or request may be missing a required field",
                          {f->name}};
    }
    const std::string s(m.text);
    if (f->name == "PackageVersionId") {
      spec.version_id = s;
      has_version = true;
    } else if (f->name == "PackagePushRequestId") {
      spec.request_id = s;
      has_request = true;
    } else {
      spec.org_key = s;
      has_key = true;
    }
  }
  if (o.name == "PackagePushRequest" && !has_version) {
    return record_error{"REQUIRED_FIELD_MISSING", "Required fields are missing: [PackageVersionId]",
                        {"PackageVersionId"}};
  }
  if (o.name == "PackagePushJob" && (!has_request || !has_key)) {
    std::vector<std::string> missing;
    if (!has_request) missing.emplace_back("PackagePushRequestId");
    if (!has_key) missing.emplace_back("SubscriberOrganizationKey");
    std::string m = "Required fields are missing: [";
    for (std::size_t i = 0; i < missing.size(); ++i) m += (i ? ", " : "") + missing[i];
    return record_error{"REQUIRED_FIELD_MISSING", m + "]", missing};
  }
  if (o.name == "PackagePushRequest" && !parse_id(package_version_prefix, spec.version_id)) {
    return record_error{"MALFORMED_ID", "Package Version ID: id value of incorrect type: " + spec.version_id,
                        {"PackageVersionId"}};
  }
  if (o.name == "PackagePushJob" && !parse_id(push_request_prefix, spec.request_id)) {
    return record_error{"MALFORMED_ID", "Package Push Request ID: id value of incorrect type: " + spec.request_id,
                        {"PackagePushRequestId"}};
  }
  return std::nullopt;
}

record_error from_platform(const api_error& e) { return {std::string(to_string(e.code)), e.message, e.fields}; }

// The platform's own add_job/create_request checks, without changing anything (for all-or-nothing batches).
// seen: (request, org) pairs earlier in the same batch.
std::optional<record_error> precheck(const platform& p, record_spec& s,
                                     std::set<std::pair<request_id, org_index>>& seen) {
  if (s.object->name == "PackagePushRequest") {
    const auto v = p.find_version(s.version_id);
    if (!v) return record_error{"INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", {"PackageVersionId"}};
    const auto& pv = p.pkg().versions[*v];
    if (pv.state != release_state::released || pv.deprecated) {
      return record_error{"FIELD_INTEGRITY_EXCEPTION", "The package version must be released and not deprecated.",
                          {"PackageVersionId"}};
    }
    return std::nullopt;
  }
  const auto r = p.find_request(s.request_id);
  if (!r) return record_error{"INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", {"PackagePushRequestId"}};
  const push_request_row& row = p.request(*r);
  if (row.status != push_status::created) {
    return record_error{"INVALID_OPERATION",
                        "You can add push jobs only to a push request whose status is Created; this one is " +
                            std::string(to_string(row.status)) + ".",
                        {"PackagePushRequestId"}};
  }
  const auto key = parse_org_key(s.org_key);
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
  const bool dup = !seen.insert({*r, *org}).second || p.has_job_in_request(*r, *org);
  if (dup) {
    return record_error{"DUPLICATE_VALUE", "duplicate value found: SubscriberOrganizationKey duplicates value",
                        {"SubscriberOrganizationKey"}};
  }
  if (p.check_eligibility(*org, row.version) != ineligibility::none) {
    return record_error{"FIELD_INTEGRITY_EXCEPTION",
                        "The organization " + key->str() + " isn't eligible for this push upgrade.",
                        {"SubscriberOrganizationKey"}};
  }
  return std::nullopt;
}

// Creates one checked record on the platform: its id, or the platform's error.
std::variant<std::string, record_error> commit(platform& p, const record_spec& s) {
  if (s.object->name == "PackagePushRequest") {
    auto res = p.create_request(s.version_id, s.scheduled_start);
    if (!res) return from_platform(res.error);
    return platform::request_id_string(*res.value);
  }
  const auto r = p.find_request(s.request_id);
  if (!r) return record_error{"INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", {"PackagePushRequestId"}};
  auto res = s.org ? p.add_job(*r, *s.org) : p.add_job(*r, s.org_key);
  if (!res) return from_platform(res.error);
  return platform::job_id_string(*res.value);
}

}  // namespace

// ---- create ----
rest_response api_handler::state::do_create(const route& r, std::string_view body) {
  const json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) return json_parse_error();
  record_spec spec;
  if (auto e = read_record(*r.object, body_of(j), spec)) return error_response(400, e->code, e->message, &e->fields);
  auto res = commit(p_, spec);
  if (auto* e = std::get_if<record_error>(&res)) return error_response(400, e->code, e->message, &e->fields);
  std::string b = "{\"id\":";
  append_json_string(std::get<std::string>(res), b);
  b += ",\"success\":true,\"errors\":[]}";
  return json_response(201, std::move(b));
}

// ---- PATCH ----
rest_response api_handler::state::do_patch(const route& r, std::string_view body) {
  const object_def& o = *r.object;
  const json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) return json_parse_error();
  if (!j.is_object()) {
    return error_response(400, "JSON_PARSER_ERROR",
                          "Cannot deserialize instance of " + o.name + " from " + std::string(json_kind(j)) + " value");
  }
  auto rows = ds_.lookup_eq(o, o.id_field(), value{r.id});
  if (!rows || rows->empty()) {
    return error_response(404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: " + r.id);
  }
  if (o.name != "PackagePushRequest" && o.name != "PackagePushJob") {
    return error_response(400, "INVALID_TYPE_FOR_OPERATION", "entity type cannot be updated: " + o.name);
  }
  std::optional<push_status> status;
  for (const auto& [k, v] : j.items()) {
    if (k == "attributes") continue;
    const field_def* f = o.find_field(k);
    if (f == nullptr) {
      return error_response(400, "INVALID_FIELD", "No such column '" + k + "' on sobject of type " + o.name);
    }
    if (!field_updateable(o, *f)) {
      std::vector<std::string> fields{f->name};
      return error_response(400, "INVALID_FIELD_FOR_INSERT_UPDATE",
                            "Unable to create/update fields: " + f->name +
                                ". Please check the security settings of this field and verify that it is read/write "
                                "for your profile or permission set.",
                            &fields);
    }
    std::vector<std::string> fields{"Status"};
    if (!v.is_string()) {
      return error_response(400, "JSON_PARSER_ERROR",
                            "Cannot deserialize instance of picklist from " + std::string(json_kind(v)) + " value",
                            &fields);
    }
    status = parse_status(v.get<std::string>());
    if (!status) {
      return error_response(400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                            "Status: bad value for restricted picklist field: " + v.get<std::string>(), &fields);
    }
  }
  if (!status) {
    rest_response ok;
    ok.status = 204;
    return ok;
  }
  const auto id = static_cast<request_id>(rows->front() + 1);
  auto res = p_.set_request_status(id, *status);
  if (!res) return platform_error(res.error);
  rest_response ok;
  ok.status = 204;
  return ok;
}

// ---- composite/tree ----
rest_response api_handler::state::do_composite_tree(const route& r, std::string_view body) {
  // The hot path of a rehearsal (200 job records per call): read with simdjson's DOM, a parser kept per thread.
  const object_def& o = *r.object;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element j;
  if (parser.parse(body.data(), body.size()).get(j) != simdjson::SUCCESS) return json_parse_error();
  simdjson::dom::array recs;
  if (!j.is_object() || j["records"].get_array().get(recs) != simdjson::SUCCESS) {
    return error_response(400, "JSON_PARSER_ERROR", "Expected a JSON object with a \"records\" array");
  }
  if (recs.size() > 200) {
    return error_response(400, "LIMIT_EXCEEDED", "The request can't contain more than 200 records");
  }
  if (recs.size() == 0) return error_response(400, "INVALID_INPUT", "No records to process");
  const std::size_t n = recs.size();
  std::vector<std::string> refs(n);
  std::vector<record_spec> specs(n);
  std::vector<std::optional<record_error>> errors(n);
  std::set<std::pair<request_id, org_index>> seen;
  std::set<std::string> ref_seen;
  bool has_errors = false;
  std::size_t at = 0;
  for (const simdjson::dom::element rec_json : recs) {
    const record_body rec = body_of(rec_json);
    if (rec.has_attributes) {
      if (rec.reference_is_string) refs[at] = std::string(rec.reference_id);
      if (rec.has_type && (!rec.type_is_string || !iequals(rec.type, o.name))) {
        errors[at] = record_error{"INVALID_TYPE", "The type in attributes doesn't match the object in the URL", {}};
      }
    }
    if (!errors[at] && refs[at].empty()) {
      errors[at] = record_error{"INVALID_INPUT", "Include a reference ID for each record in the request.", {}};
    }
    if (!errors[at] && !ref_seen.insert(refs[at]).second) {
      errors[at] = record_error{"INVALID_INPUT", "Duplicate ReferenceId provided in the request: " + refs[at], {}};
    }
    if (!errors[at]) errors[at] = read_record(o, rec, specs[at]);
    if (!errors[at]) errors[at] = precheck(p_, specs[at], seen);
    if (errors[at]) has_errors = true;
    ++at;
  }
  std::string b;
  if (has_errors) {
    b = "{\"hasErrors\":true,\"results\":[";
    bool first = true;
    for (std::size_t i = 0; i < n; ++i) {
      if (!errors[i]) continue;
      if (!first) b += ',';
      first = false;
      b += "{\"referenceId\":";
      append_json_string(refs[i], b);
      b += ",\"errors\":[";
      append_error_object(b, errors[i]->code, errors[i]->message, &errors[i]->fields, true);
      b += "]}";
    }
    b += "]}";
    return json_response(400, std::move(b));
  }
  b = "{\"hasErrors\":false,\"results\":[";
  for (std::size_t i = 0; i < n; ++i) {
    auto res = commit(p_, specs[i]);
    PUSHSIM_ASSERT(std::holds_alternative<std::string>(res) || specs[i].object->name != "PackagePushJob",
                   "composite/tree: a prechecked job was refused");
    if (auto* e = std::get_if<record_error>(&res)) return error_response(400, e->code, e->message, &e->fields);
    if (i) b += ',';
    b += "{\"referenceId\":";
    append_json_string(refs[i], b);
    b += ",\"id\":";
    append_json_string(std::get<std::string>(res), b);
    b += '}';
  }
  b += "]}";
  return json_response(201, std::move(b));
}

// ---- composite/sobjects ----
rest_response api_handler::state::do_composite_sobjects(const route&, std::string_view body) {
  const json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) return json_parse_error();
  if (!j.is_object() || !j.contains("records") || !j["records"].is_array()) {
    return error_response(400, "JSON_PARSER_ERROR", "Expected a JSON object with a \"records\" array");
  }
  bool all_or_none = false;
  if (j.contains("allOrNone")) {
    if (!j["allOrNone"].is_boolean()) {
      return error_response(400, "JSON_PARSER_ERROR",
                            "Cannot deserialize instance of boolean from " + std::string(json_kind(j["allOrNone"])) +
                                " value");
    }
    all_or_none = j["allOrNone"].get<bool>();
  }
  const json& recs = j["records"];
  if (recs.size() > 200) {
    return error_response(400, "LIMIT_EXCEEDED", "The request can't contain more than 200 records");
  }
  std::vector<record_spec> specs(recs.size());
  std::vector<std::optional<record_error>> errors(recs.size());
  std::set<std::pair<request_id, org_index>> seen;
  bool any_error = false;
  for (std::size_t i = 0; i < recs.size(); ++i) {
    const json& rec = recs[i];
    const object_def* o = nullptr;
    if (rec.is_object() && rec.contains("attributes") && rec["attributes"].is_object() &&
        rec["attributes"].contains("type") && rec["attributes"]["type"].is_string()) {
      o = push_schema().find_object(rec["attributes"]["type"].get<std::string>());
    }
    if (o == nullptr) {
      errors[i] = record_error{"INVALID_TYPE", "Must specify a valid type in attributes for each record", {}};
    } else {
      errors[i] = read_record(*o, body_of(rec), specs[i]);
      if (!errors[i] && all_or_none) errors[i] = precheck(p_, specs[i], seen);
    }
    if (errors[i]) any_error = true;
  }
  std::string b = "[";
  for (std::size_t i = 0; i < recs.size(); ++i) {
    if (i) b += ',';
    std::optional<record_error> e = errors[i];
    std::string id;
    if (!e && all_or_none && any_error) {
      e = record_error{"ALL_OR_NONE_OPERATION_ROLLED_BACK",
                       "Record rolled back because not all records were valid and the request was using AllOrNone "
                       "header",
                       {}};
    }
    if (!e) {
      auto res = commit(p_, specs[i]);
      PUSHSIM_ASSERT(!all_or_none || std::holds_alternative<std::string>(res) ||
                         specs[i].object->name != "PackagePushJob",
                     "composite/sobjects: a prechecked job was refused");
      if (auto* err = std::get_if<record_error>(&res)) e = *err;
      else id = std::get<std::string>(res);
    }
    if (e) {
      b += "{\"success\":false,\"errors\":[";
      append_error_object(b, e->code, e->message, &e->fields, true);
      b += "]}";
    } else {
      b += "{\"id\":";
      append_json_string(id, b);
      b += ",\"success\":true,\"errors\":[]}";
    }
  }
  b += ']';
  return json_response(200, std::move(b));
}

// ---- Bulk API 2.0 ingest ----
namespace {
void append_job_info(const bulk_job& job, std::string& b);
}

rest_response api_handler::state::do_bulk(const rest_request& req, const route& r) {
  auto not_found = [&] {
    return error_response(404, "NOT_FOUND", "The requested resource does not exist");
  };
  auto job_info = [](const bulk_job& job, int status) {
    std::string b;
    append_job_info(job, b);
    return json_response(status, std::move(b));
  };
  if (r.id.empty()) {
    if (req.method == "GET") {
      std::string b = "{\"done\":true,\"records\":[";
      bool first = true;
      for (const auto& [id, job] : bulk_jobs_) {
        if (!first) b += ',';
        first = false;
        append_job_info(*job, b);
      }
      b += "],\"nextRecordsUrl\":null}";
      return json_response(200, std::move(b));
    }
    const json j = json::parse(req.body.begin(), req.body.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return json_parse_error();
    auto str = [&](const char* k) -> std::string {
      return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
    };
    const std::string object = str("object"), operation = str("operation");
    const object_def* o = push_schema().find_object(object);
    if (o == nullptr || o->name != "PackagePushJob") {
      return error_response(400, "INVALIDJOB", "Unable to find object: " + object);
    }
    if (operation != "insert") {
      return error_response(400, "INVALIDJOB", "InvalidJob : Invalid job operation for PackagePushJob: " + operation);
    }
    if (j.contains("contentType") && str("contentType") != "CSV") {
      return error_response(400, "INVALIDJOB", "InvalidJob : contentType must be CSV");
    }
    // Salesforce deletes ingest jobs 7 days after they were created; so do we (on sim time).
    for (auto old = bulk_jobs_.begin(); old != bulk_jobs_.end();) {
      if (p_.simulation().now() - old->second->created > std::chrono::hours(24 * 7)) {
        old = bulk_jobs_.erase(old);
      } else {
        ++old;
      }
    }
    auto job = std::make_unique<bulk_job>();
    job->id = make_id("750", next_bulk_job_);
    job->version = r.version;
    job->created = p_.simulation().now();
    if (j.contains("lineEnding")) {
      job->line_ending = str("lineEnding");
      if (job->line_ending != "LF" && job->line_ending != "CRLF") {
        return error_response(400, "INVALIDJOB", "InvalidJob : lineEnding must be LF or CRLF");
      }
    }
    rest_response resp = job_info(*job, 200);
    bulk_jobs_.emplace(next_bulk_job_++, std::move(job));
    return resp;
  }
  const auto seq = parse_id("750", r.id);
  if (!seq) return not_found();
  auto it = bulk_jobs_.find(*seq);
  if (it == bulk_jobs_.end()) return not_found();
  bulk_job& job = *it->second;
  if (r.sub == "batches") {
    if (job.state != "Open") {
      return error_response(409, "INVALIDJOBSTATE", "Job is not in the Open state: " + job.state);
    }
    std::string_view ct = req.header("Content-Type");
    if (ct.substr(0, 8) != "text/csv") {
      return error_response(400, "INVALIDJOB", "Content-Type must be text/csv");
    }
    job.data += req.body;
    job.uploaded = true;
    rest_response ok;
    ok.status = 201;
    return ok;
  }
  if (r.sub.empty() && req.method == "GET") {
    return job_info(job, 200);
  }
  if (r.sub.empty() && req.method == "DELETE") {
    if (job.state == "Open") {
      return error_response(400, "INVALIDJOBSTATE", "You can delete a job only when it is closed or aborted");
    }
    bulk_jobs_.erase(it);
    rest_response ok;
    ok.status = 204;
    return ok;
  }
  if (r.sub.empty() && req.method == "PATCH") {
    const json j = json::parse(req.body.begin(), req.body.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("state") || !j["state"].is_string()) {
      return json_parse_error();
    }
    const std::string wanted = j["state"].get<std::string>();
    if (wanted == "Aborted") {
      if (job.state != "Open" && job.state != "UploadComplete") {
        return error_response(400, "INVALIDJOBSTATE", "Job can't be aborted in state " + job.state);
      }
      job.state = "Aborted";
      job.table = parse_csv(job.data);
      return job_info(job, 200);
    }
    if (wanted != "UploadComplete") {
      return error_response(400, "INVALIDJOBSTATE", "Invalid state: " + wanted);
    }
    if (job.state != "Open") {
      return error_response(400, "INVALIDJOBSTATE", "Job is not in the Open state: " + job.state);
    }
    rest_response resp;
    job.state = "UploadComplete";
    resp = job_info(job, 200);
    // Processed at once: the next GET sees JobComplete (or Failed).
    job.table = parse_csv(job.data);
    csv_table& t = job.table;
    std::optional<std::size_t> col_req, col_key;
    std::string bad_column;
    for (std::size_t c = 0; c < t.header.size(); ++c) {
      if (iequals(t.header[c], "PackagePushRequestId")) col_req = c;
      else if (iequals(t.header[c], "SubscriberOrganizationKey")) col_key = c;
      else if (bad_column.empty()) bad_column = t.header[c];
    }
    if (!job.uploaded || !t.error.empty()) {
      job.state = "Failed";
      job.error_message = !job.uploaded ? "InvalidBatch : No data uploaded" : "InvalidBatch : " + t.error;
      return resp;
    }
    if (!bad_column.empty() || !col_req || !col_key) {
      job.state = "Failed";
      job.error_message = !bad_column.empty()
                              ? "InvalidBatch : Field name not found : " + bad_column
                              : "InvalidBatch : Required fields are missing: [PackagePushRequestId, "
                                "SubscriberOrganizationKey]";
      return resp;
    }
    job.success.assign(t.rows.size(), {});
    job.failure.assign(t.rows.size(), {});
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      const auto& row = t.rows[i];
      record_spec s;
      s.object = push_schema().find_object("PackagePushJob");
      s.request_id = *col_req < row.size() ? row[*col_req] : std::string();
      s.org_key = *col_key < row.size() ? row[*col_key] : std::string();
      std::variant<std::string, record_error> res;
      if (!parse_id(push_request_prefix, s.request_id)) {
        res = record_error{"MALFORMED_ID", "Package Push Request ID: id value of incorrect type: " + s.request_id,
                           {"PackagePushRequestId"}};
      } else {
        res = commit(p_, s);
      }
      ++job.processed;
      if (auto* e = std::get_if<record_error>(&res)) {
        ++job.failed;
        std::string f;
        for (const auto& x : e->fields) f += (f.empty() ? "" : ",") + x;
        job.failure[i] = e->code + ":" + e->message + ":" + f + " --";
      } else {
        job.success[i] = std::get<std::string>(res);
      }
    }
    job.state = "JobComplete";
    return resp;
  }
  // result files
  if (job.state != "JobComplete" && job.state != "Aborted" && job.state != "Failed") {
    return error_response(400, "INVALIDJOBSTATE", "Job is not yet complete: " + job.state);
  }
  const std::string nl = job.line_ending == "CRLF" ? "\r\n" : "\n";
  rest_response out;
  out.status = 200;
  out.headers.emplace_back("Content-Type", "text/csv");
  const csv_table& t = job.table;
  if (r.sub == "successfulResults") {
    out.body = "\"sf__Id\",\"sf__Created\"," + t.header_text + nl;
    for (std::size_t i = 0; i < job.success.size(); ++i) {
      if (job.success[i].empty()) continue;
      out.body += csv_field(job.success[i], csv_quoting::always) + ",\"true\"," + t.row_text[i] + nl;
    }
  } else if (r.sub == "failedResults") {
    out.body = "\"sf__Id\",\"sf__Error\"," + t.header_text + nl;
    for (std::size_t i = 0; i < job.failure.size(); ++i) {
      if (job.failure[i].empty()) continue;
      out.body += "\"\"," + csv_field(job.failure[i], csv_quoting::always) + "," + t.row_text[i] + nl;
    }
  } else {
    out.body = t.header_text + nl;
    if (job.state != "JobComplete") {
      for (const auto& row : t.row_text) out.body += row + nl;
    }
  }
  return out;
}

namespace {
void append_job_info(const bulk_job& job, std::string& b) {
  json j = {{"id", job.id},
            {"operation", "insert"},
            {"object", "PackagePushJob"},
            {"createdById", "005000000000PSHAAA"},
            {"createdDate", format_salesforce(job.created)},
            {"systemModstamp", format_salesforce(job.created)},
            {"state", job.state},
            {"concurrencyMode", "Parallel"},
            {"contentType", "CSV"},
            {"apiVersion", std::stod(job.version)},
            {"contentUrl", "services/data/v" + job.version + "/jobs/ingest/" + job.id + "/batches"},
            {"lineEnding", job.line_ending},
            {"columnDelimiter", "COMMA"},
            {"jobType", "V2Ingest"},
            {"numberRecordsProcessed", job.processed},
            {"numberRecordsFailed", job.failed},
            {"retries", 0},
            {"totalProcessingTime", 0},
            {"apiActiveProcessingTime", 0},
            {"apexProcessingTime", 0}};
  if (!job.error_message.empty()) j["errorMessage"] = job.error_message;
  b += j.dump(-1, ' ', false, json::error_handler_t::replace);
}
}  // namespace

}  // namespace pushsim::mock_org::api
