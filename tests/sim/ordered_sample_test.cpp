#include "pushsim/sim/ordered_sample.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace pushsim::sim;

TEST(OrderedSample, SummaryByHand) {
  ordered_sample s;
  for (double x : {9.0, 2.0, 4.0, 5.0, 4.0, 7.0, 4.0, 5.0}) s.add(x);
  const auto sum = s.summary(0.95);
  EXPECT_EQ(sum.n, 8u);
  EXPECT_DOUBLE_EQ(sum.mean, 5.0);
  EXPECT_NEAR(sum.sd, std::sqrt(32.0 / 7.0), 1e-12);
  const double half = 2.3646242515927849 * std::sqrt(32.0 / 7.0) / std::sqrt(8.0);
  EXPECT_NEAR(sum.ci.low, 5.0 - half, 1e-10);
  EXPECT_NEAR(sum.ci.high, 5.0 + half, 1e-10);
  EXPECT_EQ(sum.min, 2.0);
  EXPECT_EQ(sum.max, 9.0);
  // Sorted 2 4 4 4 5 5 7 9; positions q * 7: p5 at 0.35, p50 at 3.5, p95 at 6.65.
  EXPECT_NEAR(sum.p5, 2.7, 1e-12);
  EXPECT_NEAR(sum.p50, 4.5, 1e-12);
  EXPECT_NEAR(sum.p95, 8.3, 1e-12);
  EXPECT_NEAR(sum.relative_half_width(), half / 5.0, 1e-12);
}

TEST(OrderedSample, ProportionCountsNonZeroValues) {
  ordered_sample s;
  for (double x : {1.0, 0.0, 1.0, 1.0, 0.0}) s.add(x);
  const auto p = s.proportion(0.95);
  EXPECT_EQ(p.n, 5u);
  EXPECT_EQ(p.successes, 3u);
  EXPECT_DOUBLE_EQ(p.proportion, 0.6);
  EXPECT_TRUE(p.ci.contains(0.6));
}

TEST(OrderedSample, AnySplitMergedInOrderIsBitIdentical) {
  ordered_sample whole;
  std::vector<ordered_sample> parts(3);
  for (int i = 0; i < 100; ++i) {
    const double x = std::sin(i) * 1e3 + 1.0 / (i + 1);
    whole.add(x);
    parts[i < 17 ? 0 : i < 60 ? 1 : 2].add(x);
  }
  ordered_sample merged = parts[0];
  merged.merge(parts[1]);
  merged.merge(parts[2]);
  const auto a = whole.summary(0.9), b = merged.summary(0.9);
  EXPECT_EQ(a.mean, b.mean);
  EXPECT_EQ(a.sd, b.sd);
  EXPECT_EQ(a.ci.low, b.ci.low);
  EXPECT_EQ(a.p95, b.p95);
}

TEST(OrderedSample, EmptyAndSingleValue) {
  ordered_sample s;
  EXPECT_EQ(s.summary(0.95).n, 0u);
  s.add(4.0);
  const auto one = s.summary(0.95);
  EXPECT_EQ(one.mean, 4.0);
  EXPECT_EQ(one.sd, 0.0);
  EXPECT_EQ(one.p5, 4.0);
  EXPECT_EQ(one.relative_half_width(), 0.0);
}
