#pragma once
// ordered_sample: the values of one quantity over replications, kept in replication order, with the summary a
// study reports (mean, sd, Student-t interval, min, p5, p50, p95, max; for 0/1 quantities the proportion with a
// Wilson interval). Merging appends another sample that follows this one in replication order, and every figure
// is computed from the values in that order, so any split of the replications into ranges (threads, MPI ranks,
// shards) merged in range order gives bit-identical figures.
//
// Memory: 8 bytes per value (exact percentiles need the values); a study keeps one sample per metric and plan.

#include <cstdint>
#include <vector>

#include "pushsim/sim/confidence.hpp"

namespace pushsim::sim {

// The figures of a sample (all 0 when it is empty).
struct sample_summary {
  std::uint64_t n = 0;
  double mean = 0.0;
  double sd = 0.0;           // sample standard deviation (n - 1 in the denominator); 0 with fewer than 2 values
  interval ci;               // Student-t interval on the mean
  double min = 0.0, p5 = 0.0, p50 = 0.0, p95 = 0.0, max = 0.0;
  // The relative half-width of the interval, (ci.high - ci.low) / 2 / |mean|; 0 when the interval is a point,
  // infinity when the mean is 0 and the interval is not.
  double relative_half_width() const;
};

// The figures of a 0/1 sample.
struct proportion_summary {
  std::uint64_t n = 0;
  std::uint64_t successes = 0;
  double proportion = 0.0;
  interval ci;  // Wilson score interval
};

class ordered_sample {
 public:
  void add(double value) { values_.push_back(value); }
  // Appends `later`, whose values come after this sample's in replication order.
  void merge(const ordered_sample& later) { values_.insert(values_.end(), later.values_.begin(), later.values_.end()); }
  std::uint64_t size() const { return values_.size(); }
  const std::vector<double>& values() const { return values_; }

  // Mean and sd by two passes in replication order; percentiles by linear interpolation between order
  // statistics (position q * (n - 1), numpy's default); the interval at `confidence` in (0, 1).
  sample_summary summary(double confidence) const;
  // The values read as 0/1 (any non-zero value counts as a success).
  proportion_summary proportion(double confidence) const;

 private:
  std::vector<double> values_;
};

}  // namespace pushsim::sim
