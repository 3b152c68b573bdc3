#include "pushsim/sim/ordered_sample.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace pushsim::sim {

namespace {

// The q-quantile of sorted values by linear interpolation at position q * (n - 1).
double quantile_sorted(const std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const auto above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

}  // namespace

ordered_sample::ordered_sample(const ordered_sample& other) { merge(other); }

ordered_sample& ordered_sample::operator=(const ordered_sample& other) {
  if (this != &other) {
    chunks_.clear();
    size_ = 0;
    merge(other);
  }
  return *this;
}

void ordered_sample::add(double value) {
  if (size_ == chunks_.size() * chunk_values) chunks_.push_back(std::make_unique_for_overwrite<double[]>(chunk_values));
  chunks_.back()[size_ % chunk_values] = value;
  ++size_;
}

void ordered_sample::merge(const ordered_sample& later) {
  const std::uint64_t n = later.size_;  // `later` may be this sample
  for (std::uint64_t i = 0; i < n; ++i) add(later.at(i));
}

std::vector<double> ordered_sample::values() const {
  std::vector<double> out;
  out.reserve(size_);
  for (std::uint64_t i = 0; i < size_; ++i) out.push_back(at(i));
  return out;
}

double sample_summary::relative_half_width() const {
  const double half = (ci.high - ci.low) / 2.0;
  if (half == 0.0) return 0.0;
  if (mean == 0.0) return std::numeric_limits<double>::infinity();
  return half / std::abs(mean);
}

sample_summary ordered_sample::moments(double confidence) const {
  sample_summary s;
  s.n = size_;
  if (s.n == 0) return s;
  double sum = 0.0;
  for (std::uint64_t i = 0; i < size_; ++i) sum += at(i);
  s.mean = sum / static_cast<double>(s.n);
  if (s.n > 1) {
    double squares = 0.0;
    for (std::uint64_t i = 0; i < size_; ++i) squares += (at(i) - s.mean) * (at(i) - s.mean);
    s.sd = std::sqrt(squares / static_cast<double>(s.n - 1));
  }
  s.ci = t_interval(s.mean, s.sd, s.n, confidence);
  return s;
}

sample_summary ordered_sample::summary(double confidence) const {
  sample_summary s = moments(confidence);
  if (s.n == 0) return s;
  std::vector<double> sorted = values();
  std::sort(sorted.begin(), sorted.end());
  s.min = sorted.front();
  s.max = sorted.back();
  s.p5 = quantile_sorted(sorted, 0.05);
  s.p50 = quantile_sorted(sorted, 0.50);
  s.p95 = quantile_sorted(sorted, 0.95);
  return s;
}

proportion_summary ordered_sample::proportion(double confidence) const {
  proportion_summary p;
  p.n = size_;
  if (p.n == 0) return p;
  for (std::uint64_t i = 0; i < size_; ++i) p.successes += at(i) != 0.0 ? 1 : 0;
  p.proportion = static_cast<double>(p.successes) / static_cast<double>(p.n);
  p.ci = wilson_interval(p.successes, p.n, confidence);
  return p;
}

}  // namespace pushsim::sim
