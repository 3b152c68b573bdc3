#include "pushsim/harness/scenario_file.hpp"

#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

#include "pushsim/base/file_path.hpp"
#include "pushsim/base/json_reader.hpp"
#include "pushsim/harness/rehearsal.hpp"
#include "pushsim/harness/study_expectations.hpp"
#include "pushsim/mock_org/package_json.hpp"

namespace pushsim::harness {

namespace {

using nlohmann::json;

// True when text is valid UTF-8 (what a JSON string must hold).
bool is_utf8(const std::string& text) {
  try {
    (void)json(text).dump();
    return true;
  } catch (const json::exception&) {
    return false;
  }
}

std::optional<std::string> read_text(const std::filesystem::path& path) { return read_file(path.string()); }

// The scenario document on its way to being parsed, with where each section came from.
struct document {
  json root;
  std::vector<std::string> input_files;                        // section files read
  std::map<std::string, section_origin, std::less<>> origins;  // package, population, plan
};

// Replaces sections given as a path (relative to the scenario's folder) by the file's JSON.
void inline_section_files(document& d, const std::string& file, const std::filesystem::path& base_dir,
                          std::vector<input_error>& errors) {
  for (const char* section : {"package", "population", "plan"}) {
    d.origins[section] = {file, std::string("/") + section};
    const auto it = d.root.find(section);
    if (it == d.root.end() || !it->is_string()) continue;
    std::filesystem::path path = it->get<std::string>();
    if (path.is_relative()) path = base_dir / path;
    const auto text = read_text(path);
    if (!text) {
      errors.push_back({file, std::string("/") + section,
                        "cannot read the " + std::string(section) + " file \"" + path.string() + "\""});
      continue;
    }
    d.input_files.push_back(path.string());
    if (auto j = parse_json_text(*text, path.string(), errors)) {
      *it = std::move(*j);
      d.origins[section] = {path.string(), ""};
    }
  }
}

// Applies --set overrides and --seed. The parent of each pointer must exist: --set may replace or add a key,
// not invent whole sections by accident.
void apply_overrides(json& root, const std::string& file, const scenario_overrides& o,
                     std::vector<input_error>& errors) {
  for (const auto& s : o.set) {
    try {
      if (!s.pointer.empty() && !root.contains(s.pointer.parent_pointer())) {
        errors.push_back({file, s.pointer.to_string(),
                          "--set: the parent " + s.pointer.parent_pointer().to_string() + " does not exist"});
        continue;
      }
      root[s.pointer] = s.value;
    } catch (const json::exception& e) {
      errors.push_back({file, s.pointer.to_string(), std::string("--set: cannot set this pointer: ") + e.what()});
    }
  }
  if (o.seed && root.is_object()) root["seed"] = *o.seed;
}

// Reads population.from's files (relative to the file that names them) into the population spec.
void import_population_files(const section_origin& origin, const std::filesystem::path& base_dir, scenario& s,
                             std::vector<input_error>& errors) {
  const std::filesystem::path dir = origin.pointer.empty() ? std::filesystem::path(dir_of(origin.file)) : base_dir;
  std::vector<std::string> paths;
  for (const auto& f : s.population.import_files) {
    const std::filesystem::path p(f);
    paths.push_back((p.is_relative() ? dir / p : p).string());
  }
  auto imported = mock_org::import_population(paths, paths, s.pkg, errors);
  s.input_files.insert(s.input_files.end(), paths.begin(), paths.end());
  if (!imported) return;
  s.population.count = imported->orgs.size();
  s.population.imported = std::make_shared<const mock_org::population_import>(std::move(*imported));
}

// The parsed sections owned by other rooms: package, population, plan.
void parse_rooms(const json& root, document& d, const std::filesystem::path& base_dir, scenario& s,
                 std::vector<input_error>& errors) {
  const auto& pkg_origin = d.origins["package"];
  bool pkg_ok = false;
  if (const json* v = json_reader::member(root, "package"); v && v->is_object()) {
    auto pkg = mock_org::parse_package(*v, pkg_origin.pointer);
    pkg_ok = pkg.value.has_value();
    if (pkg) s.pkg = std::move(*pkg.value);
    else errors.push_back({pkg_origin.file, pkg.error.pointer, pkg.error.message});
  }
  const auto& pop_origin = d.origins["population"];
  if (const json* v = json_reader::member(root, "population"); v && v->is_object() && pkg_ok) {
    auto spec = mock_org::parse_population_spec(*v, s.pkg, pop_origin.pointer);
    if (spec) s.population = std::move(*spec.value);
    else errors.push_back({pop_origin.file, spec.error.pointer, spec.error.message});
    if (spec && !s.population.import_files.empty()) import_population_files(pop_origin, base_dir, s, errors);
  }
  s.plan_origin = d.origins["plan"];
  if (const json* v = json_reader::member(root, "plan"); v && v->is_object()) {
    scheduler::plan_parse_options po;
    po.file = s.plan_origin.file;
    po.base_dir = s.plan_origin.pointer.empty() ? dir_of(s.plan_origin.file) : base_dir.string();
    if (po.base_dir.empty()) po.base_dir = ".";
    po.default_start = s.start;
    // Replace, not throw: a string that is not UTF-8 must reach the plan parser as an error, never abort.
    auto parsed = scheduler::parse_plan(v->dump(-1, ' ', false, json::error_handler_t::replace), po);
    if (parsed) s.plan = std::move(*parsed.value);
    for (auto& e : parsed.errors) errors.push_back({e.file, s.plan_origin.pointer + e.pointer, e.message});
  }
}

void parse_profiles(const json& v, json_reader& r, const std::string& file, scenario& s,
                    std::vector<input_error>& errors) {
  const auto text = r.string(v, "/profiles");
  if (!text) return;
  if (*text == "from_population") {
    s.profiles_from_population = true;
    return;
  }
  const auto path = (std::filesystem::path(dir_of(file)) / *text).string();
  s.input_files.push_back(path);
  auto pr = scheduler::load_profiles_file(path);
  if (pr) s.profiles = std::move(*pr.value);
  errors.insert(errors.end(), pr.errors.begin(), pr.errors.end());
}

// A section is an object by now: a path was replaced by its file's JSON before the overrides (an unreadable file
// stopped the load), so a string here came from --set.
void check_section(const json& root, const char* key, json_reader& r) {
  const json* v = r.required(root, "", key, std::string("an object, or the path of a ") + key + " file");
  if (v && !v->is_object()) r.expected(*v, std::string("/") + key, "an object");
}

void parse_top_level(const json& root, document& d, const std::string& file, const std::filesystem::path& base_dir,
                     scenario& s, std::vector<input_error>& errors) {
  json_reader r(file, errors);
  if (!r.object(root, "",
                {"$schema", "name", "description", "seed", "start", "population", "package", "platform", "plan",
                 "profiles", "expect", "study"})) {
    return;
  }
  if (const json* v = json_reader::member(root, "$schema")) r.string(*v, "/$schema");
  if (const json* v = r.required(root, "", "name", "a string")) s.name = r.string(*v, "/name").value_or("");
  if (const json* v = json_reader::member(root, "description"))
    s.description = r.string(*v, "/description").value_or("");
  if (const json* v = r.required(root, "", "seed", "a seed (an integer in [0, 18446744073709551615])")) {
    s.seed = r.uint64(*v, "/seed").value_or(0);
  }
  if (const json* v = r.required(root, "", "start", "an ISO-8601 UTC time such as \"2026-11-27T22:00:00Z\"")) {
    if (const auto text = r.string(*v, "/start")) {
      const auto t = parse_iso8601(*text);
      if (t) s.start = *t.time;
      else r.error("/start", "expected an ISO-8601 UTC time: " + t.error);
    }
  }
  for (const char* key : {"population", "package", "plan"}) check_section(root, key, r);
  parse_rooms(root, d, base_dir, s, errors);
  if (const json* v = json_reader::member(root, "platform")) s.platform = parse_platform_section(*v, r, "/platform");
  if (const json* v = json_reader::member(root, "profiles")) parse_profiles(*v, r, file, s, errors);
  if (const json* v = json_reader::member(root, "expect")) {
    s.expect = parse_expectations(*v, r, "/expect", metric_names_template());
    s.study_expect = parse_study_expectations(*v, r, "/expect");
  }
  if (const json* v = json_reader::member(root, "study")) s.study = parse_study_section(*v, r, "/study");
}

}  // namespace

std::optional<json_override> parse_override(const std::string& argument, std::string& error) {
  const auto eq = argument.find('=');
  if (eq == std::string::npos || eq == 0) {
    error = "--set " + argument + ": expected /json/pointer=value, e.g. --set /seed=7";
    return std::nullopt;
  }
  const std::string path = argument.substr(0, eq);
  const std::string text = argument.substr(eq + 1);
  json_override o;
  try {
    o.pointer = json::json_pointer(path);
  } catch (const json::exception& e) {
    error = "--set " + argument + ": '" + path + "' is not a JSON pointer (it must start with '/'): " + e.what();
    return std::nullopt;
  }
  std::vector<input_error> errors;
  if (auto v = parse_json_text(text, "--set", errors)) {
    o.value = std::move(*v);
  } else if (errors.front().message.starts_with("nested deeper")) {
    error = "--set " + argument + ": the value is " + errors.front().message;
    return std::nullopt;
  } else if (!is_utf8(text)) {
    error = "--set " + path + "=...: the value is not valid UTF-8 text";
    return std::nullopt;
  } else {
    o.value = text;
  }
  return o;
}

std::optional<std::uint64_t> parse_seed_argument(std::string_view text, const std::string& flag,
                                                 std::vector<input_error>& errors) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    errors.push_back(
        {flag, "", "expected an integer in [0, 18446744073709551615], found \"" + std::string(text) + "\""});
    return std::nullopt;
  }
  return v;
}

