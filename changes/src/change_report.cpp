#include "pushsim/changes/change_report.hpp"

#include <sstream>

#include <nlohmann/json.hpp>

namespace pushsim::changes {

namespace {

using mock_org::change_kind;
using nlohmann::ordered_json;

// The change as the package JSON writes it (mock_org/package_json.hpp), object and cost null until estimated.
ordered_json change_json(const derived_change& c) {
  ordered_json j;
  j["kind"] = std::string(mock_org::to_string(c.kind));
  switch (c.kind) {
    case change_kind::field_type_change:
      j["field"] = c.field;
      j["new_type"] = std::string(mock_org::to_string(c.new_type));
      break;
    case change_kind::field_removed_from_layouts: j["field"] = c.field; break;
    case change_kind::picklist_value_removed:
      j["field"] = c.field;
      j["value"] = c.value;
      break;
    case change_kind::new_required_field:
    case change_kind::new_trigger: j["object"] = c.object; break;
    case change_kind::new_custom_fields:
      j["object"] = c.object;
      j["count"] = c.count;
      break;
    case change_kind::post_install_script:
      j["object"] = c.object.empty() ? ordered_json() : ordered_json(c.object);
      j["cost_us_per_record"] = c.cost_us_per_record ? ordered_json(*c.cost_us_per_record) : ordered_json();
      break;
    case change_kind::api_version_retired: j["api_version"] = c.api_version; break;
    case change_kind::required_feature: break;
  }
  return j;
}

// "kind key=value ..." for the terminal.
std::string change_line(const derived_change& c) {
  std::string s;
  const ordered_json j = change_json(c);
  for (const auto& [key, value] : j.items()) {
    if (key == "kind") {
      s = value.get<std::string>();
    } else {
      s += " " + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
    }
  }
  if (c.kind == change_kind::post_install_script) {
    s += c.cost_us_per_record ? " (the user's estimate, from " + c.estimate_source + ")"
                              : " (class " + c.post_install_class +
                                    "; object and cost are the user's estimate: --post-install-estimate OBJECT=US)";
  }
  return s;
}

std::string where(const evidence& e) { return e.line == 0 ? e.file : e.file + ":" + std::to_string(e.line); }

}  // namespace

std::string text_report(const change_list& list, const std::string& from, const std::string& to) {
  std::ostringstream o;
  o << "pushsim changes: " << from << " -> " << to;
  if (list.version) o << " (version " << list.version->str() << ")";
  o << "\n";
  if (list.empty()) {
    o << "no changes: the two versions' metadata is the same\n";
    return std::move(o).str();
  }
  o << list.changes.size() << (list.changes.size() == 1 ? " change" : " changes") << ":\n";
  for (const derived_change& c : list.changes) {
    o << "  " << change_line(c) << "\n";
    for (const evidence& e : c.seen) o << "      " << where(e) << "  " << e.element << "\n";
  }
  o << list.unclassified.size() << " unclassified (seen, but no change kind covers it):\n";
  for (const unclassified_item& u : list.unclassified) o << "  " << u.what << "\n      " << where(u.at) << "\n";
  for (const patch_violation& v : list.patch_violations) {
    o << "error: patch " << list.version->str() << " breaks a rule: " << v.rule << ": " << v.what << " (" << where(v.at)
      << ")\n";
  }
  return std::move(o).str();
}

std::string json_report(const change_list& list, const std::string& from, const std::string& to) {
  ordered_json j;
  j["from"] = from;
  j["to"] = to;
  j["version"] = list.version ? ordered_json(list.version->str()) : ordered_json();
  j["changes"] = ordered_json::array();
  for (const derived_change& c : list.changes) {
    ordered_json jc = change_json(c);
    jc["evidence"] = ordered_json::array();
    for (const evidence& e : c.seen) {
      jc["evidence"].push_back({{"file", e.file}, {"line", e.line}, {"element", e.element}});
    }
    j["changes"].push_back(std::move(jc));
  }
  j["unclassified"] = ordered_json::array();
  for (const unclassified_item& u : list.unclassified) {
    j["unclassified"].push_back({{"file", u.at.file},
                                 {"line", u.at.line},
                                 {"element", u.at.element},
                                 {"what", u.what},
                                 {"removal", u.removal}});
  }
  j["patch_violations"] = ordered_json::array();
  for (const patch_violation& v : list.patch_violations) {
    j["patch_violations"].push_back({{"rule", v.rule}, {"change", v.what}, {"file", v.at.file}, {"line", v.at.line}});
  }
  return j.dump(1) + "\n";
}

}  // namespace pushsim::changes
