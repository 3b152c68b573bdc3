#include "pushsim/sim/stats.hpp"

#include <algorithm>
#include <cmath>

#include "pushsim/base/assert.hpp"

namespace pushsim::sim {

void running_stats::add(double x) {
  ++n_;
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(n_);
  m2_ += delta * (x - mean_);
  min_ = std::min(min_, x);
  max_ = std::max(max_, x);
}

void running_stats::merge(const running_stats& o) {
  if (o.n_ == 0) return;
  if (n_ == 0) {
    *this = o;
    return;
  }
  const double total = static_cast<double>(n_ + o.n_);
  const double delta = o.mean_ - mean_;
  mean_ += delta * static_cast<double>(o.n_) / total;
  m2_ += o.m2_ + delta * delta * static_cast<double>(n_) * static_cast<double>(o.n_) / total;
  n_ += o.n_;
  min_ = std::min(min_, o.min_);
  max_ = std::max(max_, o.max_);
}

double running_stats::stddev() const { return std::sqrt(variance()); }

log_histogram::log_histogram(unsigned sub_bucket_bits, double zero_threshold)
    : bits_(sub_bucket_bits), zero_threshold_(zero_threshold) {
  PUSHSIM_ASSERT(sub_bucket_bits >= 1 && sub_bucket_bits <= 16, "log_histogram: sub_bucket_bits in [1, 16]");
}

double log_histogram::relative_error() const { return std::ldexp(1.0, -static_cast<int>(bits_) - 1); }

void log_histogram::record(double v, std::uint64_t n) {
  PUSHSIM_ASSERT(v >= 0.0 && std::isfinite(v), "log_histogram: values must be finite and >= 0");
  if (n == 0) return;
  count_ += n;
  sum_ += v * static_cast<double>(n);
  min_ = std::min(min_, v);
  max_ = std::max(max_, v);
  if (v < zero_threshold_) {
    zeros_ += n;
    return;
  }
  int e = 0;
  const double m = std::frexp(v, &e);  // v = m * 2^e, m in [0.5, 1)
  const std::size_t per = std::size_t{1} << bits_;
  auto sub = static_cast<std::size_t>((m - 0.5) * 2.0 * static_cast<double>(per));
  if (sub >= per) sub = per - 1;
  add_to_bucket(e, sub, n);
}

void log_histogram::add_to_bucket(int e, std::size_t sub, std::uint64_t n) {
  const std::size_t per = std::size_t{1} << bits_;
  if (buckets_.empty()) {
    min_exponent_ = e;
    buckets_.assign(per, 0);
  } else if (e < min_exponent_) {
    const std::size_t shift = static_cast<std::size_t>(min_exponent_ - e) * per;
    buckets_.insert(buckets_.begin(), shift, 0);
    min_exponent_ = e;
  }
  const std::size_t index = static_cast<std::size_t>(e - min_exponent_) * per + sub;
  if (index >= buckets_.size()) buckets_.resize((index / per + 1) * per, 0);
  buckets_[index] += n;
}

void log_histogram::merge(const log_histogram& o) {
  PUSHSIM_ASSERT(o.bits_ == bits_, "log_histogram: merging histograms of different precision");
  const std::size_t per = std::size_t{1} << bits_;
  for (std::size_t i = 0; i < o.buckets_.size(); ++i) {
    if (o.buckets_[i] != 0) add_to_bucket(o.min_exponent_ + static_cast<int>(i / per), i % per, o.buckets_[i]);
  }
  zeros_ += o.zeros_;
  count_ += o.count_;
  sum_ += o.sum_;
  if (o.count_ != 0) {
    min_ = std::min(min_, o.min_);
    max_ = std::max(max_, o.max_);
  }
}

double log_histogram::quantile(double q) const {
  PUSHSIM_ASSERT(q >= 0.0 && q <= 1.0, "log_histogram: quantile outside [0, 1]");
  if (count_ == 0) return 0.0;
  auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  if (rank == 0) rank = 1;
  if (rank <= zeros_) return min_;
  std::uint64_t seen = zeros_;
  const std::size_t per = std::size_t{1} << bits_;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      const double mid = bucket_mid(min_exponent_ + static_cast<int>(i / per), static_cast<unsigned>(i % per));
      return std::clamp(mid, min_, max_);
    }
  }
  return max_;
}

double log_histogram::bucket_mid(int exponent, unsigned sub) const {
  const double per = static_cast<double>(std::size_t{1} << bits_);
  // Bucket covers mantissa [0.5 + sub/(2 per), 0.5 + (sub+1)/(2 per)); report its middle.
  return std::ldexp(0.5 + (static_cast<double>(sub) + 0.5) / (2.0 * per), exponent);
}

void time_weighted_average::set(time_point t, double v) {
  PUSHSIM_ASSERT(t >= last_, "time_weighted_average: time went backwards");
  area_ += value_ * to_seconds(t - last_);
  last_ = t;
  value_ = v;
  max_ = std::max(max_, v);
}

double time_weighted_average::average(time_point t) const {
  PUSHSIM_ASSERT(t >= last_, "time_weighted_average: average() before the last change");
  const double span = to_seconds(t - start_);
  if (span <= 0.0) return value_;
  return (area_ + value_ * to_seconds(t - last_)) / span;
}

}  // namespace pushsim::sim
