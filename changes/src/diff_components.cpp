#include <string_view>

#include "diff_parts.hpp"

namespace pushsim::changes::detail {

namespace {

using mock_org::change_kind;

// New, changed and removed components of one type; `on_new` decides about a new one (true: it is covered).
template <class OnNew>
void diff_set(const dx_source& from, const dx_source& to, const std::map<std::string, dx_component>& before,
              const std::map<std::string, dx_component>& after, std::string_view type, OnNew on_new, change_list& out) {
  const std::string t(type);
  for (const auto& [name, c] : after) {
    const auto it = before.find(name);
    if (it == before.end()) {
      if (!on_new(name, c)) out.unclassified.push_back({seen_at(to, c.file, t), "new " + t + " " + name});
    } else if (it->second.content != c.content) {
      out.unclassified.push_back({seen_at(to, c.file, t), t + " " + name + " changed"});
    }
  }
  for (const auto& [name, c] : before) {
    if (after.contains(name)) continue;
    out.unclassified.push_back({seen_at(from, c.file, t), t + " " + name + " removed", true});
  }
}

void diff_value_sets(const dx_source& from, const dx_source& to, change_list& out) {
  for (const auto& [name, g] : to.global_value_sets) {
    const auto it = from.global_value_sets.find(name);
    if (it == from.global_value_sets.end()) {
      out.unclassified.push_back({seen_at(to, g.file, "GlobalValueSet"), "new global value set " + name});
    } else if (it->second.content != g.content && it->second.values == g.values) {
      out.unclassified.push_back({seen_at(to, g.file, "GlobalValueSet"), "global value set " + name + " changed"});
    }
  }
  for (const auto& [name, g] : from.global_value_sets) {
    if (!to.global_value_sets.contains(name)) {
      out.unclassified.push_back(
          {seen_at(from, g.file, "GlobalValueSet"), "global value set " + name + " removed", true});
    }
  }
}

void diff_other_files(const dx_source& from, const dx_source& to, change_list& out) {
  for (const auto& [rel, content] : to.other_files) {
    const auto it = from.other_files.find(rel);
    if (it == from.other_files.end()) {
      out.unclassified.push_back({seen_at(to, {rel, 0}, "file"), "new file of a type pushsim does not read"});
    } else if (it->second != content) {
      out.unclassified.push_back({seen_at(to, {rel, 0}, "file"), "changed file of a type pushsim does not read"});
    }
  }
  for (const auto& [rel, content] : from.other_files) {
    if (!to.other_files.contains(rel)) {
      out.unclassified.push_back({seen_at(from, {rel, 0}, "file"), "removed file of a type pushsim does not read"});
    }
  }
}

// Components with an API version at or below `retired`, as evidence.
std::vector<evidence> at_or_below(const dx_source& s, std::uint16_t retired) {
  std::vector<evidence> out;
  for (const auto* set : {&s.triggers, &s.classes, &s.flows}) {
    for (const auto& [name, c] : *set) {
      if (c.api_version && *c.api_version <= retired) {
        out.push_back(seen_at(s, c.api_version_at, name + " <apiVersion>" + std::to_string(*c.api_version) + ".0"));
      }
    }
  }
  return out;
}

}  // namespace

void diff_components(const dx_source& from, const dx_source& to, change_list& out) {
  auto not_covered = [](const std::string&, const dx_component&) { return false; };
  auto new_trigger = [&](const std::string& name, const dx_component& c) {
    derived_change d;
    d.kind = change_kind::new_trigger;
    d.object = c.object;
    d.seen = {seen_at(to, {c.file.file.substr(0, c.file.file.size() - std::string_view("-meta.xml").size()), 1},
                      "trigger " + name + " on " + c.object)};
    out.changes.push_back(std::move(d));
    return true;
  };
  auto post_install_class = [&](const std::string& name, const dx_component&) {
    return to.post_install_class && *to.post_install_class == name;
  };
  diff_set(from, to, from.objects, to.objects, "object", not_covered, out);
  diff_set(from, to, from.validation_rules, to.validation_rules, "validation rule", not_covered, out);
  diff_set(from, to, from.triggers, to.triggers, "trigger", new_trigger, out);
  diff_set(from, to, from.classes, to.classes, "Apex class", post_install_class, out);
  diff_set(from, to, from.flows, to.flows, "flow", not_covered, out);
  diff_value_sets(from, to, out);
  diff_other_files(from, to, out);
}

void diff_post_install(const dx_source& to, change_list& out) {
  if (!to.post_install_class) return;
  derived_change c;
  c.kind = change_kind::post_install_script;
  c.post_install_class = *to.post_install_class;
  c.seen.push_back(seen_at(to, to.post_install_at, "postInstallScript: " + *to.post_install_class));
  const auto cls = to.classes.find(*to.post_install_class);
  if (cls != to.classes.end()) c.seen.push_back(seen_at(to, cls->second.file, "ApexClass " + cls->first));
  out.changes.push_back(std::move(c));
}

void diff_api_versions(const dx_source& from, const dx_source& to, std::uint16_t retired, change_list& out) {
  const auto before = at_or_below(from, retired);
  const auto still = at_or_below(to, retired);
  for (const evidence& e : still) {
    out.unclassified.push_back(
        {e, "still on an API version at or below the retirement line " + std::to_string(retired) + ".0"});
  }
  if (before.empty() || !still.empty()) return;
  derived_change c;
  c.kind = change_kind::api_version_retired;
  c.api_version = retired;
  c.seen = before;
  out.changes.push_back(std::move(c));
}

}  // namespace pushsim::changes::detail
