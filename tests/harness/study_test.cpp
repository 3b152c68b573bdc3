#include "pushsim/harness/study.hpp"
#include "pushsim/harness/backtest_tally.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "pushsim/harness/scenario_file.hpp"
#include "pushsim/harness/world.hpp"

using namespace pushsim::harness;

namespace {

// The default scenario reduced to a known answer: `count` Active orgs on 2.3.1, no customizations, no
// maintenance failures, no locks, no API faults, no gates, one wave, no windows: each push attempt fails with
// probability `noise` alone (rule F9), so an org fails with probability noise^max_attempts. `extra` overrides
// apply after these.
scenario known_answer(int count, double noise, int max_attempts, const std::vector<json_override>& extra = {}) {
  std::vector<json_override> o;
  const auto set = [&](const char* pointer, nlohmann::json v) {
    o.push_back({nlohmann::json::json_pointer(pointer), std::move(v)});
  };
  set("/population/count", count);
  set("/population/mix/status", {{"Active", 1}});
  set("/population/mix/installed_version", {{"2.3.1", 1}});
  set("/population/mix/push_blocked", 0);
  set("/population/mix/always_fails", 0);
  set("/population/customization",
      nlohmann::json::parse(R"({"validation_rule": {"default": 0}, "trigger": {"default": 0},
      "flow": {"default": 0}, "custom_fields": {"default": 0}, "integration": {"default": 0}})"));
  set("/platform", {{"noise",
                     {{"unclassified_rate", noise},
                      {"lock_base_rate", 0},
                      {"lock_rate_per_active_user", 0},
                      {"maintenance_fails_jobs", false},
                      {"post_install_cpu_budget_s", 1e6}}}});
  set("/plan/retry/max_attempts", max_attempts);
  set("/plan/gates", nlohmann::json::object());
  set("/plan/waves", nlohmann::json::parse(R"([{"name": "all"}])"));
  set("/plan/windows", nlohmann::json::object());
  set("/expect", nlohmann::json::object());
  o.insert(o.end(), extra.begin(), extra.end());
  auto loaded = load_default_scenario(scenario_overrides{o, std::nullopt});
  EXPECT_TRUE(loaded.value) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
  return *loaded.value;
}

std::size_t metric_index(const std::string& name) {
  const auto& ms = study_metrics();
  for (std::size_t i = 0; i < ms.size(); ++i) {
    if (ms[i].name == name) return i;
  }
  ADD_FAILURE() << "no study metric " << name;
  return 0;
}

const metric_summary& summary_of(const std::vector<metric_summary>& all, const std::string& name) {
  return all[metric_index(name)];
}

study_result study(const replication_setup& setup, std::uint64_t replications, unsigned jobs,
                   double confidence = 0.95) {
  study_options o;
  o.replications = replications;
  o.jobs = jobs;
  o.confidence = confidence;
  return run_study(setup, o);
}

}  // namespace

TEST(ReplicationSeed, DependsOnRootAndIndexOnly) {
  EXPECT_EQ(replication_seed(20261127, 0), replication_seed(20261127, 0));
  EXPECT_NE(replication_seed(20261127, 0), replication_seed(20261127, 1));
  EXPECT_NE(replication_seed(20261127, 0), replication_seed(20261128, 0));
  // Golden: a change here changes every published study.
  EXPECT_EQ(replication_seed(20261127, 0), 674386425931911820u);
}

