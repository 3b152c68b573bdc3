// libFuzzer target for the plan parser: any text must parse into a plan or fail with errors naming the file and
// saying what was expected; never abort, throw or crash. Build: see tests/fuzz/README.md.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pushsim/base/assert.hpp"
#include "pushsim/base/time.hpp"
#include "pushsim/scheduler/plan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // org_file names are read from disk: keep the fuzzer away from files that never end.
  for (const std::string_view bad : {"/dev", "/proc", "/sys", "..", "dev/", "proc/", "sys/"}) {
    if (text.find(bad) != std::string_view::npos) return 0;
  }
  pushsim::scheduler::plan_parse_options options;
  options.file = "fuzz.plan.json";
  options.base_dir = "/nonexistent-pushsim-fuzz";
  options.default_start = pushsim::parse_iso8601("2026-11-27T22:00:00Z").time;
  const auto r = pushsim::scheduler::parse_plan(text, options);
  PUSHSIM_ASSERT(r.value.has_value() == r.errors.empty(), "a plan or errors, not both");
  for (const auto& e : r.errors) {
    PUSHSIM_ASSERT(e.file == "fuzz.plan.json" && !e.message.empty(), "every error names the file and says why");
  }
  return 0;
}
