#pragma once
// Statistics collected during a run: counters, streaming mean/variance, a log-bucket histogram with bounded
// relative error, time-weighted averages and time series.

#include <cstdint>
#include <limits>
#include <vector>

#include "pushsim/sim/time.hpp"

namespace pushsim::sim {

// A monotonically increasing count.
struct counter {
  std::uint64_t value = 0;
  void add(std::uint64_t n = 1) { value += n; }
};

// Streaming count, mean, variance (Welford), min and max of a sample.
class running_stats {
 public:
  void add(double x);
  // Combines another sample into this one (Chan et al.).
  void merge(const running_stats& other);
  std::uint64_t count() const { return n_; }
  double mean() const { return mean_; }
  // Sample variance (n - 1 in the denominator); 0 with fewer than two values.
  double variance() const { return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : 0.0; }
  double stddev() const;
  double min() const { return min_; }
  double max() const { return max_; }
  double sum() const { return mean_ * static_cast<double>(n_); }

 private:
  std::uint64_t n_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

// Histogram of non-negative values in logarithmic buckets: each power of two is split into 2^sub_bucket_bits
// linear buckets, so any quantile is reported within a relative error of 2^-(sub_bucket_bits+1)
// (0.39% with the default 7 bits). Values below `zero_threshold` count as zero. min and max are exact.
class log_histogram {
 public:
  explicit log_histogram(unsigned sub_bucket_bits = 7, double zero_threshold = 1e-12);
  void record(double v, std::uint64_t n = 1);
  void merge(const log_histogram& other);
  // The q-quantile (q in [0, 1]): the smallest recorded value v such that at least q of the values are <= v,
  // within the relative error above. 0 when empty.
  double quantile(double q) const;
  double p50() const { return quantile(0.50); }
  double p90() const { return quantile(0.90); }
  double p99() const { return quantile(0.99); }
  double max() const { return count_ ? max_ : 0.0; }
  double min() const { return count_ ? min_ : 0.0; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  std::uint64_t count() const { return count_; }
  // Upper bound of the relative error of quantile().
  double relative_error() const;

 private:
  void add_to_bucket(int exponent, std::size_t sub, std::uint64_t n);
  double bucket_mid(int exponent, unsigned sub) const;
  unsigned bits_;
  double zero_threshold_;
  std::uint64_t zeros_ = 0;
  int min_exponent_ = 0;                // exponent of buckets_[0]
  std::vector<std::uint64_t> buckets_;  // (exponent - min_exponent_) * 2^bits + sub
  std::uint64_t count_ = 0;
  double sum_ = 0.0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = 0.0;
};

// Average of a piecewise-constant quantity over time (e.g. jobs in flight): set(t, v) changes the value at t.
class time_weighted_average {
 public:
  explicit time_weighted_average(time_point start, double initial = 0.0)
      : start_(start), last_(start), value_(initial) {}
  void set(time_point t, double v);
  double value() const { return value_; }
  // Average over [start, t]; the current value when t == start.
  double average(time_point t) const;
  double max() const { return max_; }

 private:
  time_point start_;
  time_point last_;
  double value_;
  double area_ = 0.0;  // value x seconds
  double max_ = value_;
};

// A recorded series of (time, value) points, e.g. upgrades per hour.
struct time_series {
  struct point {
    time_point time;
    double value;
  };
  std::vector<point> points;
  void record(time_point t, double v) { points.push_back({t, v}); }
};

}  // namespace pushsim::sim
