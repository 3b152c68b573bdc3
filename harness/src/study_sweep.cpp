#include "pushsim/harness/study_sweep.hpp"

#include <algorithm>
#include <cmath>

namespace pushsim::harness {

namespace {

nlohmann::json parse_value(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  return j.is_discarded() ? nlohmann::json(text) : j;
}

// Numbers order by value, anything else by its JSON text.
bool value_less(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() < b.get<double>();
  return a.dump() < b.dump();
}

// The first plan's mean of each metric (proportion for booleans) averaged over the points where `pointer` has
// `value`.
std::vector<double> mean_where(const std::vector<study_point>& points, const std::string& pointer,
                               const nlohmann::json& value, double confidence) {
  const auto& metrics = study_metrics();
  std::vector<double> sum(metrics.size(), 0.0);
  double count = 0;
  for (const auto& point : points) {
    if (point.set.at(pointer) != value) continue;
    const auto summaries = point.result.accumulator.summarize_plan(0, confidence);
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      sum[m] += summaries[m].boolean ? summaries[m].proportion.proportion : summaries[m].sample.mean;
    }
    ++count;
  }
  for (auto& s : sum) s = count > 0 ? s / count : 0.0;
  return sum;
}

}  // namespace

std::optional<sweep_axis> parse_sweep(const std::string& argument, std::string& error) {
  const auto eq = argument.find('=');
  if (argument.empty() || argument[0] != '/' || eq == std::string::npos) {
    error = "--sweep '" + argument + "': expected /json/pointer=v1,v2,...";
    return std::nullopt;
  }
  try {
    (void)nlohmann::json(argument).dump();  // a value that is not UTF-8 text could not be reported later
  } catch (const nlohmann::json::exception&) {
    error = "--sweep: the argument is not UTF-8 text";
    return std::nullopt;
  }
  sweep_axis axis{argument.substr(0, eq), {}};
  try {
    (void)nlohmann::json::json_pointer(axis.pointer);
  } catch (const nlohmann::json::exception&) {
    error = "--sweep '" + argument + "': '" + axis.pointer + "' is not a JSON pointer";
    return std::nullopt;
  }
  const std::string values = argument.substr(eq + 1);
  for (std::size_t start = 0; start <= values.size();) {
    const auto comma = std::min(values.find(',', start), values.size());
    axis.values.push_back(parse_value(values.substr(start, comma - start)));
    start = comma + 1;
  }
  if (axis.values.size() < 2) {
    error = "--sweep '" + argument + "': give at least two values, separated by commas";
    return std::nullopt;
  }
  return axis;
}

std::vector<nlohmann::json> sweep_grid(const std::vector<sweep_axis>& axes) {
  std::vector<nlohmann::json> grid{nlohmann::json::object()};
  for (const auto& axis : axes) {
    std::vector<nlohmann::json> next;
    for (const auto& point : grid) {
      for (const auto& v : axis.values) {
        auto p = point;
        p[axis.pointer] = v;
        next.push_back(std::move(p));
      }
    }
    grid = std::move(next);
  }
  return grid;
}

std::vector<sensitivity_row> sensitivity_table(const std::vector<sweep_axis>& axes,
                                               const std::vector<study_point>& points, double confidence) {
  std::vector<sensitivity_row> rows;
  const auto& metrics = study_metrics();
  for (const auto& axis : axes) {
    const auto [lo, hi] = std::minmax_element(axis.values.begin(), axis.values.end(), value_less);
    const auto at_low = mean_where(points, axis.pointer, *lo, confidence);
    const auto at_high = mean_where(points, axis.pointer, *hi, confidence);
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      rows.push_back({axis.pointer, metrics[m].name, *lo, *hi, at_low[m], at_high[m], at_high[m] - at_low[m]});
    }
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return std::abs(a.swing) > std::abs(b.swing); });
  return rows;
}

}  // namespace pushsim::harness
