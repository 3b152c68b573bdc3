#include "pushsim/sim/confidence.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace pushsim::sim;

// Reference values: published t and normal tables (more digits than any table prints come from the scipy
// cross-check, tests/harness/study_scipy_check.py).
TEST(Confidence, NormalQuantileMatchesTheTable) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-12);
  EXPECT_NEAR(normal_quantile(0.95), 1.6448536269514722, 1e-12);
  EXPECT_NEAR(normal_quantile(0.025), -1.959963984540054, 1e-12);
  EXPECT_EQ(normal_quantile(0.5), 0.0);
}

TEST(Confidence, StudentTQuantileMatchesTheTable) {
  EXPECT_NEAR(student_t_quantile(0.975, 1), 12.706204736174707, 1e-9);
  EXPECT_NEAR(student_t_quantile(0.975, 7), 2.3646242515927849, 1e-10);
  EXPECT_NEAR(student_t_quantile(0.975, 10), 2.2281388519649385, 1e-10);
  EXPECT_NEAR(student_t_quantile(0.95, 30), 1.6972608865939587, 1e-10);
  EXPECT_NEAR(student_t_quantile(0.025, 10), -2.2281388519649385, 1e-10);
  // Large df tends to the normal quantile.
  EXPECT_NEAR(student_t_quantile(0.975, 1e7), 1.959963984540054, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.975, 99999), student_t_quantile(0.975, 100001), 1e-8);
}

TEST(Confidence, TIntervalByHand) {
  // mean 5, sd 2, n 8 at 95%: 5 +- 2.3646242515927849 * 2 / sqrt(8).
  const auto ci = t_interval(5.0, 2.0, 8, 0.95);
  const double half = 2.3646242515927849 * 2.0 / std::sqrt(8.0);
  EXPECT_NEAR(ci.low, 5.0 - half, 1e-10);
  EXPECT_NEAR(ci.high, 5.0 + half, 1e-10);
  // One value: no spread, a point.
  const auto one = t_interval(3.0, 0.0, 1, 0.95);
  EXPECT_EQ(one.low, 3.0);
  EXPECT_EQ(one.high, 3.0);
}

TEST(Confidence, WilsonIntervalByHand) {
  // 5 of 10 at 95%: center 0.5, half z / (1 + z^2/n) * sqrt(0.25 / n + z^2 / (4 n^2)).
  const double z = 1.959963984540054;
  const double half = z / (1 + z * z / 10) * std::sqrt(0.025 + z * z / 400);
  const auto ci = wilson_interval(5, 10, 0.95);
  EXPECT_NEAR(ci.low, 0.5 - half, 1e-12);
  EXPECT_NEAR(ci.high, 0.5 + half, 1e-12);
  // 0 of 20: the interval starts at 0 and is not empty (unlike the Wald interval).
  const auto none = wilson_interval(0, 20, 0.95);
  EXPECT_EQ(none.low, 0.0);
  EXPECT_NEAR(none.high, z * z / 20 / (1 + z * z / 20), 1e-12);
}
