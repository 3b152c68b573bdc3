#pragma once
// Confidence intervals for replicated experiments: Student-t intervals on means (and on paired differences),
// Wilson score intervals on proportions, and the quantiles of the t and normal distributions they rest on.
// Own implementations (regularized incomplete beta, complementary error function), identical on every platform
// that has a conforming std::lgamma/std::erfc.

#include <cstdint>

namespace pushsim::sim {

// A two-sided interval [low, high].
struct interval {
  double low = 0.0;
  double high = 0.0;
  bool contains(double x) const { return low <= x && x <= high; }
};

// The p-quantile of the standard normal distribution, p in (0, 1).
double normal_quantile(double p);

// The p-quantile of Student's t distribution with df > 0 degrees of freedom, p in (0, 1).
double student_t_quantile(double p, double df);

// The two-sided Student-t interval on a mean: mean +- t_{(1+confidence)/2, n-1} * sd / sqrt(n).
// confidence in (0, 1); with n < 2 the interval is [mean, mean] (no spread can be estimated).
interval t_interval(double mean, double sd, std::uint64_t n, double confidence);

// The Wilson score interval on a proportion of `successes` out of `n` trials (n > 0), confidence in (0, 1).
interval wilson_interval(std::uint64_t successes, std::uint64_t n, double confidence);

}  // namespace pushsim::sim
