#pragma once
// platform_section: the scenario's "platform" section, parsed (the one parser of it). Every key is optional
// (defaults: mock_org/platform.hpp, outcome_rules.hpp, telemetry.hpp; api_handler.hpp); unknown keys are errors.
//
//   {"concurrency_per_instance": 250, "pickup_delay_s": {"min": 20, "max": 180},
//    "noise": {"unclassified_rate": 0.02, "lock_base_rate": 0.002, "lock_rate_per_active_user": 2e-5,
//              "lock_rate_max": 0.25, "maintenance_fails_jobs": true, "post_install_cpu_budget_s": 60,
//              "base_duration_s": 40, "duration_sigma": 0.35, "per_record_us": 3, "early_failure_share": 0.1},
//    "telemetry": {"triage_latency_s": 600, "horizon_s": 2592000,
//                  "per_user_hour": {"low": 0.002, "medium": 0.01, "high": 0.05, "critical": 0.2},
//                  "floor_per_hour": {"saves_fail": 0, "automation_errors": 0.01, "integration_stops": 0.1}},
//    "api": {"daily_requests_max": 1000000, "status_spelling": "InProgress" | "In Progress"},
//    "faults": { ... see mock_org/api/fault_config.hpp ... }}

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "pushsim/base/json_reader.hpp"
#include "pushsim/mock_org/api/fault_config.hpp"
#include "pushsim/mock_org/platform.hpp"

namespace pushsim::harness {

// Settings of the REST surface that come from the scenario's platform section.
struct world_api_settings {
  std::int64_t daily_requests_max = 1'000'000;
  bool spaced_status = false;  // "In Progress" instead of "InProgress"
  mock_org::api::fault_config faults;
};

// The whole section, typed.
struct platform_section {
  mock_org::platform_config platform;
  world_api_settings api;
};

// Parses the section found at `pointer` (errors go to the reader; defaults stay where a key is absent or bad).
platform_section parse_platform_section(const nlohmann::json& j, json_reader& r, const std::string& pointer);

}  // namespace pushsim::harness