TEST(Replications, RowsDoNotDependOnThreadsOrRanges) {
  const replication_setup setup{{{"p", known_answer(60, 0.2, 1), ""}}, 11, vary_mode::population};
  const auto one = run_replications(setup, 0, 9, 1);
  const auto three = run_replications(setup, 0, 9, 3);
  const auto tail = run_replications(setup, 4, 5, 2);
  ASSERT_EQ(one.rows.size(), 9u);
  for (std::size_t i = 0; i < 9; ++i) {
    EXPECT_EQ(one.rows[i].seed, three.rows[i].seed);
    EXPECT_EQ(one.rows[i].digest, three.rows[i].digest);
    EXPECT_EQ(one.rows[i].values, three.rows[i].values);
  }
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(tail.rows[i].digest, one.rows[4 + i].digest);
  // Accumulators of [0, 4) and [4, 9) merged in order equal the one of [0, 9), to the bit.
  study_accumulator whole(1), head(1), rest(1);
  whole.add(one.rows);
  head.add(std::vector<replication_row>(one.rows.begin(), one.rows.begin() + 4));
  rest.add(tail.rows);
  head.merge(rest);
  EXPECT_EQ(head.digest_hex(), whole.digest_hex());
  const auto a = whole.summarize_plan(0, 0.95), b = head.summarize_plan(0, 0.95);
  for (std::size_t m = 0; m < a.size(); ++m) {
    EXPECT_EQ(a[m].sample.mean, b[m].sample.mean) << a[m].metric;
    EXPECT_EQ(a[m].sample.ci.high, b[m].sample.ci.high) << a[m].metric;
  }
}

TEST(Study, IdenticalPlansDifferByExactlyZero) {
  const auto doc = known_answer(80, 0.3, 2);
  const replication_setup setup{{{"a", doc, ""}, {"b", doc, ""}}, 5, vary_mode::population};
  const auto r = study(setup, 12, 2);
  const auto comparisons = r.accumulator.compare(0.95);
  ASSERT_EQ(comparisons.size(), study_metrics().size());
  for (const auto& c : comparisons) {
    if (c.difference.n == 0) continue;  // a metric neither plan had (e.g. no detection delay)
    EXPECT_EQ(c.difference.mean, 0.0) << c.metric;
    EXPECT_EQ(c.difference.sd, 0.0) << c.metric;
    EXPECT_EQ(c.difference.ci.low, 0.0) << c.metric;
    EXPECT_EQ(c.difference.ci.high, 0.0) << c.metric;
    EXPECT_FALSE(c.significant) << c.metric;
  }
}

TEST(Study, ResultsDoNotDependOnJobs) {
  const replication_setup setup{{{"a", known_answer(50, 0.1, 1), ""}}, 3, vary_mode::population};
  const auto one = study(setup, 25, 1), two = study(setup, 25, 2);
  EXPECT_EQ(one.accumulator.digest_hex(), two.accumulator.digest_hex());
  EXPECT_EQ(summary_of(one.accumulator.summarize_plan(0, 0.95), "orgs_failed").sample.ci.low,
            summary_of(two.accumulator.summarize_plan(0, 0.95), "orgs_failed").sample.ci.low);
}

TEST(Study, KnownAnswerOneAttemptFailsShareP) {
  // 200 orgs, p = 0.1, one attempt: orgs_failed ~ Binomial(200, 0.1), mean 20.
  const replication_setup setup{{{"a", known_answer(200, 0.1, 1), ""}}, 42, vary_mode::population};
  const auto s = summary_of(study(setup, 100, 2).accumulator.summarize_plan(0, 0.95), "orgs_failed").sample;
  EXPECT_TRUE(s.ci.contains(20.0)) << s.ci.low << " " << s.ci.high;
  EXPECT_NEAR(s.mean / 200.0, 0.1, 0.01);
  // Binomial sd: sqrt(200 * 0.1 * 0.9) = 4.24.
  EXPECT_NEAR(s.sd, 4.24, 0.8);
}

TEST(Study, KnownAnswerKAttemptsFailShareToTheK) {
  // p = 0.3, three attempts (UnclassifiedError is retried): p^3 = 0.027 of 400 orgs = 10.8.
  const replication_setup setup{{{"a", known_answer(400, 0.3, 3), ""}}, 43, vary_mode::population};
  const auto s = summary_of(study(setup, 100, 2).accumulator.summarize_plan(0, 0.95), "orgs_failed").sample;
  EXPECT_TRUE(s.ci.contains(10.8)) << s.ci.low << " " << s.ci.high;
  EXPECT_NEAR(s.mean / 400.0, 0.027, 0.004);
}

