// Calibration from push history: a hand-made history with known counts gives the noise rate and its Wilson
// interval (checked against the interval computed by hand), rates per ErrorType, the orgs pinned as always
// failing, the lock rate fitted against users, and a platform section the scenario loader takes unchanged.
#include "pushsim/harness/calibration.hpp"

#include <gtest/gtest.h>

#include <cstdio>

#include "pushsim/harness/scenario_file.hpp"
#include "pushsim/mock_org/salesforce_id.hpp"

using namespace pushsim;
using namespace pushsim::harness;
using mock_org::error_type;
using mock_org::push_status;

namespace {

// Builds a history job by job; every job its own org unless an org number is given.
class history_builder {
 public:
  // A job of org `org` pushed at `time_s`, with these error types (none: Succeeded unless `failed`).
  void job(std::uint32_t org, std::int64_t time_s, push_status status, const std::vector<error_type>& errors = {},
           const std::string& message = "") {
    const auto id = *mock_org::parse_record_id(mock_org::push_job_prefix,
                                               mock_org::make_id(mock_org::push_job_prefix, h.jobs.size() + 1));
    char key[16];
    std::snprintf(key, sizeof key, "00D%012u", org);
    h.jobs.push_back(
        {id, std::nullopt, *mock_org::parse_org_key(key), org, status, from_us(time_s * 1'000'000), std::nullopt});
    for (const auto e : errors) h.errors.push_back({id, e, "Error", "", message});
    while (orgs.size() <= org) orgs.emplace_back();
    orgs[org].key = h.jobs.back().org;
  }
  // `n` single-push orgs from `first`, each Failed with `e` (Succeeded when e is empty).
  void many(std::uint32_t first, std::uint32_t n, std::optional<error_type> e) {
    for (std::uint32_t i = 0; i < n; ++i) {
      if (e) job(first + i, 100, push_status::failed, {*e});
      else job(first + i, 100, push_status::succeeded);
    }
  }
  mock_org::push_history h;
  std::vector<mock_org::imported_org> orgs;
};

// 200 ended jobs of 200 orgs: 10 UnclassifiedError, 4 DeployError (one of them also an ApexTestFailure), one
// failed with no error row, 185 succeeded (one with a warning row); and 2 canceled jobs.
history_builder two_hundred_jobs() {
  history_builder b;
  b.many(0, 10, error_type::unclassified_error);
  b.many(10, 3, error_type::deploy_error);
  b.job(13, 100, push_status::failed, {error_type::deploy_error, error_type::apex_test_failure});
  b.job(14, 100, push_status::failed);
  b.many(15, 184, std::nullopt);
  b.job(199, 100, push_status::succeeded, {error_type::deploy_error});  // a warning row: no failure
  b.job(200, 100, push_status::canceled);
  b.job(201, 100, push_status::canceled);
  return b;
}

}  // namespace

TEST(Calibration, NoiseIsTheUnclassifiedShareOfEndedJobsWithItsWilsonInterval) {
  const auto b = two_hundred_jobs();
  const auto fit = fit_calibration(b.h, b.orgs, 2);
  ASSERT_TRUE(fit.value) << fit.error;
  const calibration& c = *fit.value;
  EXPECT_EQ(c.jobs, 202u);
  EXPECT_EQ(c.jobs_ended, 200u);
  EXPECT_EQ(c.jobs_failed, 15u);
  EXPECT_EQ(c.failed_without_error, 1u);
  EXPECT_EQ(c.noise.count, 10u);
  EXPECT_EQ(c.noise.n, 200u);
  EXPECT_DOUBLE_EQ(c.noise.rate(), 0.05);
  // Wilson 95% for 10/200 by hand: (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n), z = 1.959964:
  // 0.027383 .. 0.089578.
  EXPECT_NEAR(c.noise.ci95.low, 0.027383, 1e-6);
  EXPECT_NEAR(c.noise.ci95.high, 0.089578, 1e-6);
  const auto& deploy = c.by_error_type[static_cast<std::size_t>(error_type::deploy_error)];
  EXPECT_EQ(deploy.count, 4u);
  EXPECT_NEAR(deploy.ci95.low, 0.007804, 1e-6);  // Wilson 4/200 by hand
  EXPECT_NEAR(deploy.ci95.high, 0.050287, 1e-6);
  EXPECT_EQ(c.by_error_type[static_cast<std::size_t>(error_type::apex_test_failure)].count, 1u);
  EXPECT_EQ(c.by_error_type[static_cast<std::size_t>(error_type::locking_failure)].count, 0u);
}

TEST(Calibration, OrgsFailingTheirLastKPushesArePinnedAndLeftOutOfTheNoise) {
  auto b = two_hundred_jobs();
  // Org 300: succeeded, then failed twice (listed out of time order); org 301 failed then succeeded.
  b.job(300, 3000, push_status::failed, {error_type::unclassified_error});
  b.job(300, 1000, push_status::succeeded);
  b.job(300, 2000, push_status::failed, {error_type::unclassified_error});
  b.job(301, 1000, push_status::failed, {error_type::unclassified_error});
  b.job(301, 2000, push_status::succeeded);
  const auto k2 = fit_calibration(b.h, b.orgs, 2);
  ASSERT_TRUE(k2.value);
  EXPECT_EQ(k2.value->orgs_pinned, 1u);
  EXPECT_EQ(k2.value->orgs_with_k_pushes, 2u);
  EXPECT_EQ(k2.value->pinned_jobs, 3u);
  EXPECT_EQ(k2.value->noise.count, 11u);  // 10 + org 301's; org 300's left out
  EXPECT_EQ(k2.value->noise.n, 202u);
  EXPECT_EQ(k2.value->by_error_type[static_cast<std::size_t>(error_type::unclassified_error)].count, 13u);
  const auto k3 = fit_calibration(b.h, b.orgs, 3);
  ASSERT_TRUE(k3.value);
  EXPECT_EQ(k3.value->orgs_pinned, 0u);  // org 300 succeeded 3 pushes ago
  EXPECT_EQ(k3.value->orgs_with_k_pushes, 1u);
}

