#include "pushsim/harness/study_expectations.hpp"

#include <gtest/gtest.h>

#include <set>

#include "pushsim/harness/scenario_file.hpp"

using namespace pushsim::harness;

namespace {

std::set<std::string> pointers(const std::vector<pushsim::input_error>& errors) {
  std::set<std::string> out;
  for (const auto& e : errors) out.insert(e.pointer);
  return out;
}

// The built-in default scenario with `pointer` set to the JSON `value`.
load_result default_with(const char* pointer, const char* value) {
  return load_default_scenario(
      scenario_overrides{{{nlohmann::json::json_pointer(pointer), nlohmann::json::parse(value)}}, std::nullopt});
}

}  // namespace

TEST(StudyExpectations, ParsesStatisticalEntriesAndLeavesSingleRunOnesToRun) {
  const auto j = nlohmann::json::parse(R"({"blast_radius_orgs": {"mean_max": 25, "p95_max": 40},
      "halted": {"probability_min": 0.9}, "orgs_failed": {"max": 3}, "deadline_met": true})");
  std::vector<pushsim::input_error> errors;
  pushsim::json_reader r("s.json", errors);
  const auto e = parse_study_expectations(j, r, "/expect");
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].key, "mean_max");
  EXPECT_EQ(e[2].metric, "halted");
}

TEST(StudyExpectations, UnknownKeysAndMetricsNameTheirPointer) {
  const auto j = nlohmann::json::parse(R"({"blast_radius_orgs": {"mean_max": 25, "mean_maxx": 3},
      "halted": {"probability_min": 0.9, "mean_max": 1}, "no_such": {"mean_max": 1}})");
  std::vector<pushsim::input_error> errors;
  pushsim::json_reader r("s.json", errors);
  (void)parse_study_expectations(j, r, "/expect");
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].pointer, "/expect/blast_radius_orgs/mean_maxx");
  EXPECT_EQ(errors[1].pointer, "/expect/halted/mean_max");
  EXPECT_EQ(errors[2].pointer, "/expect/no_such");
}

TEST(StudyExpectations, TheLoaderKeepsStatisticalAndSingleRunEntriesApart) {
  const auto loaded = default_with("/expect", R"({"blast_radius_orgs": {"mean_max": 25}, "halted": false})");
  ASSERT_TRUE(loaded.value) << loaded.errors.front().to_string();
  ASSERT_EQ(loaded.value->study_expect.size(), 1u);
  EXPECT_EQ(loaded.value->study_expect[0].bound, 25.0);
  ASSERT_EQ(loaded.value->expect.size(), 1u);  // `run` checks only this one
  EXPECT_EQ(loaded.value->expect[0].metric, "halted");
  const auto bad = default_with("/expect", R"({"halted": {"probability_min": 0.9, "p95_max": 1}})");
  EXPECT_FALSE(bad.value);
  EXPECT_EQ(pointers(bad.errors), std::set<std::string>{"/expect/halted/p95_max"});
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
  const std::vector<study_expectation> e{{"blast_radius_orgs", "mean_max", 25},
                                         {"blast_radius_orgs", "p95_max", 40},
                                         {"halted", "probability_min", 0.9},
                                         {"orgs_failed", "mean_max", 1}};
  const auto r = check_study_expectations(e, s, "plan");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_TRUE(r[0].passed);
  EXPECT_FALSE(r[1].passed);
  EXPECT_EQ(r[1].expected, "p95 <= 40");
  EXPECT_TRUE(r[2].passed);
  EXPECT_FALSE(r[3].passed);  // no values
  EXPECT_EQ(r[3].actual, "missing");
}

TEST(StudySection, TheLoaderRefusesOutOfRangeValuesByPointer) {
  const auto bad = default_with("/study", R"({"replications": 1, "confidence": 0.9999, "vary": "orgs", "extra": 1})");
  EXPECT_FALSE(bad.value);
  EXPECT_EQ(pointers(bad.errors),
            (std::set<std::string>{"/study/replications", "/study/confidence", "/study/vary", "/study/extra"}));
  const auto ok = default_with("/study", R"({"replications": 50, "vary": "platform"})");
  ASSERT_TRUE(ok.value) << ok.errors.front().to_string();
  EXPECT_EQ(*ok.value->study.replications, 50u);
  EXPECT_EQ(*ok.value->study.vary, vary_mode::platform);
  EXPECT_FALSE(ok.value->study.confidence);
}
