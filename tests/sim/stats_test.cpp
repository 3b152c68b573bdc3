#include "pushsim/sim/stats.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "pushsim/sim/random.hpp"

using namespace pushsim;
using namespace pushsim::sim;
using namespace std::chrono_literals;

TEST(RunningStats, MeanVarianceMinMax) {
  running_stats s;
  for (double x : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0}) s.add(x);
  EXPECT_EQ(s.count(), 8u);
  EXPECT_DOUBLE_EQ(s.mean(), 5.0);
  EXPECT_NEAR(s.variance(), 32.0 / 7.0, 1e-12);
  EXPECT_EQ(s.min(), 2.0);
  EXPECT_EQ(s.max(), 9.0);
}

TEST(RunningStats, MergeEqualsOnePass) {
  rng r(1);
  running_stats all, a, b;
  for (int i = 0; i < 1000; ++i) {
    const double x = normal(r, 3, 2);
    all.add(x);
    (i % 3 ? a : b).add(x);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_NEAR(a.mean(), all.mean(), 1e-12);
  EXPECT_NEAR(a.variance(), all.variance(), 1e-9);
}

TEST(LogHistogram, QuantilesWithinTheStatedRelativeError) {
  rng r(2);
  log_histogram h;
  std::vector<double> values;
  for (int i = 0; i < 100000; ++i) {
    const double v = lognormal(r, 3.0, 1.5);
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.01, 0.5, 0.9, 0.99, 0.999}) {
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size()))) - 1;
    const double exact = values[rank];
    EXPECT_LE(std::fabs(h.quantile(q) - exact) / exact, h.relative_error()) << q;
  }
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.quantile(1.0), values.back());
  EXPECT_EQ(h.min(), values.front());
  EXPECT_LT(h.relative_error(), 0.004);
}

TEST(LogHistogram, HandlesZerosWideRangesAndMerge) {
  log_histogram a, b;
  a.record(0.0, 10);
  a.record(1e-6);
  b.record(1e9, 5);
  b.record(3.0);
  a.merge(b);
  EXPECT_EQ(a.count(), 17u);
  EXPECT_EQ(a.p50(), 0.0);
  EXPECT_NEAR(a.quantile(0.64), 1e-6, 1e-6 * a.relative_error());
  EXPECT_NEAR(a.quantile(0.7), 3.0, 3.0 * a.relative_error());
  EXPECT_NEAR(a.p99(), 1e9, 1e9 * a.relative_error());
  EXPECT_EQ(a.max(), 1e9);
  log_histogram empty;
  EXPECT_EQ(empty.p99(), 0.0);
}

TEST(TimeWeightedAverage, AveragesAPiecewiseConstantValue) {
  const time_point t0 = from_us(0);
  time_weighted_average jobs(t0);
  jobs.set(t0 + 10s, 4.0);  // 0 for 10 s
  jobs.set(t0 + 20s, 2.0);  // 4 for 10 s
  EXPECT_DOUBLE_EQ(jobs.average(t0 + 40s), (0 * 10 + 4 * 10 + 2 * 20) / 40.0);
  EXPECT_EQ(jobs.max(), 4.0);
  EXPECT_EQ(jobs.value(), 2.0);
}
