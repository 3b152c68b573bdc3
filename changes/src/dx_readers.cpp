#include "dx_readers.hpp"

#include <cctype>
#include <charconv>
#include <sstream>
#include <string_view>

#include "xml_file.hpp"

namespace pushsim::changes::detail {

namespace {

using xml_ptr = std::unique_ptr<xml_file>;

// Parses "59.0" (or "59") into 59; nothing for anything else.
std::optional<std::uint16_t> parse_api_version(const std::string& s) {
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || v == 0 || v > 999) return std::nullopt;
  const std::string_view rest(end, static_cast<std::size_t>(s.data() + s.size() - end));
  if (!rest.empty() && rest.find_first_not_of(".0") != std::string_view::npos) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

std::string node_xml(const pugi::xml_node& n) {
  std::ostringstream s;
  n.print(s, "", pugi::format_raw);
  return std::move(s).str();
}

// Reads the API version of a *-meta.xml into `c`; an error when <apiVersion> is there but not a version.
std::optional<input_error> read_api_version(const xml_file& x, const file_ref& f, dx_component& c) {
  const pugi::xml_node n = x.doc.document_element().child("apiVersion");
  if (!n) return std::nullopt;
  const std::string text = child_text(x.doc.document_element(), "apiVersion");
  c.api_version = parse_api_version(text);
  c.api_version_at = {f.rel, x.line_of(n)};
  if (!c.api_version) {
    return input_error{f.shown, x.line_of(n), "expected an API version such as 59.0, got \"" + text + "\""};
  }
  return std::nullopt;
}

void read_value_set(const xml_file& x, const pugi::xml_node& value_set, dx_field& out) {
  out.global_value_set = child_text(value_set, "valueSetName");
  for (const pugi::xml_node v : value_set.child("valueSetDefinition").children("value")) {
    const std::string name = child_text(v, "fullName");
    out.picklist_values.push_back(name);
    out.picklist_value_lines[name] = x.line_of(v);
  }
}

// Skips white space and Apex comments.
std::size_t skip_blank(std::string_view s, std::size_t i) {
  while (i < s.size()) {
    if (std::isspace(static_cast<unsigned char>(s[i])) != 0) {
      ++i;
    } else if (s.substr(i, 2) == "//") {
      i = s.find('\n', i);
      if (i == std::string_view::npos) return s.size();
    } else if (s.substr(i, 2) == "/*") {
      i = s.find("*/", i + 2);
      if (i == std::string_view::npos) return s.size();
      i += 2;
    } else {
      break;
    }
  }
  return i;
}

std::string next_word(std::string_view s, std::size_t& i) {
  i = skip_blank(s, i);
  const std::size_t start = i;
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) != 0 || s[i] == '_')) ++i;
  return std::string(s.substr(start, i - start));
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

}  // namespace

std::string qualify(const std::string& namespace_prefix, const std::string& name) {
  if (namespace_prefix.empty() || !name.ends_with("__c")) return name;
  if (name.find("__") != name.size() - 3) return name;  // already has a namespace (or is not a custom name)
  return namespace_prefix + "__" + name;
}

std::optional<input_error> read_field(const file_ref& f, dx_source& into) {
  auto loaded = load_xml(f.path, f.shown, "CustomField");
  if (auto* e = std::get_if<input_error>(&loaded)) return std::move(*e);
  const xml_file& x = *std::get<xml_ptr>(loaded);
  dx_field field;
  field.file = {f.rel, 0};
  for (const pugi::xml_node n : x.doc.document_element().children()) {
    if (n.type() != pugi::node_element) continue;
    const std::string_view name = n.name();
    if (name == "fullName") continue;
    if (name == "type") {
      field.type = child_text(x.doc.document_element(), "type");
      field.type_at = {f.rel, x.line_of(n)};
    } else if (name == "required") {
      field.required = child_text(x.doc.document_element(), "required") == "true";
      field.required_at = {f.rel, x.line_of(n)};
    } else if (name == "valueSet") {
      read_value_set(x, n, field);
    } else {
      field.other_elements.push_back({{f.rel, x.line_of(n)}, std::string(name), node_xml(n)});
    }
  }
  if (field.type.empty()) return input_error{f.shown, 0, "a custom field needs a <type>"};
  into.fields[f.object + "." + f.name] = std::move(field);
  return std::nullopt;
}

std::optional<input_error> read_object(const file_ref& f, dx_source& into) {
  auto loaded = load_xml(f.path, f.shown, "CustomObject");
  if (auto* e = std::get_if<input_error>(&loaded)) return std::move(*e);
  into.objects[f.name] = {{f.rel, 0}, std::nullopt, {}, "", std::move(std::get<xml_ptr>(loaded)->text)};
  return std::nullopt;
}

std::optional<input_error> read_validation_rule(const file_ref& f, dx_source& into) {
  auto loaded = load_xml(f.path, f.shown, "ValidationRule");
  if (auto* e = std::get_if<input_error>(&loaded)) return std::move(*e);
  into.validation_rules[f.object + "." + f.name] = {
      {f.rel, 0}, std::nullopt, {}, f.object, std::move(std::get<xml_ptr>(loaded)->text)};
  return std::nullopt;
}

