#pragma once
// world: the simulated side of a scenario — the clock, the package, the subscriber orgs and the push platform —
// built from a scenario document. The same world serves an in-process rehearsal (`pushsim run`) and the socket
// mock (`pushsim serve`).
//
// The scenario's "platform" section (every key optional):
//   {"concurrency_per_instance": 250, "pickup_delay_s": {"min": 20, "max": 180},
//    "noise": {"unclassified_rate": 0.02, "lock_base_rate": 0.002, "lock_rate_per_active_user": 2e-5,
//              "lock_rate_max": 0.25, "maintenance_fails_jobs": true, "post_install_cpu_budget_s": 60,
//              "base_duration_s": 40, "duration_sigma": 0.35, "per_record_us": 3, "early_failure_share": 0.1},
//    "telemetry": {"triage_latency_s": 600, "horizon_s": 2592000},
//    "api": {"daily_requests_max": 1000000, "status_spelling": "InProgress" | "In Progress"},
//    "faults": { ... see mock_org/api/api_handler.hpp fault_config ... }}

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pushsim/base/time.hpp"
#include "pushsim/harness/scenario_file.hpp"
#include "pushsim/mock_org/package.hpp"
#include "pushsim/mock_org/platform.hpp"
#include "pushsim/mock_org/population.hpp"
#include "pushsim/sim/simulation.hpp"

namespace pushsim::harness {

// Settings of the REST surface that come from the scenario's platform section.
struct world_api_settings {
  std::int64_t daily_requests_max = 1'000'000;
  bool spaced_status = false;     // "In Progress" instead of "InProgress"
  nlohmann::json faults;          // the platform.faults object (null: none)
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
};

struct world_result {
  std::unique_ptr<world> value;
  std::vector<input_error> errors;
};

// Builds the world of a scenario (seed: the override, else the scenario's). The population (orgs and their
// customizations) is drawn from `population_seed` when given, else from the world seed like everything else (a
// study's `--vary platform` keeps one population over replications). Errors name the scenario file and the JSON
// pointer; nothing is built when there is any.
world_result build_world(const scenario_document& doc, std::optional<std::uint64_t> seed = {},
                         std::optional<std::uint64_t> population_seed = {});

// The built-in default scenario: a 2,400-org hotfix push of a revenue-rollup fix, staged, in a 6-hour
// maintenance window. Its text is what `pushsim run` runs with no argument.
const std::string& default_scenario_text();
// Loads the default scenario (with overrides).
load_result load_default_scenario(const std::vector<json_override>& overrides);

}  // namespace pushsim::harness
