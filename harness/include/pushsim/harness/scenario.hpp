#pragma once
// scenario: a scenario file after loading — overrides applied, every section parsed into typed values. Past the
// loader (scenario_file.hpp) nothing reads the scenario's JSON.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pushsim/base/time.hpp"
#include "pushsim/harness/expectations.hpp"
#include "pushsim/harness/platform_section.hpp"
#include "pushsim/harness/study_section.hpp"
#include "pushsim/mock_org/package.hpp"
#include "pushsim/mock_org/population_spec.hpp"
#include "pushsim/scheduler/plan.hpp"
#include "pushsim/scheduler/profiles.hpp"

namespace pushsim::harness {

// Where a section came from, for errors found after loading (a target version missing from the package):
// its file and the pointer of the section in that file ("/plan" inline, "" in a file of its own).
struct section_origin {
  std::string file;
  std::string pointer;
};

struct scenario {
  std::string file;                      // where it came from ("<built-in default: ...>" for the default)
  std::vector<std::string> input_files;  // the package, population and plan files it named (no output may be one)
  std::string name;
  std::string description;
  std::uint64_t seed = 0;  // the root seed (after --set /seed and --seed)
  // Draws the population from this root seed instead of `seed` (not from the file: a study's `--vary platform`
  // keeps one population over replications while everything else varies).
  std::optional<std::uint64_t> population_seed;
  time_point start{};
  mock_org::package pkg;
  mock_org::population_spec population;
  platform_section platform;
  scheduler::plan plan;
  section_origin plan_origin;
  // "profiles": "from_population" (the partner knows its orgs exactly) or a CSV file, loaded.
  bool profiles_from_population = false;
  std::optional<scheduler::profile_set> profiles;
  std::vector<expectation> expect;  // single-run assertions (checked by run)
  study_section study;
  std::vector<study_expectation> study_expect;  // statistical assertions (checked by study)
};

}  // namespace pushsim::harness
