#include "pushsim/sim/confidence.hpp"

#include <algorithm>
#include <cmath>

#include "pushsim/base/assert.hpp"

namespace pushsim::sim {

namespace {

// The continued fraction of the regularized incomplete beta function I_x(a, b) (modified Lentz evaluation),
// which converges fast for x < (a + 1) / (a + b + 2).
double beta_continued_fraction(double x, double a, double b) {
  constexpr double tiny = 1e-300;
  constexpr double epsilon = 1e-16;
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  d = 1.0 / (std::abs(d) < tiny ? tiny : d);
  double f = d;
  for (int m = 1; m <= 100000; ++m) {
    const double dm = m;
    // Even step: d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m)).
    const double even = dm * (b - dm) * x / ((a + 2 * dm - 1) * (a + 2 * dm));
    d = 1.0 + even * d;
    c = 1.0 + even / c;
    d = 1.0 / (std::abs(d) < tiny ? tiny : d);
    c = std::abs(c) < tiny ? tiny : c;
    f *= c * d;
    // Odd step: d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)).
    const double odd = -(a + dm) * (a + b + dm) * x / ((a + 2 * dm) * (a + 2 * dm + 1));
    d = 1.0 + odd * d;
    c = 1.0 + odd / c;
    d = 1.0 / (std::abs(d) < tiny ? tiny : d);
    c = std::abs(c) < tiny ? tiny : c;
    const double step = c * d;
    f *= step;
    if (std::abs(step - 1.0) < epsilon) break;
  }
  return f;
}

// The regularized incomplete beta function I_x(a, b) for x in [0, 1], a, b > 0.
double incomplete_beta(double x, double a, double b) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  const double front = std::exp(log_front);
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_continued_fraction(x, a, b) / a;
  return 1.0 - front * beta_continued_fraction(1.0 - x, b, a) / b;
}

// P(T > t) for t >= 0 and Student's t with df degrees of freedom.
double t_upper_tail(double t, double df) { return 0.5 * incomplete_beta(df / (df + t * t), df / 2.0, 0.5); }

// Bisection of a decreasing tail function for the point where it equals `target`, between 0 and a bound that
// doubles until the tail is below the target.
template <typename Tail>
double invert_upper_tail(Tail tail, double target) {
  double lo = 0.0, hi = 1.0;
  while (tail(hi) > target) {
    lo = hi;
    hi *= 2.0;
  }
  for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (tail(mid) > target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace

double normal_quantile(double p) {
  PUSHSIM_ASSERT(p > 0.0 && p < 1.0, "normal_quantile needs p in (0, 1)");
  if (p == 0.5) return 0.0;
  const double upper = p > 0.5 ? 1.0 - p : p;
  const double z = invert_upper_tail([](double x) { return 0.5 * std::erfc(x / std::sqrt(2.0)); }, upper);
  return p > 0.5 ? z : -z;
}

double student_t_quantile(double p, double df) {
  PUSHSIM_ASSERT(p > 0.0 && p < 1.0, "student_t_quantile needs p in (0, 1)");
  PUSHSIM_ASSERT(df > 0.0, "student_t_quantile needs df > 0");
  if (p == 0.5) return 0.0;
  const double upper = p > 0.5 ? 1.0 - p : p;
  double t = 0.0;
  if (df > 1e5) {
    // Cornish-Fisher expansion around the normal quantile: the error is O(df^-3), below 1e-15 here.
    const double z = normal_quantile(1.0 - upper);
    const double z2 = z * z;
    t = z + z * (z2 + 1.0) / (4.0 * df) + z * ((5.0 * z2 + 16.0) * z2 + 3.0) / (96.0 * df * df);
  } else {
    t = invert_upper_tail([df](double x) { return t_upper_tail(x, df); }, upper);
  }
  return p > 0.5 ? t : -t;
}

interval t_interval(double mean, double sd, std::uint64_t n, double confidence) {
  PUSHSIM_ASSERT(confidence > 0.0 && confidence < 1.0, "confidence must lie in (0, 1)");
  if (n < 2) return {mean, mean};
  const double half =
      student_t_quantile(0.5 + confidence / 2.0, static_cast<double>(n - 1)) * sd / std::sqrt(static_cast<double>(n));
  return {mean - half, mean + half};
}

interval wilson_interval(std::uint64_t successes, std::uint64_t n, double confidence) {
  PUSHSIM_ASSERT(n > 0 && successes <= n, "wilson_interval needs 0 <= successes <= n, n > 0");
  PUSHSIM_ASSERT(confidence > 0.0 && confidence < 1.0, "confidence must lie in (0, 1)");
  const double z = normal_quantile(0.5 + confidence / 2.0);
  const double nn = static_cast<double>(n);
  const double phat = static_cast<double>(successes) / nn;
  const double z2n = z * z / nn;
  const double center = (phat + z2n / 2.0) / (1.0 + z2n);
  const double half = z / (1.0 + z2n) * std::sqrt(phat * (1.0 - phat) / nn + z2n / (4.0 * nn));
  return {std::max(0.0, center - half), std::min(1.0, center + half)};
}

}  // namespace pushsim::sim
