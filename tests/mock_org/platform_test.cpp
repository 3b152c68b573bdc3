#include "pushsim/mock_org/platform.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "pushsim/mock_org/population_spec.hpp"
#include "pushsim/mock_org/salesforce_id.hpp"

using namespace pushsim;
using namespace pushsim::mock_org;
using namespace std::chrono_literals;

namespace {
const time_point t0 = *parse_iso8601("2026-11-18T15:00:00Z").time;  // a Wednesday, no maintenance

const package& pkg() {
  static const package p = default_example_package();
  return p;
}
version_index v(std::uint16_t ma, std::uint16_t mi, std::uint16_t pa) { return *pkg().find_version({ma, mi, pa}); }

platform_config quiet_config() {
  platform_config c;
  c.noise.unclassified_rate = 0;
  c.noise.lock_base_rate = 0;
  c.noise.lock_rate_per_active_user = 0;
  c.noise.maintenance_fails_jobs = false;
  return c;
}

org make_org(const std::string& key, version_index installed) {
  org o;
  o.key = *parse_org_key(key);
  o.installed_version = installed;
  o.users = 100;
  return o;
}

// A small hand-built world: five orgs on 2.3.1 plus special cases.
struct fixture {
  sim::simulation sim{t0};
  population pop{pkg().objects.size()};
  std::unique_ptr<platform> plat;
  explicit fixture(platform_config cfg = quiet_config()) {
    for (int i = 1; i <= 5; ++i) {
      EXPECT_EQ(pop.add(make_org("00D00000000000" + std::to_string(i), v(2, 3, 1)), pkg()), "");
    }
    org inactive = make_org("00D000000000006", v(2, 3, 1));
    inactive.status = org_status::inactive;
    org uninstalled = make_org("00D000000000007", not_installed);
    org current = make_org("00D000000000008", v(2, 4, 0));
    org blocked = make_org("00D000000000009", v(2, 3, 1));
    blocked.push_blocked = true;
    for (const org& o : {inactive, uninstalled, current, blocked}) EXPECT_EQ(pop.add(o, pkg()), "");
    plat = std::make_unique<platform>(sim, pop, pkg(), cfg, 77);
  }
  request_id request(std::optional<time_point> start = std::nullopt) {
    auto r = plat->create_request(v(2, 4, 0), start);
    EXPECT_TRUE(r) << r.error.message;
    return *r.value;
  }
};
}  // namespace

TEST(Platform, CreateRequestNeedsAnExistingReleasedNotDeprecatedVersion) {
  fixture f;
  auto bad = f.plat->create_request("04t3g0000000099AAA", std::nullopt);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error.code, api_error_code::invalid_cross_reference_key);
  EXPECT_EQ(bad.error.fields, std::vector<std::string>{"PackageVersionId"});
  auto beta = f.plat->create_request(v(2, 5, 0), std::nullopt);
  ASSERT_FALSE(beta);
  EXPECT_EQ(beta.error.code, api_error_code::field_integrity_exception);
  EXPECT_NE(beta.error.message.find("beta"), std::string::npos);
  auto deprecated = f.plat->create_request(v(1, 2, 0), std::nullopt);
  ASSERT_FALSE(deprecated);
  EXPECT_NE(deprecated.error.message.find("deprecated"), std::string::npos);
  auto ok = f.plat->create_request(f.plat->version_id_string(v(2, 4, 0)), std::nullopt);
  ASSERT_TRUE(ok);
  EXPECT_EQ(f.plat->request(*ok.value).status, push_status::created);
  EXPECT_EQ(f.plat->find_request(platform::request_id_string(*ok.value)), ok.value);
  EXPECT_EQ(platform::request_id_string(*ok.value).substr(0, 3), "0DV");
}

