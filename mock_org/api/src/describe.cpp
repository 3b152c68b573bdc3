#include "describe.hpp"

#include <nlohmann/json.hpp>
#include <utility>

#include "api_response.hpp"
#include "pushsim/base/json_text.hpp"
#include "sobject_access.hpp"

namespace pushsim::mock_org::api::detail {

namespace {

void append_object_urls(const object_def& o, const std::string& version, std::string& b) {
  const std::string base = "/services/data/v" + version + "/sobjects/" + o.name;
  b += "\"urls\":{\"sobject\":";
  append_json_string(base, b);
  b += ",\"describe\":";
  append_json_string(base + "/describe", b);
  b += ",\"rowTemplate\":";
  append_json_string(base + "/{ID}", b);
  b += '}';
}

// {"name", "label", "keyPrefix" and the create/update/query flags of an object, up to and including the comma
// after "custom" (shared by the global describe, the object info and the full describe).
void append_object_head(const object_def& o, std::string& b) {
  b += "{\"name\":";
  append_json_string(o.name, b);
  b += ",\"label\":";
  append_json_string(o.name, b);
  b += ",\"keyPrefix\":";
  append_json_string(o.key_prefix, b);
  b += createable(o) ? ",\"createable\":true" : ",\"createable\":false";
  b += o.name == "PackagePushRequest" ? ",\"updateable\":true" : ",\"updateable\":false";
  b += ",\"deletable\":false,\"queryable\":true,\"retrieveable\":true,\"custom\":false,";
}

void append_object_summary(const object_def& o, const std::string& version, std::string& b) {
  append_object_head(o, b);
  append_object_urls(o, version, b);
  b += '}';
}

void append_field(const object_def& o, const field_def& f, std::string& b) {
  b += "{\"name\":";
  append_json_string(f.name, b);
  b += ",\"label\":";
  append_json_string(f.name, b);
  b += ",\"type\":";
  append_json_string(field_type_name(f.type), b);
  b += ",\"nillable\":";
  b += f.type == field_type::id || f.type == field_type::boolean ? "false" : "true";
  b += ",\"createable\":";
  b += field_createable(o, f) ? "true" : "false";
  b += ",\"updateable\":";
  b += field_updateable(o, f) ? "true" : "false";
  b += ",\"filterable\":true,\"referenceTo\":[";
  if (f.type == field_type::reference) append_json_string(f.reference_to, b);
  b += "],\"relationshipName\":";
  if (f.type == field_type::reference) append_json_string(f.relationship_name, b);
  else b += "null";
  b += '}';
}

void append_child_relationships(const object_def& o, std::string& b) {
  b += "\"childRelationships\":[";
  for (std::size_t i = 0; i < o.children.size(); ++i) {
    if (i) b += ',';
    b += "{\"childSObject\":";
    append_json_string(o.children[i].child_object, b);
    b += ",\"field\":";
    append_json_string(o.children[i].field, b);
    b += ",\"relationshipName\":";
    append_json_string(o.children[i].name, b);
    b += '}';
  }
  b += ']';
}

}  // namespace

rest_response versions_response(std::string_view method, const std::vector<std::string>& versions) {
  if (method != "GET" && method != "HEAD") {
    return error_response(405, "METHOD_NOT_ALLOWED",
                          "HTTP Method '" + std::string(method) + "' not allowed. Allowed are GET,HEAD");
  }
  std::string b = "[";
  for (std::size_t i = 0; i < versions.size(); ++i) {
    const std::string& v = versions[i];
    if (i) b += ',';
    b += "{\"label\":";
    append_json_string("Release " + v, b);
    b += ",\"url\":";
    append_json_string("/services/data/v" + v, b);
    b += ",\"version\":";
    append_json_string(v, b);
    b += '}';
  }
  b += ']';
  return json_response(200, std::move(b));
}

rest_response version_root_response(const std::string& version, const api_config& config) {
  const std::string base = "/services/data/v" + version;
  std::string b = "{";
  bool first = true;
  for (const char* k : {"limits", "query", "queryAll", "sobjects", "composite", "jobs/ingest"}) {
    if (!first) b += ',';
    first = false;
    std::string key = k;
    if (key == "jobs/ingest") key = "jobs";
    append_json_string(key, b);
    b += ':';
    append_json_string(base + "/" + k, b);
  }
  b += ",\"identity\":";
  append_json_string(config.instance_url + "/id/" + config.partner.org_id + "/" + config.partner.user_id, b);
  b += '}';
  return json_response(200, std::move(b));
}

rest_response global_describe_response(const std::string& version) {
  std::string b = "{\"encoding\":\"UTF-8\",\"maxBatchSize\":200,\"sobjects\":[";
  bool first = true;
  for (const auto& o : push_schema().objects()) {
    if (!first) b += ',';
    first = false;
    append_object_summary(o, version, b);
  }
  b += "]}";
  return json_response(200, std::move(b));
}

rest_response object_info_response(const object_def& o, const std::string& version) {
  std::string b = "{\"objectDescribe\":";
  append_object_summary(o, version, b);
  b += ",\"recentItems\":[]}";
  return json_response(200, std::move(b));
}

rest_response describe_response(const object_def& o, const std::string& version) {
  std::string b;
  append_object_head(o, b);
  b += "\"fields\":[";
  for (std::size_t i = 0; i < o.fields.size(); ++i) {
    if (i) b += ',';
    append_field(o, o.fields[i], b);
  }
  b += "],";
  append_child_relationships(o, b);
  b += ',';
  append_object_urls(o, version, b);
  b += '}';
  return json_response(200, std::move(b));
}

rest_response userinfo_response(const api_config& config) {
  using json = nlohmann::json;
  const partner_org_info& pi = config.partner;
  const std::string& base = config.instance_url;
  json j = {{"sub", base + "/id/" + pi.org_id + "/" + pi.user_id},
            {"user_id", pi.user_id},
            {"organization_id", pi.org_id},
            {"preferred_username", pi.username},
            {"nickname", pi.username.substr(0, pi.username.find('@'))},
            {"name", pi.user_name},
            {"email", pi.email},
            {"email_verified", true},
            {"zoneinfo", "America/Los_Angeles"},
            {"locale", "en_US"},
            {"language", "en_US"},
            {"active", true},
            {"user_type", "STANDARD"},
            {"is_app_installed", true},
            {"urls",
             {{"enterprise", base + "/services/Soap/c/{version}/" + pi.org_id.substr(0, 15)},
              {"rest", base + "/services/data/v{version}/"},
              {"sobjects", base + "/services/data/v{version}/sobjects/"},
              {"query", base + "/services/data/v{version}/query/"},
              {"profile", base + "/" + pi.user_id},
              {"custom_domain", base}}}};
  return json_response(200, j.dump(-1, ' ', false, json::error_handler_t::replace));
}

rest_response identity_response(const api_config& config) {
  using json = nlohmann::json;
  const partner_org_info& pi = config.partner;
  const std::string& base = config.instance_url;
  const std::string id_url = base + "/id/" + pi.org_id + "/" + pi.user_id;
  json j = {{"id", id_url},
            {"asserted_user", true},
            {"user_id", pi.user_id},
            {"organization_id", pi.org_id},
            {"username", pi.username},
            {"nick_name", pi.username.substr(0, pi.username.find('@'))},
            {"display_name", pi.user_name},
            {"email", pi.email},
            {"email_verified", true},
            {"active", true},
            {"user_type", "STANDARD"},
            {"language", "en_US"},
            {"locale", "en_US"},
            {"utcOffset", -28800000},
            {"is_app_installed", true},
            {"urls",
             {{"rest", base + "/services/data/v{version}/"},
              {"sobjects", base + "/services/data/v{version}/sobjects/"},
              {"query", base + "/services/data/v{version}/query/"},
              {"limits", base + "/services/data/v{version}/limits/"},
              {"profile", base + "/" + pi.user_id},
              {"custom_domain", base}}}};
  return json_response(200, j.dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace pushsim::mock_org::api::detail
