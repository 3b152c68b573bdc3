#include "sobject_endpoints.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "api_response.hpp"
#include "pushsim/base/json_text.hpp"
#include "pushsim/mock_org/api/soql_json.hpp"
#include "record_validation.hpp"
#include "sobject_access.hpp"

namespace pushsim::mock_org::api::detail {

namespace {

using json = nlohmann::json;

std::optional<push_status> parse_status(std::string_view s) {
  static constexpr std::pair<std::string_view, push_status> names[] = {
      {"Created", push_status::created},        {"Pending", push_status::pending},
      {"InProgress", push_status::in_progress}, {"In Progress", push_status::in_progress},
      {"Succeeded", push_status::succeeded},    {"Failed", push_status::failed},
      {"Canceled", push_status::canceled}};
  for (const auto& [n, st] : names) {
    if (n == s) return st;
  }
  return std::nullopt;
}

rest_response row_not_found(const std::string& id) {
  return error_response(404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: " + id);
}

// The fields a retrieve returns: those named in ?fields= (trimmed), or all of o's; or the 400 INVALID_FIELD.
std::variant<rest_response, std::vector<const field_def*>> retrieve_fields(const object_def& o, const route& r) {
  std::vector<const field_def*> fields;
  if (!r.has_param("fields")) {
    for (const auto& f : o.fields) fields.push_back(&f);
    return fields;
  }
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
  return fields;
}

// The Status a PATCH body sets (nullopt: none), or the 400 for a member that is not an updateable Status value.
std::variant<rest_response, std::optional<push_status>> patched_status(const object_def& o, const json& j) {
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
  return status;
}

}  // namespace

rest_response create_record(platform& p, const object_def& o, std::string_view body) {
  const json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) return json_parse_error();
  record_spec spec;
  if (auto e = read_record(o, body_of(j), spec)) return record_error_response(*e);
  auto res = commit(p, spec);
  if (auto* e = std::get_if<record_error>(&res)) return record_error_response(*e);
  std::string b = "{\"id\":";
  append_json_string(std::get<std::string>(res), b);
  b += ",\"success\":true,\"errors\":[]}";
  return json_response(201, std::move(b));
}

rest_response retrieve_record(const platform_data_source& ds, const route& r) {
  const object_def& o = *r.object;
  auto rows = ds.lookup_eq(o, o.id_field(), value{r.id});
  if (!rows || rows->empty()) return row_not_found(r.id);
  auto fields = retrieve_fields(o, r);
  if (auto* e = std::get_if<rest_response>(&fields)) return std::move(*e);
  const row_id row = rows->front();
  const std::string id = std::get<std::string>(ds.field(o, row, o.id_field()));
  std::string b = "{\"attributes\":{\"type\":";
  append_json_string(o.name, b);
  b += ",\"url\":";
  append_json_string("/services/data/v" + r.version + "/sobjects/" + o.name + "/" + id, b);
  b += '}';
  for (const field_def* f : std::get<std::vector<const field_def*>>(fields)) {
    b += ',';
    append_json_string(f->name, b);
    b += ':';
    append_json_value(ds.field(o, row, *f), b);
  }
  b += '}';
  return json_response(200, std::move(b));
}

rest_response patch_record(platform& p, const platform_data_source& ds, const route& r, std::string_view body) {
  const object_def& o = *r.object;
  const json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) return json_parse_error();
  if (!j.is_object()) {
    return error_response(400, "JSON_PARSER_ERROR",
                          "Cannot deserialize instance of " + o.name + " from " + std::string(json_kind(j)) + " value");
  }
  auto rows = ds.lookup_eq(o, o.id_field(), value{r.id});
  if (!rows || rows->empty()) return row_not_found(r.id);
  if (o.name != "PackagePushRequest" && o.name != "PackagePushJob") {
    return error_response(400, "INVALID_TYPE_FOR_OPERATION", "entity type cannot be updated: " + o.name);
  }
  auto status = patched_status(o, j);
  if (auto* e = std::get_if<rest_response>(&status)) return std::move(*e);
  const auto& wanted = std::get<std::optional<push_status>>(status);
  if (!wanted) return empty_response(204);
  const auto id = static_cast<request_id>(rows->front() + 1);
  auto res = p.set_request_status(id, *wanted);
  if (!res) return platform_error(res.error);
  return empty_response(204);
}

}  // namespace pushsim::mock_org::api::detail
