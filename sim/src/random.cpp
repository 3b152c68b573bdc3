#include "pushsim/sim/random.hpp"

#include <cmath>

#include "pushsim/base/assert.hpp"

namespace pushsim::sim {

std::uint64_t rng_streams::seed_for(std::string_view name) const {
  std::uint64_t st = root_ ^ hash_name(name);
  splitmix64(st);
  return splitmix64(st);
}

std::uint64_t uniform_u64(rng& r, std::uint64_t lo, std::uint64_t hi) {
  PUSHSIM_ASSERT(lo <= hi, "uniform_u64: lo > hi");
  const std::uint64_t span = hi - lo;
  if (span == std::numeric_limits<std::uint64_t>::max()) return r();
  const std::uint64_t range = span + 1;
  __extension__ using u128 = unsigned __int128;
  u128 m = static_cast<u128>(r()) * range;
  auto low = static_cast<std::uint64_t>(m);
  if (low < range) {
    const std::uint64_t threshold = (0 - range) % range;
    while (low < threshold) {
      m = static_cast<u128>(r()) * range;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return lo + static_cast<std::uint64_t>(m >> 64);
}

std::int64_t uniform_int(rng& r, std::int64_t lo, std::int64_t hi) {
  PUSHSIM_ASSERT(lo <= hi, "uniform_int: lo > hi");
  const auto span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + uniform_u64(r, 0, span));
}

double uniform_real(rng& r, double lo, double hi) {
  PUSHSIM_ASSERT(lo <= hi, "uniform_real: lo > hi");
  return lo + (hi - lo) * r.uniform01();
}

bool bernoulli(rng& r, double p) {
  PUSHSIM_ASSERT(p >= 0.0 && p <= 1.0, "bernoulli: p outside [0, 1]");
  return r.uniform01() < p;
}

double exponential(rng& r, double mean) {
  PUSHSIM_ASSERT(mean > 0.0, "exponential: mean must be > 0");
  return -std::log(r.uniform01_open_zero()) * mean;
}

double normal(rng& r, double mean, double stddev) {
  PUSHSIM_ASSERT(stddev >= 0.0, "normal: stddev must be >= 0");
  double u = 0, v = 0, s = 0;
  do {
    u = 2.0 * r.uniform01() - 1.0;
    v = 2.0 * r.uniform01() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  return mean + stddev * u * std::sqrt(-2.0 * std::log(s) / s);
}

double lognormal(rng& r, double mu, double sigma) { return std::exp(normal(r, mu, sigma)); }

std::uint64_t poisson(rng& r, double mean) {
  PUSHSIM_ASSERT(mean >= 0.0 && std::isfinite(mean), "poisson: mean must be finite and >= 0");
  if (mean == 0.0) return 0;
  if (mean < 12.0) {
    const double limit = std::exp(-mean);
    double prod = r.uniform01();
    std::uint64_t k = 0;
    while (prod > limit) {
      ++k;
      prod *= r.uniform01();
    }
    return k;
  }
  // PTRS: transformed rejection with squeeze (W. Hörmann, 1993).
  const double slam = std::sqrt(mean);
  const double loglam = std::log(mean);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = r.uniform01() - 0.5;
    const double v = r.uniform01();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<std::uint64_t>(k);
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <= -mean + k * loglam - std::lgamma(k + 1.0)) {
      return static_cast<std::uint64_t>(k);
    }
  }
}

double pareto(rng& r, double xm, double alpha) {
  PUSHSIM_ASSERT(xm > 0.0 && alpha > 0.0, "pareto: xm and alpha must be > 0");
  return xm * std::pow(r.uniform01_open_zero(), -1.0 / alpha);
}

// ---- zipf: rejection-inversion sampling (Hörmann & Derflinger 1996) ----

namespace {
// log1p(x)/x, continuous at 0.
double helper1(double x) {
  return std::fabs(x) > 1e-8 ? std::log1p(x) / x : 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
}
// expm1(x)/x, continuous at 0.
double helper2(double x) {
  return std::fabs(x) > 1e-8 ? std::expm1(x) / x : 1.0 + x * 0.5 * (1.0 + x / 3.0 * (1.0 + 0.25 * x));
}
}  // namespace

zipf_distribution::zipf_distribution(std::uint64_t n, double s) : n_(n), s_(s) {
  PUSHSIM_ASSERT(n >= 1 && s > 0.0, "zipf: n must be >= 1 and s > 0");
  h_integral_x1_ = big_h(1.5) - 1.0;
  h_integral_n_ = big_h(static_cast<double>(n) + 0.5);
  threshold_ = 2.0 - big_h_inverse(big_h(2.5) - h(2.0));
}

double zipf_distribution::h(double x) const { return std::exp(-s_ * std::log(x)); }

double zipf_distribution::big_h(double x) const {
  const double log_x = std::log(x);
  return helper2((1.0 - s_) * log_x) * log_x;
}

double zipf_distribution::big_h_inverse(double x) const {
  double t = x * (1.0 - s_);
  if (t < -1.0) t = -1.0;
  return std::exp(helper1(t) * x);
}

std::uint64_t zipf_distribution::operator()(rng& r) const {
  for (;;) {
    const double u = h_integral_n_ + r.uniform01() * (h_integral_x1_ - h_integral_n_);
    const double x = big_h_inverse(u);
    double kd = std::floor(x + 0.5);
    if (kd < 1.0) kd = 1.0;
    if (kd > static_cast<double>(n_)) kd = static_cast<double>(n_);
    if (kd - x <= threshold_ || u >= big_h(kd + 0.5) - h(kd)) return static_cast<std::uint64_t>(kd);
  }
}

// ---- alias method (Vose) ----

alias_table::alias_table(std::span<const double> weights) {
  const std::size_t n = weights.size();
  PUSHSIM_ASSERT(n > 0 && n < 0xFFFF'FFFFu, "alias_table: needs 1 to 2^32-1 weights");
  double sum = 0.0;
  for (const double w : weights) {
    PUSHSIM_ASSERT(std::isfinite(w) && w >= 0.0, "alias_table: weights must be finite and >= 0");
    sum += w;
  }
  PUSHSIM_ASSERT(sum > 0.0, "alias_table: weights sum to zero");
  prob_.assign(n, 0.0);
  alias_.assign(n, 0);
  p_.resize(n);
  std::vector<double> scaled(n);
  std::vector<std::uint32_t> small, large;
  for (std::size_t i = 0; i < n; ++i) {
    p_[i] = weights[i] / sum;
    scaled[i] = p_[i] * static_cast<double>(n);
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    const std::uint32_t l = small.back();
    small.pop_back();
    const std::uint32_t g = large.back();
    large.pop_back();
    prob_[l] = scaled[l];
    alias_[l] = g;
    scaled[g] = (scaled[g] + scaled[l]) - 1.0;
    (scaled[g] < 1.0 ? small : large).push_back(g);
  }
  for (const std::uint32_t g : large) prob_[g] = 1.0;
  for (const std::uint32_t l : small) prob_[l] = 1.0;  // only rounding error leaves these
}

std::size_t alias_table::operator()(rng& r) const {
  const auto column = static_cast<std::size_t>(uniform_u64(r, 0, prob_.size() - 1));
  return r.uniform01() < prob_[column] ? column : alias_[column];
}

}  // namespace pushsim::sim