std::optional<input_error> read_trigger_meta(const file_ref& f, dx_source& into) {
  auto loaded = load_xml(f.path, f.shown, "ApexTrigger");
  if (auto* e = std::get_if<input_error>(&loaded)) return std::move(*e);
  dx_component& c = into.triggers[f.name];
  c.file = {f.rel, 0};
  if (auto e = read_api_version(*std::get<xml_ptr>(loaded), f, c)) return e;
  c.content += std::get<xml_ptr>(loaded)->text;
  return std::nullopt;
}

std::optional<input_error> read_trigger_body(const file_ref& f, dx_source& into) {
  auto text = read_text(f.path, f.shown);
  if (auto* e = std::get_if<input_error>(&text)) return std::move(*e);
  const std::string& body = std::get<std::string>(text);
  std::size_t i = 0;
  const std::string keyword = next_word(body, i);
  const std::string name = next_word(body, i);
  const std::string on = next_word(body, i);
  const std::string object = next_word(body, i);
  if (!iequals(keyword, "trigger") || name.empty() || !iequals(on, "on") || object.empty()) {
    return input_error{f.shown, line_at(body, static_cast<std::ptrdiff_t>(skip_blank(body, 0))),
                       "expected \"trigger <Name> on <Object> (<events>)\""};
  }
  dx_component& c = into.triggers[f.name];
  c.object = qualify(into.namespace_prefix, object);
  c.content += body;
  return std::nullopt;
}

std::optional<input_error> read_class_meta(const file_ref& f, dx_source& into) {
  auto loaded = load_xml(f.path, f.shown, "ApexClass");
  if (auto* e = std::get_if<input_error>(&loaded)) return std::move(*e);
  dx_component& c = into.classes[f.name];
  c.file = {f.rel, 0};
  if (auto e = read_api_version(*std::get<xml_ptr>(loaded), f, c)) return e;
  c.content += std::get<xml_ptr>(loaded)->text;
  return std::nullopt;
}

std::optional<input_error> read_class_body(const file_ref& f, dx_source& into) {
  auto text = read_text(f.path, f.shown);
  if (auto* e = std::get_if<input_error>(&text)) return std::move(*e);
  into.classes[f.name].content += std::get<std::string>(text);
  return std::nullopt;
}

std::optional<input_error> read_flow(const file_ref& f, dx_source& into) {
  auto loaded = load_xml(f.path, f.shown, "Flow");
  if (auto* e = std::get_if<input_error>(&loaded)) return std::move(*e);
  dx_component& c = into.flows[f.name];
  c.file = {f.rel, 0};
  if (auto e = read_api_version(*std::get<xml_ptr>(loaded), f, c)) return e;
  c.content = std::move(std::get<xml_ptr>(loaded)->text);
  return std::nullopt;
}

std::optional<input_error> read_layout(const file_ref& f, dx_source& into) {
  auto loaded = load_xml(f.path, f.shown, "Layout");
  if (auto* e = std::get_if<input_error>(&loaded)) return std::move(*e);
  const xml_file& x = *std::get<xml_ptr>(loaded);
  const auto dash = f.name.find('-');
  if (dash == std::string::npos || dash == 0) {
    return input_error{f.shown, 0, "expected a layout file named \"<Object>-<Layout name>.layout-meta.xml\""};
  }
  dx_layout layout;
  layout.file = {f.rel, 0};
  layout.object = qualify(into.namespace_prefix, f.name.substr(0, dash));
  for (const pugi::xpath_node n : x.doc.select_nodes("/Layout/layoutSections/layoutColumns/layoutItems/field")) {
    layout.field_lines.emplace(qualify(into.namespace_prefix, child_text(n.node().parent(), "field")),
                               x.line_of(n.node()));
  }
  layout.content = x.text;
  into.layouts[f.name] = std::move(layout);
  return std::nullopt;
}

std::optional<input_error> read_global_value_set(const file_ref& f, dx_source& into) {
  auto loaded = load_xml(f.path, f.shown, "GlobalValueSet");
  if (auto* e = std::get_if<input_error>(&loaded)) return std::move(*e);
  const xml_file& x = *std::get<xml_ptr>(loaded);
  dx_value_set set;
  set.file = {f.rel, 0};
  for (const pugi::xml_node v : x.doc.document_element().children("customValue")) {
    const std::string name = child_text(v, "fullName");
    set.values.push_back(name);
    set.value_lines[name] = x.line_of(v);
  }
  set.content = x.text;
  into.global_value_sets[f.name] = std::move(set);
  return std::nullopt;
}

std::optional<input_error> read_other(const file_ref& f, dx_source& into) {
  auto text = read_text(f.path, f.shown);
  if (auto* e = std::get_if<input_error>(&text)) return std::move(*e);
  into.other_files[f.rel] = std::move(std::get<std::string>(text));
  return std::nullopt;
}

}  // namespace pushsim::changes::detail