TEST(Platform, AddJobAnswersPerOrg) {
  fixture f;
  const request_id r = f.request();
  auto ok = f.plat->add_job(r, "00D000000000001");
  ASSERT_TRUE(ok);
  EXPECT_EQ(platform::job_id_string(*ok.value).substr(0, 3), "0DX");
  // The 18-character form of the same org is the same org: DUPLICATE_VALUE naming the first job.
  auto dup = f.plat->add_job(r, parse_org_key("00D000000000001")->str18());
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error.code, api_error_code::duplicate_value);
  EXPECT_NE(dup.error.message.find(platform::job_id_string(*ok.value)), std::string::npos);
  // By index (the REST layer after its own lookup): the same checks, the same answer.
  const auto at = f.plat->orgs().find(*parse_org_key("00D000000000001"));
  ASSERT_TRUE(at);
  auto dup_by_index = f.plat->add_job(r, *at);
  ASSERT_FALSE(dup_by_index);
  EXPECT_EQ(dup_by_index.error.code, api_error_code::duplicate_value);
  EXPECT_EQ(dup_by_index.error.message, dup.error.message);
  auto malformed = f.plat->add_job(r, "not-an-org");
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error.code, api_error_code::invalid_id_field);
  auto unknown = f.plat->add_job(r, "00D0000000000ZZ");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error.code, api_error_code::invalid_cross_reference_key);
  const std::pair<const char*, ineligibility> ineligible[] = {{"00D000000000006", ineligibility::org_inactive},
                                                              {"00D000000000007", ineligibility::package_not_installed},
                                                              {"00D000000000008", ineligibility::same_or_newer_version},
                                                              {"00D000000000009", ineligibility::push_blocked}};
  for (const auto& [key, why] : ineligible) {
    auto res = f.plat->add_job(r, key);
    ASSERT_FALSE(res) << key;
    EXPECT_EQ(res.error.code, api_error_code::field_integrity_exception) << key;
    EXPECT_EQ(res.error.reason, why) << key;
    EXPECT_NE(res.error.message.find(key), std::string::npos) << res.error.message;
  }
  // The same org may be in another request.
  const request_id r2 = f.request();
  EXPECT_TRUE(f.plat->add_job(r2, "00D000000000001"));
  EXPECT_EQ(f.plat->jobs_of(r).size(), 1u);
  EXPECT_EQ(f.plat->jobs_of(r2).size(), 1u);
}

TEST(Platform, StatusTransitionsAndScheduledStart) {
  fixture f;
  const time_point start = t0 + 2h;
  const request_id r = f.request(start);
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(f.plat->add_job(r, "00D00000000000" + std::to_string(i)));
  // Only Pending and Canceled may be set; Pending only from Created.
  EXPECT_EQ(f.plat->set_request_status(r, push_status::in_progress).error.code, api_error_code::invalid_operation);
  ASSERT_TRUE(f.plat->set_request_status(r, push_status::pending));
  EXPECT_FALSE(f.plat->set_request_status(r, push_status::pending));
  EXPECT_EQ(f.plat->request(r).status, push_status::pending);
  for (job_id j : f.plat->jobs_of(r)) EXPECT_EQ(f.plat->job(j).status, push_status::pending);
  // No jobs once the request is Pending.
  EXPECT_EQ(f.plat->add_job(r, "00D000000000001").error.code, api_error_code::invalid_operation);
  // Nothing happens before the scheduled start.
  f.sim.run_until(start - 1s);
  EXPECT_EQ(f.plat->request(r).status, push_status::pending);
  // Picked up at or after the start (within the pick-up delay), then InProgress.
  f.sim.run_until(start + f.plat->config().pickup_delay_min - 1s);
  const auto& row = f.plat->request(r);
  EXPECT_EQ(row.status, push_status::pending);
  while (!row.started && f.sim.step()) {
  }
  EXPECT_EQ(row.status, push_status::in_progress);
  EXPECT_GE(row.start, start + f.plat->config().pickup_delay_min);
  EXPECT_LE(row.start, start + f.plat->config().pickup_delay_max);
  // Cannot abort once InProgress.
  auto abort = f.plat->set_request_status(r, push_status::canceled);
  ASSERT_FALSE(abort);
  EXPECT_EQ(abort.error.code, api_error_code::invalid_operation);
  f.sim.run();
  EXPECT_EQ(row.status, push_status::succeeded);
  ASSERT_TRUE(row.duration_s());
  EXPECT_GE(*row.duration_s(), 0);
  for (job_id j : f.plat->jobs_of(r)) {
    const auto& job = f.plat->job(j);
    EXPECT_EQ(job.status, push_status::succeeded);
    EXPECT_GE(job.start, row.start);
    EXPECT_LE(job.end, row.end);
    EXPECT_EQ(f.pop.installed_version(job.org), v(2, 4, 0));
    EXPECT_EQ(f.plat->truth().at(job.org).st, org_truth::state::upgraded);
  }
  EXPECT_EQ(f.plat->jobs_finished(), 5u);
}

