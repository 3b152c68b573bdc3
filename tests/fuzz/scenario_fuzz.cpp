// libFuzzer target for the scenario loader with overrides: any input must load into a typed scenario or fail with
// input errors that name a file; never abort, throw or crash. Input: scenario JSON text, then a line "----", then
// one override per line ("/json/pointer=value" as after --set, or "--seed N").
// Build: see tests/fuzz/README.md.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "pushsim/base/assert.hpp"
#include "pushsim/harness/scenario_file.hpp"

namespace {

// Sections given as paths are read from disk: keep the fuzzer away from files that never end.
bool names_special_files(std::string_view text) {
  for (const std::string_view bad : {"/dev", "/proc", "/sys", "..", "dev/", "proc/", "sys/"}) {
    if (text.find(bad) != std::string_view::npos) return true;
  }
  return false;
}

pushsim::harness::scenario_overrides parse_lines(std::string_view lines) {
  pushsim::harness::scenario_overrides out;
  std::vector<pushsim::input_error> errors;
  while (!lines.empty()) {
    const auto nl = lines.find('\n');
    const std::string line(lines.substr(0, nl));
    lines = nl == std::string_view::npos ? std::string_view() : lines.substr(nl + 1);
    if (line.starts_with("--seed ")) {
      if (const auto s = pushsim::harness::parse_seed_argument(line.substr(7), "--seed", errors)) out.seed = s;
      continue;
    }
    std::string error;
    if (auto o = pushsim::harness::parse_override(line, error)) {
      out.set.push_back(std::move(*o));
    } else {
      PUSHSIM_ASSERT(!error.empty(), "a refused override says why");
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find("\n----\n");
  const std::string_view text = input.substr(0, split);
  const std::string_view lines = split == std::string_view::npos ? std::string_view() : input.substr(split + 6);
  if (names_special_files(text)) return 0;
  const auto overrides = parse_lines(lines);
  const auto r = pushsim::harness::load_scenario_text(text, "fuzz.json", "/nonexistent-pushsim-fuzz", overrides);
  PUSHSIM_ASSERT(r.value.has_value() != !r.errors.empty(), "a load gives a scenario or errors, not both");
  for (const auto& e : r.errors) {
    PUSHSIM_ASSERT(!e.file.empty() && !e.message.empty(), "every error names its file and says what is wrong");
  }
  if (r.value && overrides.seed) PUSHSIM_ASSERT(r.value->seed == *overrides.seed, "--seed wins");
  return 0;
}
