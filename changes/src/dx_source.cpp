#include "pushsim/changes/dx_source.hpp"

#include <array>
#include <string_view>
#include <system_error>

#include <nlohmann/json.hpp>

#include "dx_readers.hpp"
#include "xml_file.hpp"

namespace pushsim::changes {

namespace {

namespace fs = std::filesystem;
using detail::file_ref;

constexpr std::string_view expected_layout =
    "expected a Salesforce DX project: sfdx-project.json naming its packageDirectories (e.g. force-app), with "
    "metadata such as force-app/main/default/objects/<Object>/fields/<Field>.field-meta.xml";

struct file_type {
  std::string_view suffix;
  // The folder the file must sit in; "<object>" for objects/<O>/<O>.object-meta.xml.
  std::string_view folder;
  std::optional<input_error> (*read)(const file_ref&, dx_source&);
};

constexpr std::array<file_type, 10> file_types{{
    {".field-meta.xml", "fields", detail::read_field},
    {".validationRule-meta.xml", "validationRules", detail::read_validation_rule},
    {".object-meta.xml", "<object>", detail::read_object},
    {".trigger-meta.xml", "triggers", detail::read_trigger_meta},
    {".trigger", "triggers", detail::read_trigger_body},
    {".cls-meta.xml", "classes", detail::read_class_meta},
    {".cls", "classes", detail::read_class_body},
    {".flow-meta.xml", "flows", detail::read_flow},
    {".layout-meta.xml", "layouts", detail::read_layout},
    {".globalValueSet-meta.xml", "globalValueSets", detail::read_global_value_set},
}};

// "2.3.2.NEXT" or "2.3.2.1" -> 2.3.2.
std::optional<mock_org::version_number> parse_dx_version(const std::string& s) {
  std::size_t dots = 0, end = 0;
  for (; end < s.size(); ++end) {
    if (s[end] == '.' && ++dots == 3) break;
  }
  return mock_org::parse_version_number(std::string_view(s).substr(0, end));
}

struct project {
  std::vector<std::string> package_dirs;
};

std::variant<project, input_error> read_project(const fs::path& root, const std::string& shown_root, dx_source& into) {
  const std::string shown = shown_root + "sfdx-project.json";
  std::error_code ec;
  if (!fs::is_regular_file(root / "sfdx-project.json", ec)) {
    return input_error{shown_root.empty() ? "." : shown_root, 0, "not DX source: " + std::string(expected_layout)};
  }
  auto text = detail::read_text(root / "sfdx-project.json", shown);
  if (auto* e = std::get_if<input_error>(&text)) return std::move(*e);
  const std::string& t = std::get<std::string>(text);
  const nlohmann::json j = nlohmann::json::parse(t, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("packageDirectories") || !j["packageDirectories"].is_array() ||
      j["packageDirectories"].empty()) {
    return input_error{shown, 0, "expected JSON with \"packageDirectories\": [{\"path\": \"force-app\", ...}]"};
  }
  project p;
  if (j.contains("namespace") && j["namespace"].is_string()) into.namespace_prefix = j["namespace"].get<std::string>();
  for (const auto& d : j["packageDirectories"]) {
    if (!d.is_object() || !d.contains("path") || !d["path"].is_string()) {
      return input_error{shown, 0, "each of \"packageDirectories\" needs a \"path\" string"};
    }
    p.package_dirs.push_back(d["path"].get<std::string>());
    if (d.contains("versionNumber") && d["versionNumber"].is_string() && !into.version) {
      into.version = parse_dx_version(d["versionNumber"].get<std::string>());
    }
    if (d.contains("postInstallScript") && d["postInstallScript"].is_string()) {
      into.post_install_class = d["postInstallScript"].get<std::string>();
      const auto at = t.find("\"postInstallScript\"");
      into.post_install_at = {"sfdx-project.json", detail::line_at(t, static_cast<std::ptrdiff_t>(at))};
    }
  }
  return p;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Names the file and finds its reader (read_other when no type matches).
auto classify(const fs::path& path, file_ref& f) {
  const std::string file = path.filename().string();
  const std::string parent = path.parent_path().filename().string();
  for (const file_type& t : file_types) {
    if (!ends_with(file, t.suffix)) continue;
    f.name = file.substr(0, file.size() - t.suffix.size());
    if (t.folder == "<object>") {
      if (parent == f.name) return t.read;
    } else if (parent == t.folder) {
      f.object = path.parent_path().parent_path().filename().string();
      return t.read;
    }
  }
  f.name = file;
  return detail::read_other;
}

std::optional<input_error> read_dir(const fs::path& root, const std::string& dir, dx_source& into) {
  std::error_code ec;
  const fs::path top = root / dir;
  if (!fs::is_directory(top, ec)) {
    return input_error{into.shown_root + "sfdx-project.json", 0,
                       "package directory \"" + dir + "\" is not a folder: " + std::string(expected_layout)};
  }
  for (fs::recursive_directory_iterator it(top, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    file_ref f;
    f.path = it->path();
    f.rel = it->path().lexically_relative(root).generic_string();
    f.shown = into.shown_root + f.rel;
    const auto read = classify(f.path, f);
    f.object = detail::qualify(into.namespace_prefix, f.object);
    if (read == detail::read_field || read == detail::read_object) {
      f.name = detail::qualify(into.namespace_prefix, f.name);
    }
    if (auto e = read(f, into)) return e;
  }
  if (ec) return input_error{into.shown_root + dir, 0, "cannot list the folder: " + ec.message()};
  return std::nullopt;
}

std::optional<input_error> check_triggers(const dx_source& s) {
  for (const auto& [name, t] : s.triggers) {
    if (t.object.empty()) {
      return input_error{s.shown_root + t.file.file, 0, "no " + name + ".trigger beside this trigger's metadata"};
    }
    if (t.file.file.empty()) return input_error{s.shown_root, 0, "trigger " + name + " has no .trigger-meta.xml"};
  }
  return std::nullopt;
}

}  // namespace

std::variant<dx_source, input_error> load_dx_source(const fs::path& root, const std::string& shown_root) {
  dx_source s;
  s.shown_root = shown_root;
  auto p = read_project(root, shown_root, s);
  if (auto* e = std::get_if<input_error>(&p)) return std::move(*e);
  for (const std::string& dir : std::get<project>(p).package_dirs) {
    if (auto e = read_dir(root, dir, s)) return std::move(*e);
  }
  if (s.fields.empty() && s.objects.empty() && s.triggers.empty() && s.classes.empty() && s.flows.empty() &&
      s.layouts.empty()) {
    return input_error{shown_root.empty() ? "." : shown_root, 0,
                       "no metadata found under the package directories: " + std::string(expected_layout)};
  }
  if (auto e = check_triggers(s)) return std::move(*e);
  return s;
}

}  // namespace pushsim::changes