load_result load_scenario_text(std::string_view text, const std::string& file_label,
                               const std::filesystem::path& base_dir, const scenario_overrides& overrides) {
  load_result out;
  document d;
  auto root = parse_json_text(text, file_label, out.errors);
  if (!root) return out;
  d.root = std::move(*root);
  if (d.root.is_object()) inline_section_files(d, file_label, base_dir, out.errors);
  apply_overrides(d.root, file_label, overrides, out.errors);
  if (json_deeper_than(d.root)) {
    out.errors.push_back({file_label, "", "nested deeper than " + std::to_string(json_depth_max) + " levels"});
  }
  if (!out.errors.empty()) return out;
  scenario s;
  s.file = file_label;
  s.input_files = d.input_files;  // parse_top_level adds the profiles CSV
  parse_top_level(d.root, d, file_label, base_dir, s, out.errors);
  if (out.errors.empty()) out.value = std::move(s);
  return out;
}

load_result load_scenario_file(const std::filesystem::path& path, const scenario_overrides& overrides) {
  const auto text = read_text(path);
  if (!text) {
    load_result out;
    out.errors.push_back(input_error{path.string(), "", "cannot read the file"});
    return out;
  }
  return load_scenario_text(*text, path.string(), path.parent_path(), overrides);
}

std::optional<scenario> with_plan_file(const scenario& base, const std::string& plan_path,
                                       std::vector<input_error>& errors) {
  scheduler::plan_parse_options po;
  po.default_start = base.start;
  auto parsed = scheduler::load_plan_file(plan_path, po);
  errors.insert(errors.end(), parsed.errors.begin(), parsed.errors.end());
  if (!parsed) return std::nullopt;
  scenario s = base;
  s.plan = std::move(*parsed.value);
  s.plan_origin = {plan_path, ""};
  return s;
}

}  // namespace pushsim::harness
