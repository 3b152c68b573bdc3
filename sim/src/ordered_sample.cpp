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

double sample_summary::relative_half_width() const {
  const double half = (ci.high - ci.low) / 2.0;
  if (half == 0.0) return 0.0;
  if (mean == 0.0) return std::numeric_limits<double>::infinity();
  return half / std::abs(mean);
}

sample_summary ordered_sample::summary(double confidence) const {
  sample_summary s;
  s.n = values_.size();
  if (s.n == 0) return s;
  double sum = 0.0;
  for (const double v : values_) sum += v;
  s.mean = sum / static_cast<double>(s.n);
  if (s.n > 1) {
    double squares = 0.0;
    for (const double v : values_) squares += (v - s.mean) * (v - s.mean);
    s.sd = std::sqrt(squares / static_cast<double>(s.n - 1));
  }
  s.ci = t_interval(s.mean, s.sd, s.n, confidence);
  std::vector<double> sorted = values_;
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
  p.n = values_.size();
  if (p.n == 0) return p;
  for (const double v : values_) p.successes += v != 0.0 ? 1 : 0;
  p.proportion = static_cast<double>(p.successes) / static_cast<double>(p.n);
  p.ci = wilson_interval(p.successes, p.n, confidence);
  return p;
}

}  // namespace pushsim::sim
