#pragma once
// platform_config as JSON (the scenario's "platform" section). Every key is optional (defaults: platform.hpp,
// outcome_rules.hpp, telemetry.hpp); unknown keys are errors naming the JSON pointer.
//
// {"concurrency_per_instance": 250, "pickup_delay_s": {"min": 20, "max": 180},
//  "noise": {"unclassified_rate": 0.02, "lock_base_rate": 0.002, "lock_rate_per_active_user": 2e-5,
//            "lock_rate_max": 0.25, "maintenance_fails_jobs": true, "post_install_cpu_budget_s": 60,
//            "base_duration_s": 40, "duration_sigma": 0.35, "per_record_us": 3, "early_failure_share": 0.1},
//  "telemetry": {"per_user_hour": {"low": 0.002, "medium": 0.01, "high": 0.05, "critical": 0.2},
//                "floor_per_hour": {"saves_fail": 0, "automation_errors": 0.01, "integration_stops": 0.1},
//                "triage_latency_s": 600, "horizon_days": 30}}

#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "pushsim/mock_org/platform.hpp"
#include "pushsim/mock_org/spec_error.hpp"

namespace pushsim::mock_org {

parse_result<platform_config> parse_platform_config(const nlohmann::json& j, std::string_view pointer = "");

}  // namespace pushsim::mock_org
