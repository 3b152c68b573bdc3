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
#include "pushsim/scheduler/plan.hpp"
#include "pushsim/sim/simulation.hpp"

namespace pushsim::harness {

// The plan's deadline as the world pays for it: at `at`, an `api_retirement` stops the package integration of every
// org still on a version older than `target` (the platform records it); a `compliance` deadline leaves those orgs
// out of compliance from `at` (truth_json tells which).
struct world_deadline {
  time_point at;
  scheduler::deadline_kind kind = scheduler::deadline_kind::api_retirement;  // never soft
  mock_org::version_index target = 0;
};

struct world {
  std::unique_ptr<sim::simulation> sim;
  mock_org::package pkg;
  std::unique_ptr<mock_org::population> orgs;
  std::unique_ptr<mock_org::platform> platform;
  world_api_settings api;
  std::uint64_t seed = 0;
  time_point start{};
  std::string scenario_name;
  // The plan's deadline when it has a cost and lies ahead of the start, and the plan's target is in the package.
  std::optional<world_deadline> deadline;
};

// Builds the world of a parsed scenario (its seed, package, population and platform settings). The population
// (orgs and their customizations) is drawn from the scenario's population_seed when set, else from its seed.
// A plan deadline of kind api_retirement is scheduled in the world (the same for `run` and `serve`).
std::unique_ptr<world> build_world(const scenario& s);

// The built-in default scenario: a 2,400-org hotfix push of a revenue-rollup fix, staged, in a 6-hour
// maintenance window. Its text is what `pushsim run` runs with no argument (load_default_scenario parses it).
const std::string& default_scenario_text();

}  // namespace pushsim::harness
