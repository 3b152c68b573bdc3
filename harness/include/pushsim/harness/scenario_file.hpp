#pragma once
// scenario_file: loads a scenario. Sections given as paths (package, population, plan) are read first, then the
// `--set /json/pointer=value` overrides and `--seed` are applied to the document, then the whole document is
// parsed once, strictly (unknown keys, wrong types, out-of-range numbers, too deep nesting are errors wherever
// they came from), into a typed scenario. Every error names the file and the JSON pointer.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "pushsim/base/input_error.hpp"
#include "pushsim/harness/scenario.hpp"

namespace pushsim::harness {

using pushsim::input_error;

// Parses `--set` arguments: "/seed=7", "/population/count=1000", "/plan/waves/0/share=0.1". The value is JSON
// when it parses as JSON, else a string. Errors name the argument.
struct json_override {
  nlohmann::json::json_pointer pointer;
  nlohmann::json value;
};
std::optional<json_override> parse_override(const std::string& argument, std::string& error);

// Parses the text of a seed flag (`flag` names it in the error): a decimal integer in [0, 2^64 - 1], checked
// like a seed in the file.
std::optional<std::uint64_t> parse_seed_argument(std::string_view text, const std::string& flag,
                                                 std::vector<input_error>& errors);

// The scenario, or every error found (never a partial scenario).
struct load_result {
  std::optional<scenario> value;
  std::vector<input_error> errors;
};

// What the command line changes in a scenario before it is parsed.
struct scenario_overrides {
  std::vector<json_override> set;     // applied in order
  std::optional<std::uint64_t> seed;  // replaces /seed after them
};

// Loads a scenario from text (file_label names it in errors; base_dir resolves section paths).
load_result load_scenario_text(std::string_view text, const std::string& file_label,
                               const std::filesystem::path& base_dir, const scenario_overrides& overrides = {});
// Same, reading the file from disk.
load_result load_scenario_file(const std::filesystem::path& path, const scenario_overrides& overrides = {});
// The built-in default scenario (see world.hpp).
load_result load_default_scenario(const scenario_overrides& overrides = {});

// The scenario with its plan replaced by the plan file at `plan_path`, parsed like the scenario's own (the
// scenario's start is its start unless it says otherwise): `pushsim compare --plan` and `pushsim study --plan`.
// Nothing when the plan is bad, after appending its errors (each naming the file and the JSON pointer).
std::optional<scenario> with_plan_file(const scenario& base, const std::string& plan_path,
                                       std::vector<input_error>& errors);

}  // namespace pushsim::harness
