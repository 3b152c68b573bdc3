#include "pushsim/harness/scenario_file.hpp"

#include <fstream>
#include <sstream>

#include "pushsim/base/json_text.hpp"
#include "pushsim/base/time.hpp"

namespace pushsim::harness {

std::string input_error::to_string() const {
  std::string out = file;
  if (!pointer.empty()) out += ": " + pointer;
  return out + ": " + message;
}

std::string pointer_token(const std::string& key) { return json_pointer_token(key); }

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
    o.pointer = nlohmann::json::json_pointer(path);
  } catch (const nlohmann::json::exception& e) {
    error = "--set " + argument + ": '" + path + "' is not a JSON pointer (it must start with '/'): " + e.what();
    return std::nullopt;
  }
  o.value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (o.value.is_discarded()) o.value = text;
  return o;
}

namespace {

const char* type_name(const nlohmann::json& j) { return j.type_name(); }

struct key_rule {
  const char* key;
  bool required;
  const char* expected;  // human text
  bool (*check)(const nlohmann::json&);
};

bool is_string(const nlohmann::json& j) { return j.is_string(); }
bool is_object(const nlohmann::json& j) { return j.is_object(); }
bool is_seed(const nlohmann::json& j) { return j.is_number_unsigned() || (j.is_number_integer() && j.get<std::int64_t>() >= 0); }
bool is_plan(const nlohmann::json& j) { return j.is_object() || j.is_string(); }

const key_rule top_level_rules[] = {
    {"$schema", false, "a string", is_string},
    {"name", true, "a string", is_string},
    {"description", false, "a string", is_string},
    {"seed", true, "a non-negative integer", is_seed},
    {"start", true, "an ISO-8601 UTC time such as \"2026-11-27T22:00:00Z\"", is_string},
    {"population", true, "an object (see scenarios/schema/population.schema.json), or the path of one", is_plan},
    {"package", true, "an object, or the path of a package file", is_plan},
    {"platform", false, "an object", is_object},
    {"plan", true, "an object, or the path of a plan file", is_plan},
    {"profiles", false, "\"from_population\" or the path of a partner org profiles CSV", is_string},
    {"expect", false, "an object of metric assertions", is_object},
    {"study", false, "an object: replications, confidence, vary (for pushsim study)", is_object},
};

}  // namespace

load_result load_scenario_text(const std::string& text, const std::string& file_label,
                               const std::filesystem::path& base_dir, const std::vector<json_override>& overrides) {
  load_result out;
  auto fail = [&](std::string pointer, std::string message) {
    out.errors.push_back(input_error{file_label, std::move(pointer), std::move(message)});
  };
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    fail("", std::string("not valid JSON: ") + e.what());
    return out;
  }
  if (!doc.is_object()) {
    fail("", std::string("expected a JSON object at the top level, found ") + type_name(doc));
    return out;
  }
  for (const auto& [key, value] : doc.items()) {
    bool known = false;
    for (const auto& rule : top_level_rules) known = known || key == rule.key;
    if (!known) {
      std::string keys;
      for (const auto& rule : top_level_rules) keys += std::string(keys.empty() ? "" : ", ") + rule.key;
      fail("/" + pointer_token(key), "unknown key '" + key + "' (known keys: " + keys + ")");
    }
  }
  for (const auto& rule : top_level_rules) {
    const auto it = doc.find(rule.key);
    if (it == doc.end()) {
      if (rule.required) fail(std::string("/") + rule.key, std::string("missing; expected ") + rule.expected);
      continue;
    }
    if (!rule.check(*it)) {
      fail(std::string("/") + rule.key,
           std::string("expected ") + rule.expected + ", found " + type_name(*it) + " " + it->dump());
    }
  }
  if (doc.contains("start") && doc["start"].is_string()) {
    const auto t = parse_iso8601(doc["start"].get<std::string>());
    if (!t) fail("/start", "expected an ISO-8601 UTC time: " + t.error);
  }
  scenario_document sd;
  sd.file = file_label;
  sd.plan_file = file_label;
  sd.plan_pointer = "/plan";
  // Sections given as a path are read relative to the scenario's folder.
  for (const char* section : {"package", "population", "plan"}) {
    if (!doc.contains(section) || !doc[section].is_string()) continue;
    std::filesystem::path path = doc[section].get<std::string>();
    if (path.is_relative()) path = base_dir / path;
    std::ifstream in(path);
    if (!in) {
      fail(std::string("/") + section, "cannot read the " + std::string(section) + " file '" + path.string() + "'");
      continue;
    }
    sd.input_files.push_back(path.string());
    std::stringstream buf;
    buf << in.rdbuf();
    try {
      doc[section] = nlohmann::json::parse(buf.str());
      if (std::string(section) == "plan") {
        sd.plan_file = path.string();
        sd.plan_pointer = "";
      }
    } catch (const nlohmann::json::parse_error& e) {
      out.errors.push_back(input_error{path.string(), "", std::string("not valid JSON: ") + e.what()});
    }
  }
  // Overrides apply after sections named by path were read, so --set reaches into a plan file too.
  for (const auto& o : overrides) {
    try {
      // The parent must exist: --set may replace or add a key, not invent whole sections by accident.
      if (!o.pointer.empty() && !doc.contains(o.pointer.parent_pointer())) {
        fail(o.pointer.to_string(), "--set: the parent " + o.pointer.parent_pointer().to_string() +
                                        " does not exist in the scenario");
        continue;
      }
      doc[o.pointer] = o.value;
    } catch (const nlohmann::json::exception& e) {
      fail(o.pointer.to_string(), std::string("--set: cannot set this pointer: ") + e.what());
    }
  }
  if (!out.errors.empty()) return out;
  sd.json = std::move(doc);
  out.document = std::move(sd);
  return out;
}

load_result load_scenario_file(const std::filesystem::path& path, const std::vector<json_override>& overrides) {
  std::ifstream in(path);
  if (!in) {
    load_result out;
    out.errors.push_back(input_error{path.string(), "", "cannot read the file"});
    return out;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  return load_scenario_text(buf.str(), path.string(), path.parent_path(), overrides);
}

}  // namespace pushsim::harness
