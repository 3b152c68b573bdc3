#include "pushsim/mock_org/package.hpp"

#include <array>

namespace pushsim::mock_org {
namespace {
constexpr std::array<std::string_view, 10> field_type_names{
    "Text", "Number", "Currency", "Percent", "Date", "DateTime", "Checkbox", "Picklist", "Lookup", "LongTextArea"};
constexpr std::array<std::string_view, change_kind_count> change_names{
    "field_type_change",   "field_removed_from_layouts", "new_required_field",  "picklist_value_removed", "new_trigger",
    "post_install_script", "required_feature",           "api_version_retired", "new_custom_fields"};
}  // namespace

std::string_view to_string(field_type t) { return field_type_names[static_cast<std::size_t>(t)]; }
std::optional<field_type> parse_field_type(std::string_view s) {
  for (std::size_t i = 0; i < field_type_names.size(); ++i) {
    if (field_type_names[i] == s) return static_cast<field_type>(i);
  }
  return std::nullopt;
}
std::string_view to_string(change_kind k) { return change_names[static_cast<std::size_t>(k)]; }
std::optional<change_kind> parse_change_kind(std::string_view s) {
  for (std::size_t i = 0; i < change_names.size(); ++i) {
    if (change_names[i] == s) return static_cast<change_kind>(i);
  }
  return std::nullopt;
}
std::string_view to_string(release_state r) { return r == release_state::released ? "Released" : "Beta"; }

std::optional<object_index> package::find_object(std::string_view api_name) const {
  for (std::size_t i = 0; i < objects.size(); ++i) {
    if (objects[i].api_name == api_name) return static_cast<object_index>(i);
  }
  return std::nullopt;
}

std::optional<field_index> package::find_field(std::string_view qualified_name) const {
  const auto dot = qualified_name.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto obj = find_object(qualified_name.substr(0, dot));
  if (!obj) return std::nullopt;
  const auto field_name = qualified_name.substr(dot + 1);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].object == *obj && fields[i].api_name == field_name) return static_cast<field_index>(i);
  }
  return std::nullopt;
}

std::string package::qualified_field_name(field_index f) const {
  return objects[fields[f].object].api_name + "." + fields[f].api_name;
}

std::optional<version_index> package::find_version(version_number v) const {
  for (std::size_t i = 0; i < versions.size(); ++i) {
    if (versions[i].number == v) return static_cast<version_index>(i);
  }
  return std::nullopt;
}

std::vector<const change*> package::changes_between(version_index from, version_index to) const {
  std::vector<const change*> out;
  const std::size_t first = from == not_installed ? 0 : std::size_t{from} + 1;
  for (std::size_t v = first; v <= to && v < versions.size(); ++v) {
    for (const auto& c : versions[v].changes) out.push_back(&c);
  }
  return out;
}

std::vector<field_index> package::fields_of(object_index o) const {
  std::vector<field_index> out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].object == o) out.push_back(static_cast<field_index>(i));
  }
  return out;
}

std::string package::validate() const {
  if (objects.empty()) return "a package needs at least one managed object";
  if (objects.size() >= no_index || fields.size() >= no_index) return "too many objects or fields";
  if (versions.empty()) return "a package needs at least one version";
  if (versions.size() >= not_installed) return "at most 254 versions";
  for (const auto& f : fields) {
    if (f.object >= objects.size()) return "field " + f.api_name + " names an object out of range";
  }
  for (std::size_t v = 0; v < versions.size(); ++v) {
    if (v > 0 && !(versions[v - 1].number < versions[v].number)) {
      return "versions must be in ascending order (" + versions[v].number.str() + ")";
    }
    for (const auto& c : versions[v].changes) {
      const bool needs_field = c.kind == change_kind::field_type_change ||
                               c.kind == change_kind::field_removed_from_layouts ||
                               c.kind == change_kind::picklist_value_removed;
      const bool needs_object = c.kind == change_kind::new_required_field || c.kind == change_kind::new_trigger ||
                                c.kind == change_kind::post_install_script || c.kind == change_kind::new_custom_fields;
      if (needs_field && c.field >= fields.size()) return "a change of " + versions[v].number.str() + " needs a field";
      if (needs_object && c.object >= objects.size()) {
        return "a change of " + versions[v].number.str() + " needs an object";
      }
    }
  }
  return {};
}

