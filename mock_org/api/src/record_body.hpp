#pragma once
// record_body: one record of a create body (sobjects, composite/tree, composite/sobjects) as the record checks need
// it, read by either JSON parser: nlohmann for the single-record endpoints, simdjson's DOM for composite/tree, the
// hot path of a rehearsal. Private to mock_org/api.

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <simdjson.h>

namespace pushsim::mock_org::api::detail {

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

  // Sorts members by key, keeping the last of duplicate keys.
  void normalize();
};

// The Jackson token name Salesforce reports for a JSON value ("VALUE_STRING", "START_OBJECT", "VALUE_NULL", ...).
std::string_view json_kind(const nlohmann::json& v);
std::string_view json_kind(simdjson::dom::element v);

// The record body of a parsed JSON value (views into it: it must outlive the body).
record_body body_of(const nlohmann::json& rec);
record_body body_of(simdjson::dom::element rec);

}  // namespace pushsim::mock_org::api::detail
