#pragma once
// scenario_file: reads a scenario JSON file, applies `--set /json/pointer=value` overrides, checks the top-level
// shape (known keys, types) and resolves `plan` given as a path. Sections owned by other rooms (population,
// package, platform, plan) are validated by those rooms; their errors are reported with the same file + pointer.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pushsim::harness {

// One problem found in user input: which file, where in it (a JSON pointer, "" for the whole file), and what.
struct input_error {
  std::string file;
  std::string pointer;
  std::string message;
  // "file: /pointer: message" — what the CLI prints.
  std::string to_string() const;
};

// A scenario after loading: the JSON with overrides applied and the plan inlined.
struct scenario_document {
  std::string file;             // where it came from ("<built-in default>" for the default)
  nlohmann::json json;          // the whole scenario, plan inlined
  std::string plan_file;        // the file the plan came from (== file when inline)
  std::string plan_pointer;     // "/plan" when inline, "" when from its own file
  std::vector<std::string> input_files;  // the package, population and plan files it named (no output may be one)
};

// Parses `--set` arguments: "/seed=7", "/population/count=1000", "/plan/waves/0/share=0.1". The value is JSON
// when it parses as JSON, else a string. Errors name the argument.
struct json_override {
  nlohmann::json::json_pointer pointer;
  nlohmann::json value;
};
std::optional<json_override> parse_override(const std::string& argument, std::string& error);

// Loads a scenario from text (file names only label errors and resolve a relative plan path).
// Returns the document, or every error found (never a partial document).
struct load_result {
  std::optional<scenario_document> document;
  std::vector<input_error> errors;
};
load_result load_scenario_text(const std::string& text, const std::string& file_label,
                               const std::filesystem::path& base_dir, const std::vector<json_override>& overrides);
// Same, reading the file from disk.
load_result load_scenario_file(const std::filesystem::path& path, const std::vector<json_override>& overrides);

// Escapes a key for use inside a JSON pointer (~ -> ~0, / -> ~1).
std::string pointer_token(const std::string& key);

}  // namespace pushsim::harness
