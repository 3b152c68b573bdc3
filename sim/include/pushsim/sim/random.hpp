#pragma once
// Seeded randomness that is identical on every platform:
//  - rng: xoshiro256** (Blackman & Vigna), seeded through splitmix64;
//  - rng_streams: one root seed, named sub-streams derived by hashing the name (creation order does not matter);
//  - our own distributions (std:: distributions differ between standard libraries).
// Continuous distributions use std::log/exp/sqrt/pow from the C library; the integer and uniform ones use only
// integer arithmetic and exact conversions.

#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

#include "pushsim/base/random.hpp"

namespace pushsim::sim {

// The generator and its seeding helpers live in base/ (scheduler/ uses them too).
using pushsim::hash_name;
using pushsim::splitmix64;
using rng = pushsim::xoshiro256;

// Named sub-streams of one root seed: get("population") always yields the same generator for the same root,
// whatever other streams were created before.
class rng_streams {
 public:
  explicit rng_streams(std::uint64_t root_seed) : root_(root_seed) {}
  std::uint64_t root_seed() const { return root_; }
  // The seed of the stream with this name.
  std::uint64_t seed_for(std::string_view name) const;
  // A fresh generator for the stream with this name.
  rng get(std::string_view name) const { return rng(seed_for(name)); }
  // A sub-family, e.g. streams.child("org").get("users"): seeds derive from "org/users".
  rng_streams child(std::string_view name) const { return rng_streams(seed_for(name)); }

 private:
  std::uint64_t root_;
};

// ---- distributions (free functions; parameters checked with PUSHSIM_ASSERT: bad parameters are bugs) ----

// Uniform integer in [lo, hi], unbiased (Lemire's multiply-and-reject).
std::uint64_t uniform_u64(rng& r, std::uint64_t lo, std::uint64_t hi);
std::int64_t uniform_int(rng& r, std::int64_t lo, std::int64_t hi);
// Uniform real in [lo, hi).
double uniform_real(rng& r, double lo, double hi);
// True with probability p (p in [0, 1]).
bool bernoulli(rng& r, double p);
// Exponential with the given mean (> 0).
double exponential(rng& r, double mean);
// Normal (Marsaglia's polar method; uses two uniforms or more per draw, no cached state).
double normal(rng& r, double mean, double stddev);
// Lognormal: exp(normal(mu, sigma)).
double lognormal(rng& r, double mu, double sigma);
// Poisson with the given mean (>= 0): multiplication method below 12, Hörmann's PTRS above.
std::uint64_t poisson(rng& r, double mean);
// Pareto (type I) with scale xm > 0 and shape alpha > 0: values >= xm, heavy tail.
double pareto(rng& r, double xm, double alpha);

// Zipf over {1..n} with exponent s > 0: P(k) proportional to k^-s (Hörmann & Derflinger's rejection-inversion).
class zipf_distribution {
 public:
  zipf_distribution(std::uint64_t n, double s);
  std::uint64_t operator()(rng& r) const;
  std::uint64_t n() const { return n_; }
  double exponent() const { return s_; }

 private:
  double h(double x) const;
  double big_h(double x) const;
  double big_h_inverse(double x) const;
  std::uint64_t n_;
  double s_;
  double h_integral_x1_;
  double h_integral_n_;
  double threshold_;
};

// Weighted discrete choice over {0..n-1} in O(1) per draw (Vose's alias method).
class alias_table {
 public:
  alias_table() = default;
  // Weights must be finite and >= 0 with a positive sum.
  explicit alias_table(std::span<const double> weights);
  std::size_t operator()(rng& r) const;
  std::size_t size() const { return prob_.size(); }
  // The normalised probability of outcome i (for tests and reports).
  double probability(std::size_t i) const { return p_[i]; }

 private:
  std::vector<double> prob_;
  std::vector<std::uint32_t> alias_;
  std::vector<double> p_;
};

}  // namespace pushsim::sim
