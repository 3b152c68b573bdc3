#include "pushsim/harness/study_expectations.hpp"

#include <gtest/gtest.h>

using namespace pushsim::harness;

TEST(StudyExpectations, ParsesStatisticalEntriesAndLeavesSingleRunOnesToRun) {
  const auto j = nlohmann::json::parse(R"({"blast_radius_orgs": {"mean_max": 25, "p95_max": 40},
      "halted": {"probability_min": 0.9}, "orgs_failed": {"max": 3}, "deadline_met": true})");
  const auto r = parse_study_expectations(j, "s.json");
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.value.size(), 3u);
  EXPECT_EQ(r.value[0].key, "mean_max");
  EXPECT_EQ(r.value[2].metric, "halted");
}

TEST(StudyExpectations, UnknownKeysAndMetricsNameTheirPointer) {
  const auto j = nlohmann::json::parse(R"({"blast_radius_orgs": {"mean_max": 25, "mean_maxx": 3},
      "halted": {"probability_min": 0.9, "mean_max": 1}, "no_such": {"mean_max": 1}})");
  const auto r = parse_study_expectations(j, "s.json");
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].pointer, "/expect/blast_radius_orgs/mean_maxx");
  EXPECT_EQ(r.errors[1].pointer, "/expect/halted/mean_max");
  EXPECT_EQ(r.errors[2].pointer, "/expect/no_such");
}

TEST(StudyExpectations, ChecksMeansPercentilesAndProportions) {
  std::vector<metric_summary> s(study_metrics().size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    s[i].metric = study_metrics()[i].name;
    s[i].boolean = study_metrics()[i].boolean;
    if (s[i].metric == "blast_radius_orgs") {
      s[i].sample.n = 10;
      s[i].sample.mean = 20;
      s[i].sample.p95 = 45;
    }
    if (s[i].metric == "halted") {
      s[i].proportion.n = 10;
      s[i].proportion.proportion = 0.95;
    }
  }
  const std::vector<study_expectation> e{{"blast_radius_orgs", "mean_max", 25}, {"blast_radius_orgs", "p95_max", 40},
                                         {"halted", "probability_min", 0.9}, {"orgs_failed", "mean_max", 1}};
  const auto r = check_study_expectations(e, s, "plan");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_TRUE(r[0].passed);
  EXPECT_FALSE(r[1].passed);
  EXPECT_EQ(r[1].expected, "p95 <= 40");
  EXPECT_TRUE(r[2].passed);
  EXPECT_FALSE(r[3].passed);  // no values
  EXPECT_EQ(r[3].actual, "missing");
}

TEST(StudySection, RefusesOutOfRangeValuesByPointer) {
  const auto r = parse_study_section(nlohmann::json::parse(R"({"replications": 1, "confidence": 0.9999,
      "vary": "orgs", "extra": 1})"), "s.json");
  ASSERT_EQ(r.errors.size(), 4u);
  EXPECT_EQ(r.errors[0].pointer, "/study/confidence");
  const auto ok = parse_study_section(nlohmann::json::parse(R"({"replications": 50, "vary": "platform"})"), "s.json");
  EXPECT_TRUE(ok.errors.empty());
  EXPECT_EQ(*ok.value.replications, 50u);
  EXPECT_EQ(*ok.value.vary, vary_mode::platform);
}
