#pragma once
// study_sweep: sensitivity sweeps of a study. `--sweep /json/pointer=v1,v2,...` (repeatable) names an input and
// its values; several make a grid. Every grid point runs the study with the same replication seeds, and the
// sensitivity table says, per swept input and metric, how the first plan's mean (proportion for booleans) moves
// from the input's lowest to its highest value, averaged over the other inputs' values: largest swing first.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pushsim/harness/study.hpp"

namespace pushsim::harness {

// One swept input and its values, in the order given.
struct sweep_axis {
  std::string pointer;
  std::vector<nlohmann::json> values;
};
// Parses "/json/pointer=v1,v2,..." (each value JSON when it parses as JSON, else a string; at least two).
// Returns the axis, or nothing and an error naming the argument.
std::optional<sweep_axis> parse_sweep(const std::string& argument, std::string& error);

// Every grid point of the axes as {pointer: value} objects, the last axis varying fastest; one empty object
// without axes.
std::vector<nlohmann::json> sweep_grid(const std::vector<sweep_axis>& axes);

// One grid point of a study and its result.
struct study_point {
  nlohmann::json set = nlohmann::json::object();
  study_result result;
};

// One row of the sensitivity table.
struct sensitivity_row {
  std::string pointer;
  std::string metric;
  nlohmann::json low, high;  // the input's lowest and highest value
  double at_low = 0.0, at_high = 0.0, swing = 0.0;
};
// The sensitivity table of a swept study (points in sweep_grid order), largest |swing| first.
std::vector<sensitivity_row> sensitivity_table(const std::vector<sweep_axis>& axes,
                                               const std::vector<study_point>& points, double confidence);

}  // namespace pushsim::harness