TEST(Platform, AbortFromCreatedOrPendingCancelsJobsAndNothingRuns) {
  fixture f;
  const request_id a = f.request();
  ASSERT_TRUE(f.plat->add_job(a, "00D000000000001"));
  ASSERT_TRUE(f.plat->set_request_status(a, push_status::canceled));
  const request_id b = f.request(t0 + 1h);
  ASSERT_TRUE(f.plat->add_job(b, "00D000000000002"));
  ASSERT_TRUE(f.plat->set_request_status(b, push_status::pending));
  f.sim.run_until(t0 + 30min);
  ASSERT_TRUE(f.plat->set_request_status(b, push_status::canceled));
  f.sim.run();
  for (request_id r : {a, b}) {
    EXPECT_EQ(f.plat->request(r).status, push_status::canceled);
    for (job_id j : f.plat->jobs_of(r)) EXPECT_EQ(f.plat->job(j).status, push_status::canceled);
    EXPECT_FALSE(f.plat->request(r).started);
  }
  EXPECT_EQ(f.pop.installed_version(0), v(2, 3, 1));
  EXPECT_EQ(f.plat->truth().at(0).st, org_truth::state::untouched);
  // Terminal requests cannot change again.
  EXPECT_FALSE(f.plat->set_request_status(a, push_status::pending));
  EXPECT_FALSE(f.plat->set_request_status(a, push_status::canceled));
}

TEST(Platform, FailedJobsHaveErrorRowsAndFailTheRequest) {
  platform_config cfg = quiet_config();
  cfg.noise.unclassified_rate = 1.0;  // every job fails
  fixture f(cfg);
  const request_id r = f.request();
  ASSERT_TRUE(f.plat->add_job(r, "00D000000000001"));
  ASSERT_TRUE(f.plat->add_job(r, "00D000000000002"));
  ASSERT_TRUE(f.plat->set_request_status(r, push_status::pending));
  f.sim.run();
  EXPECT_EQ(f.plat->request(r).status, push_status::failed);
  ASSERT_EQ(f.plat->errors().size(), 2u);
  for (job_id j : f.plat->jobs_of(r)) {
    EXPECT_EQ(f.plat->job(j).status, push_status::failed);
    const auto errs = f.plat->errors_of(j);
    ASSERT_EQ(errs.size(), 1u);
    EXPECT_EQ(errs[0].job, j);
    EXPECT_EQ(errs[0].type, error_type::unclassified_error);
    EXPECT_EQ(f.plat->error_title(errs[0]), "Internal server error");
    EXPECT_FALSE(f.plat->error_message(errs[0]).empty());
    EXPECT_EQ(f.plat->find_error(platform::error_id_string(errs[0].id)), errs[0].id);
    EXPECT_EQ(platform::error_id_string(errs[0].id).substr(0, 3), "0DY");
    const org_index o = f.plat->job(j).org;
    EXPECT_EQ(f.pop.installed_version(o), v(2, 3, 1));  // stays on its version
    EXPECT_EQ(f.plat->truth().at(o).st, org_truth::state::failed);
    EXPECT_EQ(f.plat->truth().at(o).error, error_type::unclassified_error);
  }
}

TEST(Platform, RequestWithoutJobsSucceedsAtPickup) {
  fixture f;
  const request_id r = f.request();
  ASSERT_TRUE(f.plat->set_request_status(r, push_status::pending));
  f.sim.run();
  EXPECT_EQ(f.plat->request(r).status, push_status::succeeded);
}

TEST(Platform, OrgUpgradedByAnEarlierRequestIsIneligibleWhenItsSecondJobRuns) {
  fixture f;
  const request_id a = f.request();
  const request_id b = f.request(t0 + 6h);
  ASSERT_TRUE(f.plat->add_job(a, "00D000000000001"));
  ASSERT_TRUE(f.plat->add_job(b, "00D000000000001"));
  ASSERT_TRUE(f.plat->set_request_status(a, push_status::pending));
  ASSERT_TRUE(f.plat->set_request_status(b, push_status::pending));
  f.sim.run();
  EXPECT_EQ(f.plat->request(a).status, push_status::succeeded);
  EXPECT_EQ(f.plat->request(b).status, push_status::failed);
  EXPECT_EQ(f.plat->errors_of(f.plat->jobs_of(b)[0])[0].type, error_type::ineligible_upgrade);
  EXPECT_EQ(f.plat->truth().at(0).attempts, 2);
}

