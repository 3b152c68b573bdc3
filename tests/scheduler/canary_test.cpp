#include "pushsim/scheduler/canary.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "pushsim/scheduler/canary_experiment.hpp"

using namespace pushsim::scheduler;

TEST(Canary, RandomSelectionIsDistinctAndSeeded) {
  const auto a = select_random(1000, 100, 1);
  EXPECT_EQ(std::set<std::uint32_t>(a.begin(), a.end()).size(), 100u);
  EXPECT_EQ(a, select_random(1000, 100, 1));
  EXPECT_NE(a, select_random(1000, 100, 2));
  EXPECT_EQ(select_random(5, 10, 1).size(), 5u);
}

TEST(Canary, RepresentativeCoversRareFeaturesFirst) {
  // 1000 orgs: most have feature 0; one has feature 5; two have the pair {1, 2}.
  std::vector<std::uint64_t> features(1000, 0b1);
  features[777] = 1u << 5;
  features[100] = 0b110;
  features[900] = 0b110;
  features[500] = 0b10;
  features[501] = 0b100;
  const auto chosen = select_representative(features, 4, 3);
  ASSERT_EQ(chosen.size(), 4u);
  const std::set<std::uint32_t> s(chosen.begin(), chosen.end());
  EXPECT_TRUE(s.count(777));
  EXPECT_TRUE(s.count(100) || s.count(900));
  EXPECT_EQ(chosen, select_representative(features, 4, 3));
  EXPECT_EQ(select_representative(features, 2000, 3).size(), 1000u);
  EXPECT_EQ(select_representative(std::vector<std::uint64_t>(50, 0), 10, 1).size(), 10u);
}

TEST(Canary, RepresentativeCatchesRareDefectsMoreOftenThanRandom) {
  const auto result = run_canary_experiment(120, 5000, 50, 11);
  // Random: about 1 - 0.99^50 = 40%. Representative should do much better.
  std::printf("canary catch rate over %zu seeds: representative %.3f, random %.3f, ratio %.2f\n", result.trials,
              result.representative_catch_rate, result.random_catch_rate, result.ratio());
  EXPECT_GT(result.random_catch_rate, 0.2);
  EXPECT_LT(result.random_catch_rate, 0.6);
  EXPECT_GT(result.representative_catch_rate, 1.5 * result.random_catch_rate)
      << "representative " << result.representative_catch_rate << " random " << result.random_catch_rate;
}