TEST(Study, NinetyFivePercentIntervalsCoverTheTrueMean) {
  // 100 studies of 20 replications on fixed seeds, true mean 10 (Binomial(100, 0.1)). With 100 intervals at
  // 95%, the coverage count is ~Binomial(100, 0.95): the band [88, 100] holds it with probability > 0.999.
  const auto doc = known_answer(100, 0.1, 1);
  int covered = 0;
  for (std::uint64_t root = 1; root <= 100; ++root) {
    const replication_setup setup{{{"a", doc, ""}}, root, vary_mode::population};
    const auto s = summary_of(study(setup, 20, 2).accumulator.summarize_plan(0, 0.95), "orgs_failed").sample;
    covered += s.ci.contains(10.0) ? 1 : 0;
  }
  RecordProperty("intervals_covering_the_true_mean", covered);
  EXPECT_GE(covered, 88);
  EXPECT_LE(covered, 100);
}

TEST(Study, VaryPlatformKeepsThePopulation) {
  const auto doc = known_answer(
      120, 0.1, 1, {{nlohmann::json::json_pointer("/population/mix/status"), {{"Active", 0.8}, {"Inactive", 0.2}}}});
  const auto targeted = [&](vary_mode v) {
    const replication_setup setup{{{"a", doc, ""}}, 9, v};
    return summary_of(study(setup, 10, 2).accumulator.summarize_plan(0, 0.95), "orgs_targeted").sample;
  };
  EXPECT_EQ(targeted(vary_mode::platform).sd, 0.0);  // the same orgs every replication
  EXPECT_GT(targeted(vary_mode::population).sd, 0.0);
}

TEST(Study, PrecisionStopsAtTheFirstBatchWithinTheTarget) {
  const replication_setup setup{{{"a", known_answer(100, 0.1, 1), ""}}, 5, vary_mode::population};
  study_options o;
  o.replications = 1000;
  o.precision = 0.5;
  o.batch = 20;
  o.jobs = 2;
  const auto r = run_study(setup, o);
  EXPECT_TRUE(r.precision_reached);
  EXPECT_LT(r.accumulator.replications(), 1000u);
  EXPECT_EQ(r.accumulator.replications() % 20, 0u);
  EXPECT_TRUE(r.imprecise.empty());
}

TEST(Study, PrecisionNotReachedSaysWhichMetricsMetIt) {
  const replication_setup setup{{{"a", known_answer(100, 0.1, 1), ""}}, 5, vary_mode::population};
  study_options o;
  o.replications = 40;
  o.precision = 0.05;
  o.batch = 20;
  const auto r = run_study(setup, o);
  EXPECT_FALSE(r.precision_reached);
  EXPECT_EQ(r.accumulator.replications(), 40u);
  // The failed count varies with the noise: about 10 +- 3 of 100 orgs, a half-width near 10% after 40 replications.
  EXPECT_NE(std::find(r.imprecise.begin(), r.imprecise.end(), "orgs_failed"), r.imprecise.end());
  std::size_t numeric = 0;
  for (const auto& m : study_metrics()) numeric += m.boolean ? 0 : 1;
  EXPECT_EQ(r.precise.size() + r.imprecise.size(), numeric);
}

namespace {

// The keys of the population every replication of a --vary platform study of `s` rooted at `root` shares.
std::vector<pushsim::mock_org::org_key> population_keys(scenario s, std::uint64_t root) {
  s.population_seed = root;
  const auto w = build_world(s);
  std::vector<pushsim::mock_org::org_key> keys;
  for (std::size_t i = 0; i < w->orgs->size(); ++i)
    keys.push_back(w->orgs->key(static_cast<pushsim::mock_org::org_index>(i)));
  return keys;
}

// A --vary platform study of `setup` with a backtest tally of `keys` attached.
std::vector<double> tallied_study(const replication_setup& setup, backtest_tally& tally, std::uint64_t replications,
                                  unsigned jobs) {
  study_options o;
  o.replications = replications;
  o.jobs = jobs;
  o.inspect = [&](std::uint64_t index, std::size_t, const world& w) { tally.add(index, w); };
  return run_study(setup, o).accumulator.sample(0, metric_index("orgs_failed")).values();
}

}  // namespace

