#include <algorithm>
#include <map>
#include <set>

#include "diff_parts.hpp"

namespace pushsim::changes::detail {

namespace {

using mock_org::change_kind;

std::string object_of(const std::string& qualified) { return qualified.substr(0, qualified.find('.')); }

// A field's picklist values with where each is declared: its own value set, or the global value set it uses.
std::map<std::string, evidence> effective_values(const dx_source& s, const dx_field& f) {
  std::map<std::string, evidence> out;
  if (!f.global_value_set.empty()) {
    const auto g = s.global_value_sets.find(f.global_value_set);
    if (g == s.global_value_sets.end()) return out;
    for (const auto& [v, line] : g->second.value_lines) {
      out.emplace(v, seen_at(s, {g->second.file.file, line}, "<customValue>" + v));
    }
    return out;
  }
  for (const auto& [v, line] : f.picklist_value_lines) {
    out.emplace(v, seen_at(s, {f.file.file, line}, "<value>" + v));
  }
  return out;
}

void diff_type(const dx_source& from, const dx_source& to, const std::string& name, const dx_field& ff,
               const dx_field& tf, change_list& out) {
  if (ff.type == tf.type) return;
  std::vector<evidence> seen{seen_at(to, tf.type_at, "<type>" + tf.type + "</type>"),
                             seen_at(from, ff.type_at, "<type>" + ff.type + "</type>")};
  const auto t = mock_org::parse_field_type(tf.type);
  if (!t) {
    out.unclassified.push_back({seen[0], "type of " + name + " changes from " + ff.type + " to " + tf.type +
                                             ", which the package model has no field type for"});
    return;
  }
  derived_change c;
  c.kind = change_kind::field_type_change;
  c.field = name;
  c.new_type = *t;
  c.seen = std::move(seen);
  out.changes.push_back(std::move(c));
}

void diff_picklist(const dx_source& from, const dx_source& to, const std::string& name, const dx_field& ff,
                   const dx_field& tf, change_list& out) {
  const auto before = effective_values(from, ff);
  const auto after = effective_values(to, tf);
  for (const auto& [value, at] : before) {
    if (after.contains(value)) continue;
    derived_change c;
    c.kind = change_kind::picklist_value_removed;
    c.field = name;
    c.value = value;
    c.seen = {at, seen_at(to, tf.file, "value set without \"" + value + "\"")};
    out.changes.push_back(std::move(c));
  }
}

// Elements the reader does not interpret: any added, changed or removed one is listed.
void diff_other_elements(const dx_source& from, const dx_source& to, const std::string& name, const dx_field& ff,
                         const dx_field& tf, change_list& out) {
  std::multiset<std::string> before, after_names;
  for (const auto& e : ff.other_elements) before.insert(e.xml);
  for (const auto& e : tf.other_elements) {
    after_names.insert(e.name);
    if (before.contains(e.xml)) continue;
    out.unclassified.push_back(
        {seen_at(to, e.at, "<" + e.name + ">"), "element <" + e.name + "> of " + name + " added or changed"});
  }
  for (const auto& e : ff.other_elements) {
    if (after_names.contains(e.name)) continue;
    out.unclassified.push_back(
        {seen_at(from, e.at, "<" + e.name + ">"), "element <" + e.name + "> of " + name + " removed"});
  }
}

// One change per object, listing every field as evidence.
void add_per_object(change_kind kind, const std::map<std::string, std::vector<evidence>>& by_object, change_list& out) {
  for (const auto& [object, seen] : by_object) {
    derived_change c;
    c.kind = kind;
    c.object = object;
    c.count = static_cast<std::uint32_t>(seen.size());
    c.seen = seen;
    out.changes.push_back(std::move(c));
  }
}

// A layout in both versions whose file differs: fields added to it, fields taken off it but still on another layout
// (fields on no layout any more are field_removed_from_layouts), or other edits.
void diff_one_layout(const dx_source& from, const dx_source& to, const std::string& name, const dx_layout& fl,
                     const dx_layout& tl, const std::map<std::string, std::vector<evidence>>& on_layouts_after,
                     change_list& out) {
  bool fields_differ = false;
  for (const auto& [f, line] : tl.field_lines) {
    if (fl.field_lines.contains(f)) continue;
    fields_differ = true;
    out.unclassified.push_back(
        {seen_at(to, {tl.file.file, line}, "<field>" + f + "</field>"), f + " added to layout " + name});
  }
  for (const auto& [f, line] : fl.field_lines) {
    if (tl.field_lines.contains(f)) continue;
    fields_differ = true;
    if (!on_layouts_after.contains(tl.object + "." + f)) continue;
    out.unclassified.push_back({seen_at(from, {fl.file.file, line}, "<field>" + f + "</field>"),
                                f + " taken off layout " + name + " (still on another layout)"});
  }
  if (!fields_differ) {
    out.unclassified.push_back(
        {seen_at(to, tl.file, "Layout"), "layout " + name + " changed (not which fields it shows)"});
  }
}

}  // namespace

evidence seen_at(const dx_source& s, const source_location& at, std::string element) {
  return {s.shown_root + at.file, at.line, std::move(element)};
}

void diff_fields(const dx_source& from, const dx_source& to, change_list& out) {
  std::map<std::string, std::vector<evidence>> required, added;
  for (const auto& [name, tf] : to.fields) {
    const auto it = from.fields.find(name);
    const bool is_new = it == from.fields.end();
    if (tf.required && (is_new || !it->second.required)) {
      required[object_of(name)].push_back(seen_at(to, tf.required_at, name + " <required>true</required>"));
    }
    if (is_new) {
      added[object_of(name)].push_back(seen_at(to, tf.file, name));
      continue;
    }
    diff_type(from, to, name, it->second, tf, out);
    diff_picklist(from, to, name, it->second, tf, out);
    diff_other_elements(from, to, name, it->second, tf, out);
  }
  add_per_object(change_kind::new_required_field, required, out);
  add_per_object(change_kind::new_custom_fields, added, out);
  for (const auto& [name, ff] : from.fields) {
    if (to.fields.contains(name)) continue;
    out.unclassified.push_back({seen_at(from, ff.file, name), "field " + name + " removed", true});
  }
}

void diff_layouts(const dx_source& from, const dx_source& to, change_list& out) {
  auto on_layouts = [](const dx_source& s) {
    std::map<std::string, std::vector<evidence>> fields;
    for (const auto& [name, l] : s.layouts) {
      for (const auto& [f, line] : l.field_lines) {
        fields[l.object + "." + f].push_back(seen_at(s, {l.file.file, line}, "<field>" + f + "</field>"));
      }
    }
    return fields;
  };
  const auto before = on_layouts(from);
  const auto after = on_layouts(to);
  for (const auto& [field, seen] : before) {
    if (after.contains(field)) continue;
    if (to.fields.contains(field)) {
      derived_change c;
      c.kind = change_kind::field_removed_from_layouts;
      c.field = field;
      c.seen = seen;
      out.changes.push_back(std::move(c));
    } else if (!from.fields.contains(field)) {
      out.unclassified.push_back(
          {seen.front(), field + " (not a field of the package source) is on no layout any more"});
    }
  }
  for (const auto& [name, l] : to.layouts) {
    const auto it = from.layouts.find(name);
    if (it == from.layouts.end()) {
      out.unclassified.push_back({seen_at(to, l.file, "Layout"), "new layout " + name});
    } else if (it->second.content != l.content) {
      diff_one_layout(from, to, name, it->second, l, after, out);
    }
  }
  for (const auto& [name, l] : from.layouts) {
    if (to.layouts.contains(name)) continue;
    out.unclassified.push_back({seen_at(from, l.file, "Layout"), "layout " + name + " removed", true});
  }
}

}  // namespace pushsim::changes::detail
