#pragma once
// Expectations: the `expect` section of a scenario, checked against a run's metrics (names as in the JSON
// report). Each entry is `"metric": literal` (equality) or `"metric": {"min": a, "max": b, "equals": v}`.
// A metric is a top-level name ("blast_radius_orgs") or a JSON pointer into the metrics
// ("/orgs_failed_by_type/DeployError").

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pushsim/base/json_reader.hpp"

namespace pushsim::harness {

// One assertion, parsed. Bounds and literals stay JSON values: they are compared with the metrics (JSON) and
// shown as written.
struct expectation {
  std::string metric;                    // as written in the scenario
  std::optional<nlohmann::json> min;     // a number
  std::optional<nlohmann::json> max;     // a number
  std::optional<nlohmann::json> equals;  // a scalar
  bool literal = false;                  // written as "metric": literal (numbers then compare by value)
};

// The outcome of one expectation: for the terminal, the JUnit report and the exit code.
struct expectation_result {
  std::string metric;    // as written in the scenario
  std::string expected;  // e.g. "<= 25", "== true"
  std::string actual;    // the value found, as JSON text ("missing" when absent)
  bool passed = false;
};

// Parses an `expect` object found at `pointer` (unknown metric names, wrong shapes are errors in the reader).
// `known_metrics` is the metrics object of any run (only its keys are used).
std::vector<expectation> parse_expectations(const nlohmann::json& expect, json_reader& r, const std::string& pointer,
                                            const nlohmann::json& known_metrics);

// Evaluates every expectation against the metrics of a run, in the order given.
std::vector<expectation_result> check_expectations(const std::vector<expectation>& expect,
                                                   const nlohmann::json& metrics);

}  // namespace pushsim::harness