TEST(Platform, PerInstanceConcurrencyLimitHolds) {
  platform_config cfg = quiet_config();
  cfg.concurrency_per_instance = 3;
  sim::simulation sim(t0);
  auto spec = parse_population_spec(nlohmann::json::parse(R"({"count": 300,
      "mix": {"instance": {"NA142": 1, "EU45": 1}, "status": {"Active": 1},
              "installed_version": {"2.3.1": 1}, "push_blocked": 0}})"),
                                    pkg());
  ASSERT_TRUE(spec) << spec.error.to_string();
  population pop = generate_population(*spec.value, pkg(), 5);
  platform plat(sim, pop, pkg(), cfg, 5);
  const request_id r = *plat.create_request(v(2, 4, 0), std::nullopt).value;
  for (org_index i = 0; i < pop.size(); ++i) ASSERT_TRUE(plat.add_job(r, pop.key(i).str()));
  ASSERT_TRUE(plat.set_request_status(r, push_status::pending));
  std::uint64_t max_running = 0;
  while (sim.step()) max_running = std::max(max_running, plat.jobs_running());
  EXPECT_EQ(max_running, 6u);  // 3 per instance, 2 instances
  EXPECT_EQ(plat.jobs_finished(), 300u);
  EXPECT_TRUE(is_terminal(plat.request(r).status));
}

namespace {
struct run_result {
  std::uint64_t sim_digest;
  std::uint64_t truth_digest;
  std::uint64_t outcome_digest;
  ground_truth::summary summary;
  std::size_t signals;
};
run_result run_default_world(std::uint64_t seed) {
  sim::simulation sim(t0);
  auto spec = parse_population_spec(nlohmann::json{{"count", 3000}}, pkg());
  population pop = generate_population(*spec.value, pkg(), seed);
  platform plat(sim, pop, pkg(), platform_config{}, seed);
  const request_id r = *plat.create_request(v(2, 4, 0), t0 + 1h).value;
  for (org_index i = 0; i < pop.size(); ++i) (void)plat.add_job(r, pop.key(i).str());
  EXPECT_TRUE(plat.set_request_status(r, push_status::pending));
  sim.run();
  return {sim.digest(), plat.truth().digest(), plat.outcome_digest(), plat.truth().summarize(),
          plat.feed().feed().size()};
}
}  // namespace

TEST(Platform, SameSeedSameOutcomes) {
  const run_result a = run_default_world(21);
  const run_result b = run_default_world(21);
  const run_result c = run_default_world(22);
  EXPECT_EQ(a.sim_digest, b.sim_digest);
  EXPECT_EQ(a.truth_digest, b.truth_digest);
  EXPECT_EQ(a.outcome_digest, b.outcome_digest);
  EXPECT_NE(a.truth_digest, c.truth_digest);
  // The default world is realistic: most upgrade, a few percent fail, some break, breakages get noticed.
  const auto& s = a.summary;
  EXPECT_GT(s.upgraded, 1500u);
  EXPECT_GT(s.failed, 20u);
  EXPECT_LT(s.failed, s.upgraded / 5);
  EXPECT_GT(s.broken, 10u);
  EXPECT_GT(a.signals, 0u);
  EXPECT_LE(a.signals, s.broken);
}

TEST(Telemetry, BreakageAtNightIsSeenLaterThanAtNoon) {
  population pop(pkg().objects.size());
  org o = make_org("00D000000000001", v(2, 3, 1));
  o.time_zone = "America/Chicago";
  o.users = 400;
  ASSERT_EQ(pop.add(o, pkg()), "");
  sim::simulation sim(t0);
  telemetry tel(sim, pop, telemetry_config{}, 1);
  // Wednesday 2026-11-18 in Chicago (UTC-6): 03:00 local = 09:00 UTC, 12:00 local = 18:00 UTC.
  const time_point night = *parse_iso8601("2026-11-18T09:00:00Z").time;
  const time_point noon = *parse_iso8601("2026-11-18T18:00:00Z").time;
  double night_s = 0, noon_s = 0;
  sim::rng r(2);
  const int n = 400;
  for (int k = 0; k < n; ++k) {
    night_s += to_seconds(*tel.detection_delay(0, night, break_cause::saves_fail, severity::medium, r));
    noon_s += to_seconds(*tel.detection_delay(0, noon, break_cause::saves_fail, severity::medium, r));
  }
  night_s /= n;
  noon_s /= n;
  EXPECT_GT(night_s, 3 * noon_s);
  EXPECT_GT(night_s, 3 * 3600.0);  // mostly waits for the morning
  EXPECT_LT(noon_s, 3600.0);
}