TEST(BacktestTally, CountsEachOrgsFailuresAsTheStudyCountsThem) {
  // 200 orgs, one attempt failing with p = 0.1 (UnclassifiedError only).
  const replication_setup setup{{{"a", known_answer(200, 0.1, 1), ""}}, 42, vary_mode::platform};
  const auto keys = population_keys(setup.plans[0].loaded, 42);
  ASSERT_EQ(keys.size(), 200u);
  backtest_tally tally(keys, 0, 60);
  const auto orgs_failed = tallied_study(setup, tally, 60, 2);
  // Per replication the tally's failed count is the run's orgs_failed; each org's share sums to the same total.
  EXPECT_EQ(tally.failed_counts(), orgs_failed);
  EXPECT_EQ(tally.failed_counts(pushsim::mock_org::error_type::unclassified_error), orgs_failed);
  EXPECT_EQ(tally.failed_counts(pushsim::mock_org::error_type::locking_failure), std::vector<double>(60, 0.0));
  double expected_failures = 0.0, total = 0.0;
  for (std::size_t i = 0; i < keys.size(); ++i) expected_failures += tally.failure_probability(i) * 60.0;
  for (const double v : orgs_failed) total += v;
  EXPECT_NEAR(expected_failures, total, 1e-6);
  EXPECT_NEAR(total / (60.0 * 200.0), 0.1, 0.02);
}

TEST(BacktestTally, DoesNotDependOnThreadsAndCountsOnlyItsOrgs) {
  const replication_setup setup{{{"a", known_answer(120, 0.2, 1), ""}}, 7, vary_mode::platform};
  auto keys = population_keys(setup.plans[0].loaded, 7);
  keys.resize(30);
  backtest_tally one(keys, 0, 20), three(keys, 0, 20);
  const auto all_failed = tallied_study(setup, one, 20, 1);
  tallied_study(setup, three, 20, 3);
  EXPECT_EQ(one.failed_counts(), three.failed_counts());
  for (std::size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(one.failure_probability(i), three.failure_probability(i));
  double subset = 0.0, all = 0.0;
  for (std::size_t r = 0; r < 20; ++r) {
    EXPECT_LE(one.failed_counts()[r], all_failed[r]);
    subset += one.failed_counts()[r];
    all += all_failed[r];
  }
  EXPECT_GT(subset, 0.0);
  EXPECT_LT(subset, all);  // 30 of 120 orgs
}

TEST(BacktestTally, CountsOrgsNoJobOfWhichRan) {
  // Every org blocks pushes: Salesforce refuses each job, so no org of the set is pushed and none fails.
  const auto doc = known_answer(40, 0.2, 1, {{nlohmann::json::json_pointer("/population/mix/push_blocked"), 1}});
  const replication_setup setup{{{"a", doc, ""}}, 3, vary_mode::platform};
  const auto keys = population_keys(setup.plans[0].loaded, 3);
  backtest_tally blocked(keys, 0, 5);
  tallied_study(setup, blocked, 5, 2);
  EXPECT_DOUBLE_EQ(blocked.not_pushed_mean(), 40.0);
  EXPECT_EQ(blocked.failed_counts(), std::vector<double>(5, 0.0));
  const replication_setup open{{{"a", known_answer(40, 0.2, 1), ""}}, 3, vary_mode::platform};
  backtest_tally pushed(population_keys(open.plans[0].loaded, 3), 0, 5);
  tallied_study(open, pushed, 5, 2);
  EXPECT_DOUBLE_EQ(pushed.not_pushed_mean(), 0.0);
}
