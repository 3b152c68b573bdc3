#pragma once
// study_report: what a finished study tells, and its writers: the terminal tables (per plan: metric, mean,
// interval, p95; the paired comparisons; with sweeps the sensitivity table), JSON (the contract of issue 12),
// per-replication CSV rows, JUnit (one testcase per study expectation and plan) and a self-contained HTML page
// (distributions, comparisons, tornado chart). Durations are shown in hours on the terminal and in HTML.

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "pushsim/harness/expectations.hpp"
#include "pushsim/harness/study_sweep.hpp"

namespace pushsim::harness {

struct study_report {
  std::string scenario_name;
  std::string scenario_file;
  std::uint64_t seed = 0;
  double confidence = 0.95;
  vary_mode vary = vary_mode::population;
  std::optional<double> precision;
  std::vector<std::string> plans;            // names, the first is the baseline
  bool swept = false;                        // points come from --sweep
  std::vector<study_point> points;           // one without a sweep
  std::vector<sensitivity_row> sensitivity;  // with a sweep
  std::vector<expectation_result> expectations;

  bool expectations_passed() const;
  // A digest of every run of every point, in order.
  std::string digest() const;
};

std::string render_study_json(const study_report& r);
std::string render_study_junit(const study_report& r);
std::string render_study_html(const study_report& r);
void print_study_summary(std::ostream& out, const study_report& r);

// CSV: one row per (replication, plan) with its seed and every study metric (empty when the run had none);
// with a sweep a first column `point` (the grid point's index).
std::string study_csv_header(bool swept);
std::string study_csv_rows(const std::vector<replication_row>& rows, const std::vector<std::string>& plans,
                           std::optional<std::size_t> point);

}  // namespace pushsim::harness