TEST(Telemetry, SignalsAppearInTheFeedWhenSimTimeReachesThem) {
  population pop(pkg().objects.size());
  org o = make_org("00D000000000001", v(2, 3, 1));
  o.users = 1000;
  ASSERT_EQ(pop.add(o, pkg()), "");
  sim::simulation sim(t0);
  telemetry tel(sim, pop, telemetry_config{}, 1);
  const auto at = tel.report_breakage(0, break_cause::saves_fail, severity::critical);
  ASSERT_TRUE(at);
  EXPECT_GT(*at, t0);
  EXPECT_TRUE(tel.feed().empty());
  EXPECT_EQ(tel.pending(), 1u);
  sim.run_until(*at - 1us);
  EXPECT_TRUE(tel.feed().empty());
  sim.run();
  ASSERT_EQ(tel.feed().size(), 1u);
  EXPECT_EQ(tel.feed()[0].at, *at);
  EXPECT_EQ(tel.feed()[0].broken_at, t0);
  EXPECT_EQ(tel.feed()[0].org, 0u);
}

TEST(Platform, IdsLookUpRowsInConstantTime) {
  fixture f;
  EXPECT_EQ(f.plat->package_id_string().substr(0, 3), "033");
  EXPECT_EQ(f.plat->find_version(f.plat->version_id_string(3)), 3);
  EXPECT_EQ(f.plat->find_subscriber(f.plat->subscriber_id_string(4)), 4u);
  EXPECT_EQ(f.plat->find_org("00D000000000003"), 2u);
  EXPECT_FALSE(f.plat->find_request("0DV3g0000000001AAA"));
  EXPECT_FALSE(f.plat->find_job(make_id(push_job_prefix, 1)));
}

TEST(Platform, SubscriberRowsReflectTheOrgAndItsUpgrades) {
  fixture f;
  const subscriber_row s = f.plat->subscriber(0);
  EXPECT_EQ(s.key.str(), "00D000000000001");
  EXPECT_EQ(s.id.substr(0, 3), "0Hf");
  EXPECT_EQ(s.instance, "NA142");
  EXPECT_TRUE(s.installed);
  EXPECT_EQ(s.version, v(2, 3, 1));
  EXPECT_FALSE(f.plat->subscriber(6).installed);
  const request_id r = f.request();
  ASSERT_TRUE(f.plat->add_job(r, "00D000000000001"));
  ASSERT_TRUE(f.plat->set_request_status(r, push_status::pending));
  f.sim.run();
  EXPECT_EQ(f.plat->subscriber(0).version, v(2, 4, 0));
}

TEST(Platform, ApiRetirementStopsTheIntegrationOfEveryOrgStillOnAnOldVersion) {
  fixture f;
  const request_id r = f.request();
  ASSERT_TRUE(f.plat->add_job(r, "00D000000000001"));
  ASSERT_TRUE(f.plat->add_job(r, "00D000000000002"));
  ASSERT_TRUE(f.plat->set_request_status(r, push_status::pending));
  f.sim.run();
  time_point last_end{};
  for (job_id j : f.plat->jobs_of(r)) last_end = std::max(last_end, f.plat->job(j).end);
  // The last upgrade ended a minute before the retirement: not stopped.
  const time_point retired = last_end + 1min;
  f.plat->retire_api_at(retired, v(2, 4, 0));
  f.sim.run();
  std::set<std::string> stopped;
  for (std::size_t i = 0; i < f.pop.size(); ++i) {
    const auto& t = f.plat->truth().at(static_cast<org_index>(i));
    if (t.integration_stopped_us < 0) continue;
    stopped.insert(f.pop.key(static_cast<org_index>(i)).str());
    EXPECT_EQ(t.integration_stopped_us, to_us(retired));
    EXPECT_EQ(t.st, org_truth::state::untouched);  // the harm of not being upgraded, not of an upgrade
  }
  // Still on 2.3.1 (the blocked org included); not the upgraded, inactive, uninstalled or current ones.
  EXPECT_EQ(stopped,
            (std::set<std::string>{"00D000000000003", "00D000000000004", "00D000000000005", "00D000000000009"}));
  // The partner's telemetry sees them as critical integration breakages after the retirement.
  std::set<std::string> seen;
  for (const auto& s : f.plat->feed().feed()) {
    EXPECT_GE(s.at, retired);
    EXPECT_EQ(s.cause, break_cause::integration_stops);
    EXPECT_EQ(s.sev, severity::critical);
    seen.insert(f.pop.key(s.org).str());
  }
  EXPECT_EQ(seen, stopped);
}