TEST(Calibration, WhenEveryOrgIsPinnedTheNoiseHasNoEvidence) {
  history_builder b;
  b.job(0, 1000, push_status::failed, {error_type::unclassified_error});
  b.job(0, 2000, push_status::failed, {error_type::unclassified_error});
  const auto fit = fit_calibration(b.h, b.orgs, 2);
  ASSERT_TRUE(fit.value);
  EXPECT_EQ(fit.value->orgs_pinned, 1u);
  EXPECT_EQ(fit.value->noise.n, 0u);
  EXPECT_EQ(fit.value->noise.rate(), 0.0);  // not the pinned org's 100%
  EXPECT_EQ(fit.value->noise.ci95.high, 1.0);
}

TEST(Calibration, LockFailuresAreFittedAsABaseRatePlusARatePerUser) {
  history_builder b;
  // 100 orgs each at 0, 100 and 200 users with 1, 3 and 5 lock failures: rate = 0.01 + 0.0002 * users.
  const std::uint32_t users[] = {0, 100, 200};
  const std::uint32_t locks[] = {1, 3, 5};
  for (std::uint32_t g = 0; g < 3; ++g) {
    for (std::uint32_t i = 0; i < 100; ++i) {
      const std::uint32_t org = g * 100 + i;
      if (i < locks[g] && g == 1)
        b.job(org, 100, push_status::failed, {error_type::deploy_error}, "UNABLE_TO_LOCK_ROW: x");
      else if (i < locks[g]) b.job(org, 100, push_status::failed, {error_type::locking_failure});
      else b.job(org, 100, push_status::succeeded);
      b.orgs[org].users = users[g];
    }
  }
  b.job(300, 100, push_status::failed, {error_type::locking_failure});  // no user count: left out of the fit
  const auto fit = fit_calibration(b.h, b.orgs, 2);
  ASSERT_TRUE(fit.value);
  const lock_fit& l = fit.value->lock;
  EXPECT_TRUE(l.per_user_fitted);
  EXPECT_EQ(l.jobs, 300u);
  EXPECT_EQ(l.locks, 9u);  // the UNABLE_TO_LOCK_ROW messages count as locks
  EXPECT_EQ(l.jobs_no_users, 1u);
  EXPECT_NEAR(l.base_rate, 0.01, 1e-12);
  EXPECT_NEAR(l.rate_per_active_user, 0.0002, 1e-12);
  ASSERT_EQ(l.bins.size(), 2u);  // users 0-9 and 100-999 (10-99 has no job)
  EXPECT_EQ(l.bins[0].users_min, 0u);
  EXPECT_EQ(l.bins[0].locks, 1u);
  EXPECT_EQ(l.bins[1].users_min, 100u);
  EXPECT_EQ(l.bins[1].jobs, 200u);
  EXPECT_EQ(l.bins[1].locks, 8u);
}

TEST(Calibration, LocksFallingWithUsersGiveTheMeanAndNoPerUserRate) {
  history_builder b;
  b.job(0, 100, push_status::failed, {error_type::locking_failure});
  b.job(1, 100, push_status::succeeded);
  b.job(2, 100, push_status::succeeded);
  b.job(3, 100, push_status::succeeded);
  b.orgs[0].users = 1;
  b.orgs[1].users = 1;
  b.orgs[2].users = 500;
  b.orgs[3].users = 500;
  const auto fit = fit_calibration(b.h, b.orgs, 2);
  ASSERT_TRUE(fit.value);
  EXPECT_DOUBLE_EQ(fit.value->lock.base_rate, 0.25);
  EXPECT_DOUBLE_EQ(fit.value->lock.rate_per_active_user, 0.0);
}

TEST(Calibration, AHistoryWithNoEndedJobSaysSo) {
  history_builder b;
  b.job(0, 100, push_status::canceled);
  b.job(1, 100, push_status::pending);
  const auto fit = fit_calibration(b.h, b.orgs, 2);
  EXPECT_FALSE(fit.value);
  EXPECT_NE(fit.error.find("no push job in the history ended"), std::string::npos) << fit.error;
}

TEST(Calibration, ThePlatformSectionLoadsUnchangedIntoAScenario) {
  history_builder b;
  b.many(0, 3, error_type::unclassified_error);
  b.many(3, 97, std::nullopt);
  const auto fit = fit_calibration(b.h, b.orgs, 2);
  ASSERT_TRUE(fit.value);
  scenario_overrides o;
  o.set.push_back({nlohmann::json::json_pointer("/platform"), platform_json(*fit.value)});
  const auto loaded = load_default_scenario(o);
  ASSERT_TRUE(loaded.value) << loaded.errors.front().to_string();
  const auto& noise = loaded.value->platform.platform.noise;
  EXPECT_DOUBLE_EQ(noise.unclassified_rate, 0.03);
  EXPECT_DOUBLE_EQ(noise.lock_base_rate, 0.0);
  EXPECT_DOUBLE_EQ(noise.lock_rate_per_active_user, 0.0);
  const auto evidence = evidence_json(*fit.value);
  EXPECT_EQ(evidence["noise"]["count"], 3);
  EXPECT_EQ(evidence["always_failing"]["last_pushes"], 2);
}
