#pragma once
// truth_json: the platform's ground truth of a world as JSON, as `GET /pushsim/v1/truth` answers it:
//   {"sim_time", "summary": {"orgs","upgraded","failed","broken","untouched","users_disrupted",
//    "failed_by_type": {ErrorType: n}, "broken_by_cause": {cause: n}},
//    "orgs": [{"org","state","error_type"?,"cause"?,"severity"?,"version_before","version_after","attempts",
//              "active_users","last_job"?,"time"?}], "digest"}
// One row per org that was touched (any state but untouched, or at least one attempt), in org order.

#include <nlohmann/json.hpp>

#include "pushsim/harness/world.hpp"

namespace pushsim::harness {

nlohmann::json truth_json(const world& w);

}  // namespace pushsim::harness
