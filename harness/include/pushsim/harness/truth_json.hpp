#pragma once
// truth_json: the platform's ground truth of a world as JSON, as `GET /pushsim/v1/truth` answers it:
//   {"sim_time", "deadline": {"at","kind"} | null,
//    "summary": {"orgs","upgraded","failed","broken","untouched","users_disrupted",
//    "failed_by_type": {ErrorType: n}, "broken_by_cause": {cause: n}, "integration_stopped", "out_of_compliance"},
//    "orgs": [{"org","state","error_type"?,"cause"?,"severity"?,"version_before","version_after","attempts",
//              "active_users","last_job"?,"time"?,"integration_stopped_at"?,"out_of_compliance_from"?}], "digest"}
// "deadline" is the plan's deadline when it has a cost (api_retirement, compliance). "integration_stopped_at": when
// the API retirement stopped the org's package integration (it was still on an older version then).
// "out_of_compliance_from": the compliance deadline, once passed, for an org that needed the target (installed, not
// inactive, on an older version) and did not have it by then; its state says whether a failed job harmed it too.
// One row per org that was touched (any state but untouched, or at least one attempt) or harmed by the deadline,
// in org order.

#include <nlohmann/json.hpp>

#include "pushsim/harness/world.hpp"

namespace pushsim::harness {

nlohmann::json truth_json(const world& w);

}  // namespace pushsim::harness
