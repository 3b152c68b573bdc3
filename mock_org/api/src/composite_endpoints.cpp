#include "composite_endpoints.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_set>
#include <string>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "api_response.hpp"
#include "pushsim/base/assert.hpp"
#include "pushsim/base/json_text.hpp"
#include "record_validation.hpp"

namespace pushsim::mock_org::api::detail {

namespace {

using json = nlohmann::json;

// One record of a composite call as checked: its reference id, what to create, or why it was refused.
struct batch_record {
  std::string ref;  // composite/tree only
  record_spec spec;
  std::optional<record_error> error;
};

rest_response too_many_records() {
  return error_response(400, "LIMIT_EXCEEDED", "The request can't contain more than 200 records");
}

rest_response records_array_expected() {
  return error_response(400, "JSON_PARSER_ERROR", "Expected a JSON object with a \"records\" array");
}

// A composite/tree record: type and reference id from its attributes, unique reference, then the record checks
// (the platform's prechecks come after, for the whole batch).
void read_tree_record(const object_def& o, const record_body& rec, std::unordered_set<std::string_view>& refs_seen,
                      batch_record& out) {
  if (rec.has_attributes) {
    if (rec.reference_is_string) out.ref = std::string(rec.reference_id);
    if (rec.has_type && (!rec.type_is_string || !iequals(rec.type, o.name))) {
      out.error = record_error{"INVALID_TYPE", "The type in attributes doesn't match the object in the URL", {}};
    }
  }
  if (!out.error && out.ref.empty()) {
    out.error = record_error{"INVALID_INPUT", "Include a reference ID for each record in the request.", {}};
  }
  if (!out.error && !refs_seen.insert(out.ref).second) {
    out.error = record_error{"INVALID_INPUT", "Duplicate ReferenceId provided in the request: " + out.ref, {}};
  }
  if (!out.error) out.error = read_record(o, rec, out.spec);
}

// The platform's prechecks of the records read without error, in order; the orgs they look up are brought into
// cache first, all at once (a batch is up to 200 orgs spread over the whole population).
void precheck_tree_records(platform& p, std::vector<batch_record>& records) {
  std::vector<org_key> keys;
  keys.reserve(records.size());
  for (batch_record& r : records) {
    if (r.error) continue;
    r.spec.key = parse_org_key(r.spec.org_key);
    if (r.spec.key) keys.push_back(*r.spec.key);
  }
  p.orgs().prefetch(keys);
  job_pairs seen;
  for (batch_record& r : records) {
    if (!r.error) r.error = precheck(p, r.spec, seen);
  }
}

// 400 {"hasErrors":true,"results":[{"referenceId","errors"}]} for the refused records.
rest_response tree_errors(const std::vector<batch_record>& records) {
  std::string b = "{\"hasErrors\":true,\"results\":[";
  bool first = true;
  for (const batch_record& r : records) {
    if (!r.error) continue;
    if (!first) b += ',';
    first = false;
    b += "{\"referenceId\":";
    append_json_string(r.ref, b);
    b += ",\"errors\":[";
    append_error_object(b, r.error->code, r.error->message, &r.error->fields, true);
    b += "]}";
  }
  b += "]}";
  return json_response(400, std::move(b));
}

// Creates every (prechecked) record: 201 {"hasErrors":false,"results":[{"referenceId","id"}]}.
rest_response commit_tree(platform& p, const std::vector<batch_record>& records) {
  std::string b = "{\"hasErrors\":false,\"results\":[";
  for (std::size_t i = 0; i < records.size(); ++i) {
    auto res = commit(p, records[i].spec);
    PUSHSIM_ASSERT(std::holds_alternative<std::string>(res) || records[i].spec.object->name != "PackagePushJob",
                   "composite/tree: a prechecked job was refused");
    if (auto* e = std::get_if<record_error>(&res)) return record_error_response(*e);
    if (i) b += ',';
    b += "{\"referenceId\":";
    append_json_string(records[i].ref, b);
    b += ",\"id\":";
    append_json_string(std::get<std::string>(res), b);
    b += '}';
  }
  b += "]}";
  return json_response(201, std::move(b));
}

// The sObject a composite/sobjects record names in attributes.type, or null.
const object_def* record_type(const json& rec) {
  if (rec.is_object() && rec.contains("attributes") && rec["attributes"].is_object() &&
      rec["attributes"].contains("type") && rec["attributes"]["type"].is_string()) {
    return push_schema().find_object(rec["attributes"]["type"].get<std::string>());
  }
  return nullptr;
}

// One composite/sobjects result: created (id) or refused (error).
void append_sobjects_result(const std::optional<record_error>& e, const std::string& id, std::string& b) {
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

// Creates the records that passed (none when all_or_none and any failed) and renders the results in order.
rest_response commit_sobjects(platform& p, std::vector<batch_record>& records, bool all_or_none, bool any_error) {
  std::string b = "[";
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (i) b += ',';
    std::optional<record_error> e = records[i].error;
    std::string id;
    if (!e && all_or_none && any_error) {
      e = record_error{"ALL_OR_NONE_OPERATION_ROLLED_BACK",
                       "Record rolled back because not all records were valid and the request was using AllOrNone "
                       "header",
                       {}};
    }
    if (!e) {
      auto res = commit(p, records[i].spec);
      PUSHSIM_ASSERT(
          !all_or_none || std::holds_alternative<std::string>(res) || records[i].spec.object->name != "PackagePushJob",
          "composite/sobjects: a prechecked job was refused");
      if (auto* err = std::get_if<record_error>(&res)) e = *err;
      else id = std::get<std::string>(res);
    }
    append_sobjects_result(e, id, b);
  }
  b += ']';
  return json_response(200, std::move(b));
}

}  // namespace

rest_response composite_tree(platform& p, const object_def& o, std::string_view body) {
  // The hot path of a rehearsal (200 job records per call): read with simdjson's DOM, a parser kept per thread.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element j;
  if (parser.parse(body.data(), body.size()).get(j) != simdjson::SUCCESS) return json_parse_error();
  simdjson::dom::array recs;
  if (!j.is_object() || j["records"].get_array().get(recs) != simdjson::SUCCESS) return records_array_expected();
  if (recs.size() > 200) return too_many_records();
  if (recs.size() == 0) return error_response(400, "INVALID_INPUT", "No records to process");
  std::vector<batch_record> records(recs.size());
  std::unordered_set<std::string_view> refs_seen;  // views of records[i].ref (records does not grow)
  refs_seen.reserve(records.size());
  std::size_t at = 0;
  for (const simdjson::dom::element rec : recs) read_tree_record(o, body_of(rec), refs_seen, records[at++]);
  precheck_tree_records(p, records);
  const bool has_errors = std::any_of(records.begin(), records.end(), [](const batch_record& r) { return r.error; });
  return has_errors ? tree_errors(records) : commit_tree(p, records);
}

rest_response composite_sobjects(platform& p, std::string_view body) {
  const json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) return json_parse_error();
  if (!j.is_object() || !j.contains("records") || !j["records"].is_array()) return records_array_expected();
  bool all_or_none = false;
  if (j.contains("allOrNone")) {
    if (!j["allOrNone"].is_boolean()) {
      return error_response(
          400, "JSON_PARSER_ERROR",
          "Cannot deserialize instance of boolean from " + std::string(json_kind(j["allOrNone"])) + " value");
    }
    all_or_none = j["allOrNone"].get<bool>();
  }
  const json& recs = j["records"];
  if (recs.size() > 200) return too_many_records();
  std::vector<batch_record> records(recs.size());
  job_pairs seen;
  bool any_error = false;
  for (std::size_t i = 0; i < recs.size(); ++i) {
    const object_def* o = record_type(recs[i]);
    if (o == nullptr) {
      records[i].error = record_error{"INVALID_TYPE", "Must specify a valid type in attributes for each record", {}};
    } else {
      records[i].error = read_record(*o, body_of(recs[i]), records[i].spec);
      if (!records[i].error && all_or_none) records[i].error = precheck(p, records[i].spec, seen);
    }
    if (records[i].error) any_error = true;
  }
  return commit_sobjects(p, records, all_or_none, any_error);
}

}  // namespace pushsim::mock_org::api::detail
