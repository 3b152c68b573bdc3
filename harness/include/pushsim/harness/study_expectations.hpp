#pragma once
// Statistical expectations: a scenario's `expect` entries checked by `pushsim study` against every plan's
// distribution of a metric: {"blast_radius_orgs": {"mean_max": 25, "p95_max": 40}, "halted": {"probability_min":
// 0.9}}. Numeric metrics take mean_min, mean_max, p5_min, p50_max, p95_max, max_max; boolean metrics take
// probability_min, probability_max. Also the parser of the scenario's `study` section. The scenario loader calls
// both parsers (types in study_section.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pushsim/base/json_reader.hpp"
#include "pushsim/harness/expectations.hpp"
#include "pushsim/harness/replication.hpp"
#include "pushsim/harness/study_accumulator.hpp"
#include "pushsim/harness/study_section.hpp"

namespace pushsim::harness {

// True when an `expect` entry uses a statistical key (mean_min, ..., probability_max): `pushsim run` leaves such
// entries to the study, and the study leaves single-run entries (a literal, or only min/max/equals) to run.
bool is_statistical_expectation(const nlohmann::json& rule);

// Parses the statistical entries of the `expect` object found at `pointer`; other keys in them are errors in the
// reader, each naming <pointer>/<metric>[/<key>]. Single-run entries are left to parse_expectations.
std::vector<study_expectation> parse_study_expectations(const nlohmann::json& expect, json_reader& r,
                                                        const std::string& pointer);

// Checks every expectation against one plan's summaries, in the order written. `plan` labels the results.
std::vector<expectation_result> check_study_expectations(const std::vector<study_expectation>& expectations,
                                                         const std::vector<metric_summary>& summaries,
                                                         const std::string& plan);

// Parses the scenario's `study` section found at `pointer`; errors in the reader, each naming <pointer>/<key>.
study_section parse_study_section(const nlohmann::json& study, json_reader& r, const std::string& pointer);

}  // namespace pushsim::harness
