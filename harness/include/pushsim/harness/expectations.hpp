#pragma once
// Expectations: the `expect` section of a scenario, checked against a run's metrics (names as in the JSON
// report). Each entry is `"metric": literal` (equality) or `"metric": {"min": a, "max": b, "equals": v}`.
// A metric is a top-level name ("blast_radius_orgs") or a JSON pointer into the metrics ("/orgs_failed_by_type/DeployError").

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pushsim/harness/scenario_file.hpp"

namespace pushsim::harness {

// The outcome of one expectation: for the terminal, the JUnit report and the exit code.
struct expectation_result {
  std::string metric;    // as written in the scenario
  std::string expected;  // e.g. "<= 25", "== true"
  std::string actual;    // the value found, as JSON text ("missing" when absent)
  bool passed = false;
};

// Checks the form of an `expect` object before a run (unknown metric names, wrong shapes): errors name
// `/expect/<metric>`. `known_metrics` is the metrics object of any run (only its keys are used).
std::vector<input_error> validate_expectations(const nlohmann::json& expect, const nlohmann::json& known_metrics,
                                               const std::string& file);

// Evaluates every expectation against the metrics of a run, in the order written.
std::vector<expectation_result> check_expectations(const nlohmann::json& expect, const nlohmann::json& metrics);

}  // namespace pushsim::harness
