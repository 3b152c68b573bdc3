#include "record_body.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace pushsim::mock_org::api::detail {

using json = nlohmann::json;

void record_body::normalize() {
  // Most bodies name their fields once, in order already: nothing to do (no sort, no copy).
  const auto out_of_order = [](const member& a, const member& b) { return !(a.key < b.key); };
  if (std::adjacent_find(members.begin(), members.end(), out_of_order) == members.end()) return;
  std::stable_sort(members.begin(), members.end(), [](const member& a, const member& b) { return a.key < b.key; });
  std::vector<member> last;
  last.reserve(members.size());
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i + 1 < members.size() && members[i + 1].key == members[i].key) continue;
    last.push_back(members[i]);
  }
  members = std::move(last);
}

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

}  // namespace pushsim::mock_org::api::detail
