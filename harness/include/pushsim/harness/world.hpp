#pragma once
// world: the simulated side of a scenario — the clock, the package, the subscriber orgs and the push platform —
// built from a parsed scenario. The same world serves an in-process rehearsal (`pushsim run`) and the socket
// mock (`pushsim serve`).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pushsim/base/time.hpp"
#include "pushsim/harness/platform_section.hpp"
#include "pushsim/harness/scenario.hpp"
#include "pushsim/mock_org/package.hpp"
#include "pushsim/mock_org/platform.hpp"
#include "pushsim/mock_org/population.hpp"
#include "pushsim/sim/simulation.hpp"

namespace pushsim::harness {

struct world {
  std::unique_ptr<sim::simulation> sim;
  mock_org::package pkg;
  std::unique_ptr<mock_org::population> orgs;
  std::unique_ptr<mock_org::platform> platform;
  world_api_settings api;
  std::uint64_t seed = 0;
  time_point start{};
  std::string scenario_name;
};

// Builds the world of a parsed scenario (its seed, package, population and platform settings). The population
// (orgs and their customizations) is drawn from the scenario's population_seed when set, else from its seed.
std::unique_ptr<world> build_world(const scenario& s);

// The built-in default scenario: a 2,400-org hotfix push of a revenue-rollup fix, staged, in a 6-hour
// maintenance window. Its text is what `pushsim run` runs with no argument (load_default_scenario parses it).
const std::string& default_scenario_text();

}  // namespace pushsim::harness
