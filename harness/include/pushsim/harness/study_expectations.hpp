#pragma once
// Statistical expectations: a scenario's `expect` read by `pushsim study`, checked against every plan's
// distribution of a metric: {"blast_radius_orgs": {"mean_max": 25, "p95_max": 40}, "halted": {"probability_min":
// 0.9}}. Numeric metrics take mean_min, mean_max, p5_min, p50_max, p95_max, max_max; boolean metrics take
// probability_min, probability_max. Also the scenario's `study` section: {"replications": 200, "confidence":
// 0.95, "vary": "population" | "platform"} (every key optional; command-line flags win).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pushsim/harness/expectations.hpp"
#include "pushsim/harness/replication.hpp"
#include "pushsim/harness/scenario_file.hpp"
#include "pushsim/harness/study_accumulator.hpp"

namespace pushsim::harness {

// One bound on one figure of one metric's distribution.
struct study_expectation {
  std::string metric;  // a name of study_metrics()
  std::string key;     // e.g. "mean_max"
  double bound = 0.0;
};

struct study_expectations_result {
  std::vector<study_expectation> value;
  std::vector<input_error> errors;  // each naming /expect/<metric>[/<key>]
};
// True when an `expect` entry uses a statistical key (mean_min, ..., probability_max): `pushsim run` leaves such
// entries to the study, and the study leaves single-run entries (a literal, or only min/max/equals) to run.
bool is_statistical_expectation(const nlohmann::json& rule);

// Parses the statistical entries of a scenario's `expect` for a study; other keys in them are errors.
study_expectations_result parse_study_expectations(const nlohmann::json& expect, const std::string& file);

// Checks every expectation against one plan's summaries, in the order written. `plan` labels the results.
std::vector<expectation_result> check_study_expectations(const std::vector<study_expectation>& expectations,
                                                         const std::vector<metric_summary>& summaries,
                                                         const std::string& plan);

// The scenario's `study` section.
struct study_section {
  std::optional<std::uint64_t> replications;
  std::optional<double> confidence;
  std::optional<vary_mode> vary;
};
struct study_section_result {
  study_section value;
  std::vector<input_error> errors;  // each naming /study/<key>
};
study_section_result parse_study_section(const nlohmann::json& study, const std::string& file);

}  // namespace pushsim::harness
