#include "pushsim/harness/backtest_score.hpp"

#include <gtest/gtest.h>

namespace pushsim::harness {
namespace {

std::vector<org_forecast> four_orgs() {
  return {{"00D000000000001", 0.9, true},
          {"00D000000000002", 0.2, false},
          {"00D000000000003", 0.5, true},
          {"00D000000000004", 0.0, false}};
}

TEST(BacktestScore, BrierIsTheMeanSquaredDistanceToWhatHappened) {
  // (0.1^2 + 0.2^2 + 0.5^2 + 0^2) / 4
  EXPECT_DOUBLE_EQ(brier_score(four_orgs()), 0.075);
  EXPECT_DOUBLE_EQ(brier_score({}), 0.0);
}

TEST(BacktestScore, ReferenceForecastsTheObservedShareForEveryOrg) {
  EXPECT_DOUBLE_EQ(brier_reference(four_orgs()), 0.25);  // share 1/2: 1/2 * 1/2
  const std::vector<org_forecast> one_in_four = {{"a", 0, true}, {"b", 0, false}, {"c", 0, false}, {"d", 0, false}};
  EXPECT_DOUBLE_EQ(brier_reference(one_in_four), 0.1875);  // 1/4 * 3/4
}

TEST(BacktestScore, SkillComparesWithTheReference) {
  const auto s = score_backtest(2, {1.0, 2.0, 3.0}, {}, four_orgs());
  ASSERT_TRUE(s.brier_skill.has_value());
  EXPECT_DOUBLE_EQ(*s.brier_skill, 1.0 - 0.075 / 0.25);
  const std::vector<org_forecast> none_failed = {{"a", 0.1, false}, {"b", 0.3, false}};
  EXPECT_FALSE(score_backtest(0, {0.0}, {}, none_failed).brier_skill.has_value());  // reference 0: no skill
}

TEST(BacktestScore, ReliabilityBinsOrgsByPredictedProbability) {
  const std::vector<org_forecast> orgs = {
      {"a", 0.05, false}, {"b", 0.08, true}, {"c", 0.95, true}, {"d", 1.0, true}, {"e", 0.55, false}};
  const auto table = reliability_table(orgs);
  ASSERT_EQ(table.size(), 10u);
  EXPECT_DOUBLE_EQ(table[0].low, 0.0);
  EXPECT_DOUBLE_EQ(table[0].high, 0.1);
  EXPECT_EQ(table[0].orgs, 2u);
  EXPECT_DOUBLE_EQ(table[0].mean_predicted, 0.065);
  EXPECT_DOUBLE_EQ(*table[0].observed_share, 0.5);
  EXPECT_EQ(table[5].orgs, 1u);
  EXPECT_DOUBLE_EQ(*table[5].observed_share, 0.0);
  EXPECT_EQ(table[9].orgs, 2u);  // 1.0 falls in the last bin
  EXPECT_DOUBLE_EQ(table[9].mean_predicted, 0.975);
  EXPECT_DOUBLE_EQ(*table[9].observed_share, 1.0);
  EXPECT_EQ(table[3].orgs, 0u);
  EXPECT_FALSE(table[3].observed_share.has_value());
  std::uint64_t total = 0;
  for (const auto& b : table) total += b.orgs;
  EXPECT_EQ(total, orgs.size());
}

TEST(BacktestScore, CountIsJudgedAgainstTheNinetyPercentInterval) {
  std::vector<double> predicted;
  for (int v = 100; v >= 0; --v) predicted.push_back(v);  // order of replications does not matter
  const auto at = [&](std::uint64_t actual) { return score_count("failed", actual, predicted); };
  EXPECT_DOUBLE_EQ(at(0).predicted_mean, 50.0);
  EXPECT_DOUBLE_EQ(at(0).predicted_p5, 5.0);
  EXPECT_DOUBLE_EQ(at(0).predicted_p95, 95.0);
  EXPECT_TRUE(at(5).inside);
  EXPECT_TRUE(at(95).inside);
  EXPECT_FALSE(at(4).inside);
  EXPECT_FALSE(at(96).inside);
  // Between order statistics the percentiles interpolate: position q (n - 1).
  const auto two = score_count("LockingFailure", 12, {10.0, 20.0});
  EXPECT_DOUBLE_EQ(two.predicted_p5, 10.5);
  EXPECT_DOUBLE_EQ(two.predicted_p95, 19.5);
  EXPECT_EQ(two.name, "LockingFailure");
  EXPECT_EQ(two.actual, 12u);
}

TEST(BacktestScore, EveryErrorTypeIsScored) {
  const std::vector<type_counts> types = {{"UnclassifiedError", 3, {2.0, 3.0, 4.0}}, {"PACError", 1, {0.0, 0.0, 0.0}}};
  const auto s = score_backtest(4, {2.0, 3.0, 4.0}, types, four_orgs());
  ASSERT_EQ(s.failed_by_type.size(), 2u);
  EXPECT_TRUE(s.failed_by_type[0].inside);
  EXPECT_EQ(s.failed_by_type[1].name, "PACError");
  EXPECT_FALSE(s.failed_by_type[1].inside);  // predicted never, happened once
  EXPECT_EQ(s.failed.actual, 4u);
  EXPECT_DOUBLE_EQ(s.failed.predicted_mean, 3.0);
}

}  // namespace
}  // namespace pushsim::harness
