#include "pushsim/changes/package_update.hpp"

#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

#include "pushsim/mock_org/package_json.hpp"

namespace pushsim::changes {

namespace {

using mock_org::change_kind;

bool needs_field(change_kind k) {
  return k == change_kind::field_type_change || k == change_kind::field_removed_from_layouts ||
         k == change_kind::picklist_value_removed;
}

std::variant<mock_org::change, std::string> to_package_change(const mock_org::package& p, const derived_change& d) {
  mock_org::change c;
  c.kind = d.kind;
  if (needs_field(d.kind)) {
    const auto f = p.find_field(d.field);
    if (!f) return "the package has no managed field \"" + d.field + "\" (add it under \"objects\" first)";
    c.field = *f;
  } else if (d.kind != change_kind::api_version_retired && d.kind != change_kind::required_feature) {
    if (d.kind == change_kind::post_install_script && !d.cost_us_per_record) {
      return "post_install_script (class " + d.post_install_class +
             ") needs the user's estimate: --post-install-estimate OBJECT=US_PER_RECORD";
    }
    const auto o = p.find_object(d.object);
    if (!o) return "the package has no managed object \"" + d.object + "\" (add it under \"objects\" first)";
    c.object = *o;
  }
  c.new_type = d.new_type;
  c.text = d.value;
  c.api_version = d.api_version;
  c.count = d.count;
  c.cost_us_per_record = d.cost_us_per_record.value_or(0.0);
  return c;
}

}  // namespace

std::variant<post_install_estimate, std::string> parse_post_install_estimate(const std::string& text) {
  const auto eq = text.find('=');
  const std::string wanted = "expected OBJECT=US_PER_RECORD (e.g. rrd__Revenue_Schedule__c=25), got \"" + text + "\"";
  if (eq == std::string::npos || eq == 0) return wanted;
  post_install_estimate e;
  e.object = text.substr(0, eq);
  const char* first = text.data() + eq + 1;
  const char* last = text.data() + text.size();
  const auto [end, ec] = std::from_chars(first, last, e.cost_us_per_record);
  if (ec != std::errc{} || end != last || first == last || !std::isfinite(e.cost_us_per_record) ||
      e.cost_us_per_record < 0.0 || e.cost_us_per_record > 1e9) {
    return wanted + " (the cost is a number of microseconds per record, 0 to 1e9)";
  }
  return e;
}

void apply_estimate(change_list& list, const post_install_estimate& e, const std::string& source) {
  for (derived_change& c : list.changes) {
    if (c.kind != change_kind::post_install_script || c.cost_us_per_record) continue;
    c.object = e.object;
    c.cost_us_per_record = e.cost_us_per_record;
    c.estimate_source = source;
  }
}

void apply_estimate_from(change_list& list, const mock_org::package& p, mock_org::version_number version,
                         const std::string& source) {
  const auto v = p.find_version(version);
  if (!v) return;
  for (const mock_org::change& c : p.versions[*v].changes) {
    if (c.kind != change_kind::post_install_script) continue;
    apply_estimate(list, {p.objects[c.object].api_name, c.cost_us_per_record}, source);
    return;
  }
}

std::optional<std::uint16_t> retired_api_version_in(const mock_org::package& p, mock_org::version_number version) {
  const auto v = p.find_version(version);
  if (!v) return std::nullopt;
  for (const mock_org::change& c : p.versions[*v].changes) {
    if (c.kind == change_kind::api_version_retired) return c.api_version;
  }
  return std::nullopt;
}

std::variant<std::string, input_error> updated_package_json(mock_org::package p, mock_org::version_number version,
                                                            const change_list& list, const std::string& package_file) {
  const auto v = p.find_version(version);
  if (!v) return input_error{package_file, 0, "the package has no version " + version.str() + " to write changes into"};
  std::vector<mock_org::change> changes;
  for (const mock_org::change& c : p.versions[*v].changes) {
    if (c.kind == change_kind::required_feature) changes.push_back(c);
  }
  for (const derived_change& d : list.changes) {
    auto c = to_package_change(p, d);
    if (auto* e = std::get_if<std::string>(&c)) return input_error{package_file, 0, version.str() + ": " + *e};
    changes.push_back(std::get<mock_org::change>(std::move(c)));
  }
  p.versions[*v].changes = std::move(changes);
  return mock_org::package_to_json(p).dump(1) + "\n";
}

}  // namespace pushsim::changes