package default_example_package() {
  package p;
  p.name = "Revenue Rollup Dashboard";
  p.namespace_prefix = "rrd";
  p.objects = {{"Opportunity", true},
               {"rrd__Revenue_Schedule__c", false},
               {"rrd__Forecast__c", false},
               {"rrd__Dashboard_Config__c", false},
               {"rrd__Rollup_Log__c", false}};
  p.fields = {
      {"rrd__Rollup_Amount__c", 0, field_type::currency, {}},
      {"rrd__Forecast_Category__c", 0, field_type::picklist, {"Pipeline", "Best Case", "Commit", "Closed"}},
      {"rrd__Schedule_Count__c", 0, field_type::number, {}},
      {"rrd__Amount__c", 1, field_type::currency, {}},
      {"rrd__Schedule_Date__c", 1, field_type::date, {}},
      {"rrd__Opportunity__c", 1, field_type::lookup, {}},
      {"rrd__Type__c", 1, field_type::picklist, {"Recurring", "One-time", "Services"}},
      {"rrd__Recognized__c", 1, field_type::checkbox, {}},
      {"rrd__Period__c", 2, field_type::text, {}},
      {"rrd__Quota__c", 2, field_type::currency, {}},
      {"rrd__Attainment__c", 2, field_type::percent, {}},
      {"rrd__Owner_Region__c", 2, field_type::picklist, {"AMER", "EMEA", "APAC", "LATAM"}},
      {"rrd__Layout_JSON__c", 3, field_type::long_text, {}},
      {"rrd__Refresh_Minutes__c", 3, field_type::number, {}},
      {"rrd__Message__c", 4, field_type::text, {}},
      {"rrd__Run_At__c", 4, field_type::datetime, {}},
  };
  auto version = [](std::string name, std::uint16_t ma, std::uint16_t mi, std::uint16_t pa, std::uint32_t build) {
    package_version v;
    v.name = std::move(name);
    v.number = {ma, mi, pa};
    v.build = build;
    return v;
  };
  p.versions.push_back(version("Launch", 1, 0, 0, 3));
  p.versions.push_back(version("Summer", 1, 1, 0, 2));
  p.versions.push_back(version("Winter", 1, 2, 0, 4));
  p.versions.back().deprecated = true;
  p.versions.push_back(version("Rollups Two", 2, 0, 0, 6));
  p.versions.push_back(version("Forecasts", 2, 1, 0, 2));
  p.versions.push_back(version("Schedules", 2, 2, 0, 3));
  p.versions.push_back(version("Regions", 2, 3, 0, 5));
  p.versions.push_back(version("Regions patch", 2, 3, 1, 1));
  {
    package_version v = version("Attainment", 2, 4, 0, 7);
    change c;
    c.kind = change_kind::field_type_change;
    c.field = 10;  // rrd__Forecast__c.rrd__Attainment__c: Percent -> Number
    c.new_type = field_type::number;
    v.changes.push_back(c);
    c = change{};
    c.kind = change_kind::field_removed_from_layouts;
    c.field = 2;  // Opportunity.rrd__Schedule_Count__c
    v.changes.push_back(c);
    c = change{};
    c.kind = change_kind::picklist_value_removed;
    c.field = 6;  // rrd__Revenue_Schedule__c.rrd__Type__c
    c.text = "Services";
    v.changes.push_back(c);
    c = change{};
    c.kind = change_kind::new_trigger;
    c.object = 0;  // Opportunity
    v.changes.push_back(c);
    c = change{};
    c.kind = change_kind::post_install_script;
    c.object = 1;  // recomputes every revenue schedule
    c.cost_us_per_record = 40.0;
    v.changes.push_back(c);
    c = change{};
    c.kind = change_kind::new_custom_fields;
    c.object = 2;
    c.count = 12;
    v.changes.push_back(c);
    c = change{};
    c.kind = change_kind::api_version_retired;
    c.api_version = 30;
    v.changes.push_back(c);
    p.versions.push_back(std::move(v));
  }
  {
    package_version v = version("Currencies", 2, 5, 0, 1);
    v.state = release_state::beta;
    change c;
    c.kind = change_kind::required_feature;
    c.feature = platform_feature::multi_currency;
    v.changes.push_back(c);
    c = change{};
    c.kind = change_kind::new_required_field;
    c.object = 1;
    v.changes.push_back(c);
    p.versions.push_back(std::move(v));
  }
  return p;
}

}  // namespace pushsim::mock_org
