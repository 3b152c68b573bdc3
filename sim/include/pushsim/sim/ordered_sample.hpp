#pragma once
// ordered_sample: the values of one quantity over replications, kept in replication order, with the summary a
// study reports (mean, sd, Student-t interval, min, p5, p50, p95, max; for 0/1 quantities the proportion with a
// Wilson interval). Merging appends another sample that follows this one in replication order, and every figure
// is computed from the values in that order, so any split of the replications into ranges (threads, MPI ranks,
// shards) merged in range order gives bit-identical figures.
//
// Memory: 8 bytes per value (exact percentiles need the values); a study keeps one sample per metric and plan.
// Values live in 256 KiB chunks allocated apart from the heap (glibc maps blocks this large) and touched only as
// they fill, so a study's resident memory grows by the values themselves, not by a growing vector's slack and the
// holes it leaves in a heap that every replication's world churns through.

#include <cstdint>
#include <memory>
#include <vector>

#include "pushsim/sim/confidence.hpp"

namespace pushsim::sim {

// The figures of a sample (all 0 when it is empty).
struct sample_summary {
  std::uint64_t n = 0;
  double mean = 0.0;
  double sd = 0.0;  // sample standard deviation (n - 1 in the denominator); 0 with fewer than 2 values
  interval ci;      // Student-t interval on the mean
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
  ordered_sample() = default;
  ordered_sample(const ordered_sample& other);
  ordered_sample& operator=(const ordered_sample& other);
  ordered_sample(ordered_sample&&) noexcept = default;
  ordered_sample& operator=(ordered_sample&&) noexcept = default;

  void add(double value);
  // Appends `later`, whose values come after this sample's in replication order.
  void merge(const ordered_sample& later);
  std::uint64_t size() const { return size_; }
  // The values in replication order (a copy).
  std::vector<double> values() const;

  // Mean and sd by two passes in replication order; percentiles by linear interpolation between order
  // statistics (position q * (n - 1), numpy's default); the interval at `confidence` in (0, 1).
  sample_summary summary(double confidence) const;
  // The same without the order statistics (min, percentiles, max stay 0): O(n), no copy.
  sample_summary moments(double confidence) const;
  // The values read as 0/1 (any non-zero value counts as a success).
  proportion_summary proportion(double confidence) const;

 private:
  static constexpr std::size_t chunk_values = 32768;  // 256 KiB
  double at(std::uint64_t i) const { return chunks_[i / chunk_values][i % chunk_values]; }
  std::vector<std::unique_ptr<double[]>> chunks_;
  std::uint64_t size_ = 0;
};

}  // namespace pushsim::sim
