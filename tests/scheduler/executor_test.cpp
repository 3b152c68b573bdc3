#include "pushsim/scheduler/executor.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <optional>
#include <set>

#include "fake_push_api.hpp"

using namespace pushsim;
using namespace pushsim::scheduler;
using pushsim::scheduler::testing::fake_driver;
using pushsim::scheduler::testing::fake_push_api;

namespace {

const time_point t0 = from_us(1'800'000'000'000'000);  // 2027-01-15

std::vector<std::string> keys(const std::string& prefix, int n) {
  std::vector<std::string> v;
  for (int i = 0; i < n; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%05d", prefix.c_str(), i);
    v.emplace_back(buf);
  }
  return v;
}

executor_config base_config() {
  executor_config c;
  c.version_id = "04tVERSION";
  c.batch_size = 200;
  c.prepare_ahead = std::chrono::minutes{10};
  c.bake_time = std::chrono::minutes{30};
  c.polling.min_interval = std::chrono::seconds{30};
  c.polling.max_interval = std::chrono::minutes{5};
  c.retry.backoff_base = std::chrono::seconds{2};
  c.retry.backoff_max = std::chrono::minutes{1};
  c.retry.job_retry_delay = std::chrono::minutes{10};
  c.gates.min_samples = 5;
  return c;
}

push_slot slot(int wave, time_point start, std::vector<std::string> orgs) {
  push_slot s;
  s.wave = wave;
  s.start = start;
  s.org_keys = std::move(orgs);
  return s;
}

const org_report& find_org(const executor_report& r, const std::string& key) {
  for (const auto& o : r.orgs) {
    if (o.org_key == key) return o;
  }
  static org_report none;
  ADD_FAILURE() << "org " << key << " not in report";
  return none;
}

std::int64_t count_state(const executor_report& r, org_final_state s) {
  return std::count_if(r.orgs.begin(), r.orgs.end(), [&](const org_report& o) { return o.state == s; });
}

api_error transient_400() {
  api_error e;
  e.kind = api_error::kind_t::transient;
  e.http_status = 400;
  e.error_code = "UNKNOWN_EXCEPTION";
  e.message = "Something bad has happened. Please verify your input and try again.";
  return e;
}

void expect_no_request_left_open(const fake_push_api& api) {
  for (const auto& r : api.requests) {
    EXPECT_NE(r.status, "Created") << r.id;
    EXPECT_NE(r.status, "Pending") << r.id;
  }
}

}  // namespace

TEST(Executor, PushesEveryOrgInWavesWithOneJobEach) {
  auto cfg = base_config();
  std::vector<push_slot> slots{slot(0, t0, keys("A", 50)), slot(1, t0 + std::chrono::hours{1}, keys("B", 450))};
  executor ex(cfg, slots);
  fake_push_api api;
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run();
  ASSERT_TRUE(ex.done());
  const auto r = ex.report();
  EXPECT_FALSE(r.halted);
  EXPECT_EQ(count_state(r, org_final_state::upgraded), 500);
  for (const auto& [org, n] : api.jobs_per_org()) EXPECT_EQ(n, 1) << org;
  EXPECT_EQ(api.requests.size(), 2u);
  EXPECT_EQ(r.api_calls_by_endpoint.at("add_jobs_composite_tree"), 1 + 3);  // 50 orgs, then 450 in batches of 200
  ASSERT_EQ(r.waves.size(), 2u);
  EXPECT_TRUE(r.waves[0].gates_passed);
  // Wave 1 starts only after wave 0 finished and baked.
  ASSERT_TRUE(r.waves[0].finished && r.waves[1].first_start);
  EXPECT_GE(*r.waves[1].first_start, *r.waves[0].finished + cfg.bake_time);
  EXPECT_EQ(r.api_calls, api.calls);
}

TEST(Executor, BakeTimeCanBeSetPerWave) {
  auto cfg = base_config();
  cfg.bake_time_per_wave[0] = std::chrono::hours{6};
  executor ex(cfg, {slot(0, t0, keys("A", 5)), slot(1, t0, keys("B", 5))});
  fake_push_api api;
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run();
  const auto r = ex.report();
  ASSERT_TRUE(r.waves[0].finished && r.waves[1].first_start);
  EXPECT_GE(*r.waves[1].first_start - *r.waves[0].finished, std::chrono::hours{6});
  EXPECT_LT(*r.waves[1].first_start - *r.waves[0].finished, std::chrono::hours{6} + std::chrono::minutes{1});
}

TEST(Executor, TransientBatchFailuresAreRetriedWithBackoffAndNoOrgIsLost) {
  auto cfg = base_config();
  std::vector<push_slot> slots{slot(0, t0, keys("A", 1000))};
  executor ex(cfg, slots);
  fake_push_api api;
  std::map<std::string, time_point> failed_at;  // first org key of a failed batch -> when
  std::int64_t retries_checked = 0;
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  int n = 0;
  api.inject = [&](const api_call& c, std::int64_t) -> std::optional<api_error> {
    if (!std::holds_alternative<add_jobs>(c)) return std::nullopt;
    const bool fail = (++n % 2) == 1;  // every other job-creation call fails
    const auto& first = std::get<add_jobs>(c).org_keys.front();
    if (auto it = failed_at.find(first); it != failed_at.end()) {
      // A retry of a failed batch comes no sooner than the jittered backoff (base 2 s, jitter 0.5 -> >= 1 s).
      EXPECT_GE(d.now - it->second, std::chrono::seconds{1});
      ++retries_checked;
      failed_at.erase(it);
    }
    if (fail) {
      failed_at[first] = d.now;
      return transient_400();
    }
    return std::nullopt;
  };
  d.run();
  ASSERT_TRUE(ex.done());
  const auto r = ex.report();
  EXPECT_EQ(count_state(r, org_final_state::upgraded), 1000);
  const auto per_org = api.jobs_per_org();
  EXPECT_EQ(per_org.size(), 1000u);
  for (const auto& [org, c] : per_org) EXPECT_EQ(c, 1) << org;
  EXPECT_GT(retries_checked, 3);
  expect_no_request_left_open(api);
}

TEST(Executor, LostResponsesGiveDuplicatesThatCountAsAlreadyThere) {
  auto cfg = base_config();
  std::vector<push_slot> slots{slot(0, t0, keys("A", 300))};
  executor ex(cfg, slots);
  fake_push_api api;
  api.apply_then_fail = true;  // the server does the work, the response is lost
  int n = 0;
  api.inject = [&](const api_call& c, std::int64_t) -> std::optional<api_error> {
    if (std::holds_alternative<add_jobs>(c) && ++n == 1) {
      api_error e;
      e.kind = api_error::kind_t::transport;
      e.message = "timeout";
      return e;
    }
    return std::nullopt;
  };
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run();
  ASSERT_TRUE(ex.done());
  const auto r = ex.report();
  EXPECT_EQ(count_state(r, org_final_state::upgraded), 300);
  for (const auto& [org, c] : api.jobs_per_org()) EXPECT_EQ(c, 1) << org;
}

TEST(Executor, AllOrNothingBatchDropsTheBadOrgsAndResubmitsTheRest) {
  auto cfg = base_config();
  auto orgs = keys("A", 250);
  executor ex(cfg, {slot(0, t0, orgs)});
  fake_push_api api;
  api.orgs["A00007"].ineligible = "Ineligible: the subscriber org is Inactive";
  api.orgs["A00210"].ineligible = "Ineligible: already on this version or newer";
  api.invalid_keys.insert("A00100");
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run();
  ASSERT_TRUE(ex.done());
  const auto r = ex.report();
  EXPECT_EQ(count_state(r, org_final_state::upgraded), 247);
  const auto& a7 = find_org(r, "A00007");
  EXPECT_EQ(a7.state, org_final_state::excluded);
  EXPECT_NE(a7.message.find("Inactive"), std::string::npos);
  EXPECT_EQ(find_org(r, "A00100").state, org_final_state::excluded);
  EXPECT_EQ(find_org(r, "A00210").state, org_final_state::excluded);
  EXPECT_EQ(api.jobs_per_org().size(), 247u);
}

TEST(Executor, SobjectCollectionsKeepTheGoodRecords) {
  auto cfg = base_config();
  cfg.mode = job_creation_mode::sobject_collections;
  executor ex(cfg, {slot(0, t0, keys("A", 150))});
  fake_push_api api;
  api.orgs["A00003"].ineligible = "Ineligible: subscriber blocked push upgrades";
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run();
  const auto r = ex.report();
  EXPECT_EQ(count_state(r, org_final_state::upgraded), 149);
  EXPECT_EQ(find_org(r, "A00003").state, org_final_state::excluded);
  EXPECT_EQ(r.api_calls_by_endpoint.at("add_jobs_sobject_collections"), 1);
}

TEST(Executor, PatchFailureCancelsTheRequestNeverLeavingItCreated) {
  auto cfg = base_config();
  executor ex(cfg, {slot(0, t0, keys("A", 20))});
  fake_push_api api;
  api.inject = [&](const api_call& c, std::int64_t) -> std::optional<api_error> {
    const auto* p = std::get_if<patch_request_status>(&c);
    if (p != nullptr && p->status == "Pending") {
      api_error e;
      e.http_status = 400;
      e.error_code = "INVALID_FIELD";
      e.message = "bad status";
      return e;
    }
    return std::nullopt;
  };
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run();
  ASSERT_TRUE(ex.done());
  ASSERT_EQ(api.requests.size(), 1u);
  EXPECT_EQ(api.requests[0].status, "Canceled");
  const auto r = ex.report();
  EXPECT_EQ(count_state(r, org_final_state::canceled), 20);
  EXPECT_NE(find_org(r, "A00000").message.find("PATCH Pending failed"), std::string::npos);
}

TEST(Executor, CreateFailureReportsOrgsNotPushed) {
  auto cfg = base_config();
  executor ex(cfg, {slot(0, t0, keys("A", 5)), slot(0, t0 + std::chrono::hours{1}, keys("B", 5))});
  fake_push_api api;
  api.inject = [&](const api_call& c, std::int64_t) -> std::optional<api_error> {
    if (const auto* cr = std::get_if<create_push_request>(&c); cr != nullptr && cr->scheduled_start == t0) {
      api_error e;
      e.http_status = 400;
      e.error_code = "INVALID_FIELD";
      e.message = "ScheduledStartTime in the past";
      return e;
    }
    return std::nullopt;
  };
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run();
  const auto r = ex.report();
  EXPECT_EQ(find_org(r, "A00000").state, org_final_state::not_pushed);
  EXPECT_NE(find_org(r, "A00000").message.find("ScheduledStartTime"), std::string::npos);
  EXPECT_EQ(count_state(r, org_final_state::upgraded), 5);
}

TEST(Executor, GateHaltCancelsCreatedAndPendingRequests) {
  auto cfg = base_config();
  cfg.gates.max_failure_rate = 0.1;
  cfg.gates.min_samples = 10;
  std::vector<push_slot> slots{slot(0, t0, keys("A", 40)), slot(0, t0 + std::chrono::hours{3}, keys("B", 40)),
                               slot(1, t0 + std::chrono::hours{5}, keys("C", 40))};
  fake_push_api api;
  for (int i = 0; i < 40; i += 2) api.orgs[keys("A", 40)[static_cast<std::size_t>(i)]].fail_types = {"ApexTestFailure"};
  cfg.prepare_ahead = std::chrono::hours{4};
  executor ex2(cfg, slots);  // prepares every wave-0 slot early, so B is Pending when A fails
  fake_driver d2{ex2, api, t0 - std::chrono::hours{3}};
  d2.run();
  ASSERT_TRUE(ex2.done());
  const auto r = ex2.report();
  EXPECT_TRUE(r.halted);
  EXPECT_NE(r.halt_reason.find("failure rate"), std::string::npos);
  EXPECT_EQ(count_state(r, org_final_state::failed), 20);
  EXPECT_EQ(count_state(r, org_final_state::upgraded), 20);
  EXPECT_EQ(find_org(r, "B00000").state, org_final_state::canceled);
  EXPECT_EQ(find_org(r, "C00000").state, org_final_state::not_pushed);
  EXPECT_NE(find_org(r, "C00000").message.find("halted"), std::string::npos);
  ASSERT_EQ(api.requests.size(), 2u);
  EXPECT_EQ(api.requests[1].status, "Canceled");
  expect_no_request_left_open(api);
}

TEST(Executor, NewErrorTypeAndBrokenSignalsHalt) {
  {
    auto cfg = base_config();
    cfg.gates.halt_on_new_error_type = true;
    cfg.gates.expected_error_types = {"ApexTestFailure"};
    executor ex(cfg, {slot(0, t0, keys("A", 10)), slot(1, t0, keys("B", 10))});
    fake_push_api api;
    api.orgs["A00001"].fail_types = {"FeatureMissing"};
    fake_driver d{ex, api, t0 - std::chrono::hours{1}};
    d.run();
    const auto r = ex.report();
    EXPECT_TRUE(r.halted);
    EXPECT_NE(r.halt_reason.find("FeatureMissing"), std::string::npos);
    EXPECT_EQ(find_org(r, "B00000").state, org_final_state::not_pushed);
  }
  {
    auto cfg = base_config();
    cfg.gates.max_broken_signals = 1;
    executor ex(cfg, {slot(0, t0, keys("A", 10)), slot(1, t0, keys("B", 10))});
    fake_push_api api;
    fake_driver d{ex, api, t0 - std::chrono::hours{1}};
    d.run(3);
    (void)ex.on_signal("A00001", d.now);
    EXPECT_FALSE(ex.halted());
    (void)ex.on_signal("A00002", d.now);
    EXPECT_TRUE(ex.halted());
    d.run();
    EXPECT_EQ(find_org(ex.report(), "B00000").state, org_final_state::not_pushed);
  }
}

TEST(Executor, GatePauseWaitsForTheReviewThenContinues) {
  auto cfg = base_config();
  cfg.gates.max_broken_signals = 1;
  cfg.gate_review_pause = std::chrono::hours{4};
  executor ex(cfg, {slot(0, t0, keys("A", 10)), slot(1, t0, keys("B", 10))});
  fake_push_api api;
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run(3);
  (void)ex.on_signal("A00001", d.now);
  (void)ex.on_signal("A00002", d.now);
  const time_point tripped = d.now;
  EXPECT_FALSE(ex.halted());
  d.run();
  ASSERT_TRUE(ex.done());
  const auto r = ex.report();
  EXPECT_FALSE(r.halted);
  EXPECT_EQ(r.gate_pauses, 1);
  EXPECT_EQ(find_org(r, "B00000").state, org_final_state::upgraded);
  // Nothing of wave 1 started during the review.
  ASSERT_TRUE(r.waves[1].first_start);
  EXPECT_GE(*r.waves[1].first_start, tripped + std::chrono::hours{4});
}

TEST(Executor, GatePauseTripsAgainOnlyOnNewEvidence) {
  auto cfg = base_config();
  cfg.gates.max_broken_signals = 1;
  cfg.gate_review_pause = std::chrono::hours{1};
  executor ex(cfg, {slot(0, t0, keys("A", 10)), slot(1, t0, keys("B", 10))});
  fake_push_api api;
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run(3);
  (void)ex.on_signal("A00001", d.now);
  (void)ex.on_signal("A00002", d.now);
  (void)ex.on_signal("A00003", d.now + std::chrono::hours{2});
  EXPECT_EQ(ex.report().gate_pauses, 1);
  (void)ex.on_signal("A00004", d.now + std::chrono::hours{2});
  EXPECT_EQ(ex.report().gate_pauses, 2);
  EXPECT_FALSE(ex.halted());
}

TEST(Executor, ApiBudgetDefersWorkAndKeepsTheReserve) {
  auto cfg = base_config();
  cfg.budget.calls_per_24h = 12;
  cfg.budget.reserve = 4;
  cfg.bake_time = std::chrono::minutes{1};
  std::vector<push_slot> slots{slot(0, t0, keys("A", 10)), slot(1, t0, keys("B", 10)), slot(2, t0, keys("C", 10))};
  executor ex(cfg, slots);
  fake_push_api api;
  std::vector<time_point> call_times;
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  api.inject = [&](const api_call&, std::int64_t) -> std::optional<api_error> {
    call_times.push_back(d.now);
    return std::nullopt;
  };
  d.run();
  ASSERT_TRUE(ex.done());
  EXPECT_EQ(count_state(ex.report(), org_final_state::upgraded), 30);
  // No rolling 24 h window holds more than calls_per_24h - reserve calls (no halt, so no reserve use).
  for (std::size_t i = 0; i < call_times.size(); ++i) {
    std::size_t in_window = 0;
    for (std::size_t k = i; k < call_times.size() && call_times[k] < call_times[i] + std::chrono::hours{24}; ++k) {
      ++in_window;
    }
    EXPECT_LE(in_window, 8u);
  }
  EXPECT_GT(call_times.back() - call_times.front(), std::chrono::hours{24});
}

TEST(Executor, RequestLimitExceededWaitsForTheWindow) {
  auto cfg = base_config();
  cfg.budget.limit_exceeded_wait = std::chrono::minutes{45};
  executor ex(cfg, {slot(0, t0, keys("A", 10))});
  fake_push_api api;
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  std::vector<time_point> times;
  api.inject = [&](const api_call&, std::int64_t no) -> std::optional<api_error> {
    times.push_back(d.now);
    if (no == 2) {
      api_error e;
      e.kind = api_error::kind_t::limit_exceeded;
      e.http_status = 403;
      e.error_code = "REQUEST_LIMIT_EXCEEDED";
      e.message = "TotalRequests Limit exceeded.";
      return e;
    }
    return std::nullopt;
  };
  d.run();
  ASSERT_GE(times.size(), 3u);
  EXPECT_GE(times[2] - times[1], std::chrono::minutes{45});
  EXPECT_EQ(count_state(ex.report(), org_final_state::upgraded), 10);
}

TEST(Executor, StuckJobsAreReported) {
  auto cfg = base_config();
  cfg.stuck_after = std::chrono::hours{1};
  executor ex(cfg, {slot(0, t0, keys("A", 5))});
  fake_push_api api;
  api.orgs["A00002"].stuck = true;
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run(200);
  EXPECT_FALSE(ex.done());
  const auto r = ex.report();
  ASSERT_EQ(r.stuck_jobs.size(), 1u);
  EXPECT_EQ(r.stuck_jobs[0].org_key, "A00002");
  EXPECT_GE(r.stuck_jobs[0].detected - t0, std::chrono::hours{1});
}

TEST(Executor, TransientJobFailuresAreRepushedUpToTheLimit) {
  auto cfg = base_config();
  cfg.retry.job_attempts_max = 3;
  executor ex(cfg, {slot(0, t0, keys("A", 10)), slot(1, t0 + std::chrono::hours{1}, keys("B", 10))});
  fake_push_api api;
  api.orgs["A00001"].fail_types = {"LockingFailure"};
  api.orgs["A00002"].fail_types = {"UnclassifiedError", "UnclassifiedError", "UnclassifiedError"};
  api.orgs["A00003"].fail_types = {"ApexTestFailure"};
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run();
  ASSERT_TRUE(ex.done());
  const auto r = ex.report();
  EXPECT_EQ(find_org(r, "A00001").state, org_final_state::upgraded);
  EXPECT_EQ(find_org(r, "A00001").attempts, 2);
  EXPECT_EQ(find_org(r, "A00002").state, org_final_state::failed);
  EXPECT_EQ(find_org(r, "A00002").attempts, 3);
  EXPECT_EQ(find_org(r, "A00002").error_type, "UnclassifiedError");
  EXPECT_EQ(find_org(r, "A00003").state, org_final_state::failed);
  EXPECT_EQ(find_org(r, "A00003").attempts, 1);
  EXPECT_EQ(find_org(r, "A00003").error_type, "ApexTestFailure");
  EXPECT_EQ(api.jobs_per_org().at("A00001"), 2);
  EXPECT_EQ(api.jobs_per_org().at("A00002"), 3);
  EXPECT_EQ(count_state(r, org_final_state::upgraded), 18);
}

TEST(Executor, SlotsThatCannotStartBeforeTheDeadlineAreNotPushed) {
  auto cfg = base_config();
  cfg.deadline = t0 + std::chrono::hours{2};
  executor ex(cfg, {slot(0, t0, keys("A", 5)), slot(0, t0 + std::chrono::hours{3}, keys("B", 5))});
  fake_push_api api;
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run();
  ASSERT_TRUE(ex.done());
  const auto r = ex.report();
  EXPECT_EQ(count_state(r, org_final_state::upgraded), 5);
  EXPECT_EQ(find_org(r, "B00000").state, org_final_state::not_pushed);
  EXPECT_NE(find_org(r, "B00000").message.find("deadline"), std::string::npos);
  EXPECT_EQ(api.requests.size(), 1u);
}

TEST(Executor, ConcurrencyCapsDeferSlots) {
  auto cfg = base_config();
  cfg.concurrency.jobs_in_flight_max = 100;
  std::vector<push_slot> slots;
  slots.reserve(5);
  for (int i = 0; i < 5; ++i) slots.push_back(slot(0, t0, keys("S" + std::to_string(i) + "_", 100)));
  executor ex(cfg, slots);
  fake_push_api api;
  std::int64_t max_live = 0;
  api.inject = [&](const api_call&, std::int64_t) -> std::optional<api_error> {
    std::int64_t live = 0;
    for (const auto& j : api.jobs) live += j.status == "Created" || j.status == "Pending" || j.status == "InProgress";
    max_live = std::max(max_live, live);
    return std::nullopt;
  };
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run();
  ASSERT_TRUE(ex.done());
  EXPECT_EQ(count_state(ex.report(), org_final_state::upgraded), 500);
  EXPECT_LE(max_live, 100);
}

TEST(Executor, FailedJobsArePagedAndNoneIsMissed) {
  auto cfg = base_config();
  cfg.retry.transient_error_types.clear();
  executor ex(cfg, {slot(0, t0, keys("A", 30))});
  fake_push_api api;
  api.page_size = 4;
  for (int i = 0; i < 30; i += 3) api.orgs[keys("A", 30)[static_cast<std::size_t>(i)]].fail_types = {"DeployError"};
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run();
  ASSERT_TRUE(ex.done());
  const auto r = ex.report();
  EXPECT_EQ(count_state(r, org_final_state::failed), 10);
  EXPECT_EQ(count_state(r, org_final_state::upgraded), 20);
  EXPECT_GT(r.api_calls_by_endpoint.at("query_more"), 0);
}

TEST(Executor, FailuresTricklingInAreFetchedOnceEachWhileMonitoring) {
  // 400 orgs in one request, finishing one a minute apart over 6.7 h, every other one failing: the executor polls
  // many times while failures trickle in, and each mid-flight fetch must ask only for the newly ended jobs.
  auto cfg = base_config();
  cfg.retry.transient_error_types.clear();
  cfg.gates.max_failure_rate = 1.0;
  cfg.stuck_after = std::chrono::hours{24};  // no stuck-job queries: count only the failed-job reads
  const auto orgs = keys("A", 400);
  executor ex(cfg, {slot(0, t0, orgs)});
  fake_push_api api;
  for (std::size_t i = 0; i < orgs.size(); ++i) {
    auto& o = api.orgs[orgs[i]];
    o.job_duration = std::chrono::minutes{1 + static_cast<int>(i)};
    if (i % 2 == 0) o.fail_types = {"DeployError"};
  }
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run();
  ASSERT_TRUE(ex.done());
  const auto r = ex.report();
  EXPECT_EQ(count_state(r, org_final_state::failed), 200);
  EXPECT_EQ(count_state(r, org_final_state::upgraded), 200);
  EXPECT_GT(r.api_calls_by_endpoint.at("query_jobs"), 20);  // failures were fetched as they came
  // Each failed job is read about once mid-flight (plus the bound's overlap) and once by the final whole fetch;
  // re-reading every failure at every poll would be ~ 200 * polls / 2 rows.
  EXPECT_LE(api.job_rows_answered, 200 * 3);
}

TEST(Executor, ARequestWhoseFailuresAreAllKnownNeedsNoFinalRead) {
  auto cfg = base_config();
  executor ex(cfg, {slot(0, t0, keys("A", 300))});
  fake_push_api api;
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run();
  ASSERT_TRUE(ex.done());
  EXPECT_EQ(count_state(ex.report(), org_final_state::upgraded), 300);
  EXPECT_EQ(ex.report().api_calls_by_endpoint.count("query_jobs"), 0u);  // no failure, nothing to read
}

TEST(Executor, AFailureReportedWithAnEarlierEndTimeIsStillFound) {
  // The last failure claims to have ended two hours before the others (a skewed EndTime): the bounded final
  // read misses it, the counts show it, and the whole read finds it.
  auto cfg = base_config();
  cfg.retry.transient_error_types.clear();
  cfg.gates.max_failure_rate = 1.0;
  cfg.stuck_after = std::chrono::hours{24};
  const auto orgs = keys("A", 60);
  executor ex(cfg, {slot(0, t0, orgs)});
  fake_push_api api;
  for (std::size_t i = 0; i < orgs.size(); ++i) {
    auto& o = api.orgs[orgs[i]];
    o.job_duration = std::chrono::minutes{1 + static_cast<int>(i)};
    if (i % 10 == 0) o.fail_types = {"DeployError"};
  }
  auto& late = api.orgs[orgs[59]];
  late.fail_types = {"LimitExceeded"};
  late.reported_end_shift = -std::chrono::hours{2};
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run();
  ASSERT_TRUE(ex.done());
  const auto r = ex.report();
  EXPECT_EQ(find_org(r, orgs[59]).state, org_final_state::failed);
  EXPECT_EQ(find_org(r, orgs[59]).error_type, "LimitExceeded");
  EXPECT_EQ(count_state(r, org_final_state::failed), 7);
  EXPECT_EQ(count_state(r, org_final_state::upgraded), 53);
}

TEST(Executor, LostCreateResponseAdoptsTheRequestInsteadOfLeavingItCreated) {
  auto cfg = base_config();
  executor ex(cfg, {slot(0, t0, keys("A", 10))});
  fake_push_api api;
  api.apply_then_fail = true;
  int n = 0;
  api.inject = [&](const api_call& c, std::int64_t) -> std::optional<api_error> {
    if (std::holds_alternative<create_push_request>(c) && ++n == 1) {
      api_error e;
      e.kind = api_error::kind_t::transport;
      e.message = "connection reset";
      return e;
    }
    return std::nullopt;
  };
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run();
  ASSERT_TRUE(ex.done());
  ASSERT_EQ(api.requests.size(), 1u);  // the lost one was found and used, not duplicated
  EXPECT_EQ(api.requests[0].status, "Succeeded");
  EXPECT_EQ(count_state(ex.report(), org_final_state::upgraded), 10);
  EXPECT_EQ(ex.report().api_calls_by_endpoint.at("query_requests"), 1);
}

TEST(Executor, PerInstanceCapDefersSlotsOnTheSameInstance) {
  auto cfg = base_config();
  cfg.concurrency.jobs_in_flight_per_instance_max = 60;
  std::vector<push_slot> slots;
  for (int i = 0; i < 4; ++i) {
    auto s = slot(0, t0, keys("S" + std::to_string(i) + "_", 50));
    s.instance_names.assign(50, i < 2 ? "NA1" : (i == 2 ? "NA2" : "EU5"));
    slots.push_back(std::move(s));
  }
  executor ex(cfg, slots);
  fake_push_api api;
  std::int64_t max_na1 = 0, max_all = 0;
  api.inject = [&](const api_call&, std::int64_t) -> std::optional<api_error> {
    std::int64_t na1 = 0, all = 0;
    for (const auto& j : api.jobs) {
      const bool live = j.status == "Created" || j.status == "Pending" || j.status == "InProgress";
      all += live;
      na1 += live && (j.org_key.rfind("S0_", 0) == 0 || j.org_key.rfind("S1_", 0) == 0);
    }
    max_na1 = std::max(max_na1, na1);
    max_all = std::max(max_all, all);
    return std::nullopt;
  };
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run();
  ASSERT_TRUE(ex.done());
  EXPECT_EQ(count_state(ex.report(), org_final_state::upgraded), 200);
  EXPECT_LE(max_na1, 60);   // the two NA1 slots never ran together
  EXPECT_GE(max_all, 100);  // other instances were not held back
}

TEST(Executor, SameSeedSameCallsDifferentSeedDifferentJitter) {
  auto run = [](std::uint64_t seed) {
    auto cfg = base_config();
    cfg.retry.seed = seed;
    executor ex(cfg, {slot(0, t0, keys("A", 600))});
    fake_push_api api;
    fake_driver d{ex, api, t0 - std::chrono::hours{1}};
    std::vector<std::int64_t> times;
    int n = 0;
    api.inject = [&](const api_call& c, std::int64_t) -> std::optional<api_error> {
      times.push_back(to_us(d.now));
      if (std::holds_alternative<add_jobs>(c) && ++n % 2 == 1) return transient_400();
      return std::nullopt;
    };
    d.run();
    return times;
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
}

TEST(Executor, PerWaveGatesOverrideThePlansGatesWhileThatWaveRuns) {
  auto run = [](bool strict_canary) {
    auto cfg = base_config();
    cfg.gates.max_failed_orgs = 5;  // lax for the rollout as a whole
    if (strict_canary) {
      gate_config canary;
      canary.max_failed_orgs = 0;  // any failure in the canary halts
      cfg.gates_per_wave[0] = canary;
    }
    executor ex(cfg, {slot(0, t0, keys("A", 10)), slot(1, t0, keys("B", 10))});
    fake_push_api api;
    api.orgs["A00001"].fail_types = {"FeatureMissing"};
    fake_driver d{ex, api, t0 - std::chrono::hours{1}};
    d.run();
    return ex.report();
  };
  const auto strict = run(true);
  EXPECT_TRUE(strict.halted);
  EXPECT_EQ(find_org(strict, "B00000").state, org_final_state::not_pushed);
  const auto lax = run(false);
  EXPECT_FALSE(lax.halted);
  EXPECT_EQ(find_org(lax, "B00000").state, org_final_state::upgraded);
}

namespace {

push_slot region_slot(int wave, int region, time_point start, std::vector<std::string> orgs) {
  push_slot s = slot(wave, start, std::move(orgs));
  s.region = region;
  return s;
}

// When the fake platform started the first / finished the last job of any of these orgs.
struct job_span {
  std::optional<time_point> first_start, last_end;
};
job_span span_of(const fake_push_api& api, const std::vector<std::string>& orgs) {
  job_span s;
  const std::set<std::string> want(orgs.begin(), orgs.end());
  for (const auto& j : api.jobs) {
    if (!want.contains(j.org_key) || !j.start) continue;
    if (!s.first_start || *j.start < *s.first_start) s.first_start = *j.start;
    const time_point end = *j.start + api.job_duration;
    if (!s.last_end || end > *s.last_end) s.last_end = end;
  }
  return s;
}

}  // namespace

TEST(Executor, FollowTheSunStartsARegionsNextWaveAfterItsOwnCanaryAndBake) {
  // Region 0's canary at t0, its rest planned at t0 + 1 h; region 1's canary at t0 + 6 h, its rest at t0 + 7 h.
  auto run = [](bool follow_the_sun) {
    auto cfg = base_config();
    cfg.bake_time = std::chrono::hours{2};
    if (follow_the_sun) cfg.follow_the_sun_waves = {1};
    std::vector<push_slot> slots{region_slot(1, 0, t0, keys("A", 5)),
                                 region_slot(1, 1, t0 + std::chrono::hours{6}, keys("B", 5)),
                                 region_slot(2, 0, t0 + std::chrono::hours{1}, keys("C", 20)),
                                 region_slot(2, 1, t0 + std::chrono::hours{7}, keys("D", 20))};
    executor ex(cfg, slots);
    fake_push_api api;
    fake_driver d{ex, api, t0 - std::chrono::hours{1}};
    d.run();
    EXPECT_TRUE(ex.done());
    const auto r = ex.report();
    EXPECT_FALSE(r.halted);
    EXPECT_EQ(count_state(r, org_final_state::upgraded), 50);
    return std::array<job_span, 4>{span_of(api, keys("A", 5)), span_of(api, keys("B", 5)), span_of(api, keys("C", 20)),
                                   span_of(api, keys("D", 20))};
  };
  const auto sun = run(true);
  for (const auto& s : sun) ASSERT_TRUE(s.first_start && s.last_end);
  // Region 0's rest (planned at t0 + 1 h): after region 0's canary finished and baked 2 h, long before region 1's
  // canary even started.
  EXPECT_GE(*sun[2].first_start, *sun[0].last_end + std::chrono::hours{2});
  EXPECT_LT(*sun[2].first_start, *sun[0].last_end + std::chrono::hours{2} + std::chrono::minutes{5});
  EXPECT_LT(*sun[2].first_start, *sun[1].first_start);
  // Region 1's rest: after region 1's canary finished and baked.
  EXPECT_GE(*sun[3].first_start, *sun[1].last_end + std::chrono::hours{2});
  // Without follow the sun, region 0's rest waits for every canary.
  const auto global = run(false);
  ASSERT_TRUE(global[2].first_start && global[1].last_end);
  EXPECT_GE(*global[2].first_start, *global[1].last_end + std::chrono::hours{2});
}

TEST(Executor, FollowTheSunWaitsForARegionsCanaryRetries) {
  auto cfg = base_config();
  cfg.follow_the_sun_waves = {1};
  cfg.retry.job_retry_delay = std::chrono::hours{2};
  std::vector<push_slot> slots{region_slot(1, 0, t0, keys("A", 5)),
                               region_slot(2, 0, t0 + std::chrono::hours{1}, keys("C", 5))};
  executor ex(cfg, slots);
  fake_push_api api;
  api.orgs["A00003"].fail_types = {"UnclassifiedError"};  // transient: re-pushed 2 h later
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run();
  const auto r = ex.report();
  EXPECT_EQ(find_org(r, "A00003").state, org_final_state::upgraded);
  EXPECT_EQ(find_org(r, "A00003").attempts, 2);
  const auto canary = span_of(api, keys("A", 5)), rest = span_of(api, keys("C", 5));
  ASSERT_TRUE(canary.last_end && rest.first_start);
  EXPECT_GE(*canary.last_end, t0 + std::chrono::hours{2});
  EXPECT_GE(*rest.first_start, *canary.last_end + cfg.bake_time);
}

TEST(Executor, FollowTheSunRegionWithoutACanaryWaitsForTheWholeCanaryWave) {
  auto cfg = base_config();
  cfg.follow_the_sun_waves = {1};
  std::vector<push_slot> slots{region_slot(1, 0, t0, keys("A", 5)),
                               region_slot(1, 1, t0 + std::chrono::hours{5}, keys("B", 5)),
                               region_slot(2, 2, t0 + std::chrono::hours{1}, keys("E", 5))};
  executor ex(cfg, slots);
  fake_push_api api;
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run();
  const auto canary_b = span_of(api, keys("B", 5)), rest_e = span_of(api, keys("E", 5));
  ASSERT_TRUE(canary_b.last_end && rest_e.first_start);
  EXPECT_GE(*rest_e.first_start, *canary_b.last_end + cfg.bake_time);
}

TEST(Executor, FollowTheSunCanaryFailureInALaterRegionHaltsEveryRegion) {
  auto cfg = base_config();
  cfg.follow_the_sun_waves = {1};
  cfg.gates.halt_on_new_error_type = true;
  // Region 0: canary at t0, rest in two slots (t0 + 1 h, t0 + 10 h). Region 1: canary at t0 + 3 h (one org fails
  // with a new ErrorType), rest at t0 + 4 h. Region 2: canary at t0 + 8 h, rest at t0 + 9 h.
  std::vector<push_slot> slots{region_slot(1, 0, t0, keys("A", 5)),
                               region_slot(1, 1, t0 + std::chrono::hours{3}, keys("B", 5)),
                               region_slot(1, 2, t0 + std::chrono::hours{8}, keys("F", 5)),
                               region_slot(2, 0, t0 + std::chrono::hours{1}, keys("C", 10)),
                               region_slot(2, 0, t0 + std::chrono::hours{10}, keys("G", 10)),
                               region_slot(2, 1, t0 + std::chrono::hours{4}, keys("D", 10)),
                               region_slot(2, 2, t0 + std::chrono::hours{9}, keys("H", 10))};
  executor ex(cfg, slots);
  fake_push_api api;
  api.orgs["B00002"].fail_types = {"DeployError"};
  fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run();
  ASSERT_TRUE(ex.done());
  const auto r = ex.report();
  EXPECT_TRUE(r.halted);
  EXPECT_NE(r.halt_reason.find("DeployError"), std::string::npos);
  // Region 0's first rest slot ran before the failure; everything not yet started anywhere is stopped: region 0's
  // later slot although region 0 had already been handed over, region 1's rest, region 2's canary and rest.
  EXPECT_EQ(find_org(r, "C00000").state, org_final_state::upgraded);
  for (const char* k : {"G00000", "D00000", "F00000", "H00000"}) {
    EXPECT_EQ(find_org(r, k).state, org_final_state::not_pushed) << k;
    EXPECT_NE(find_org(r, k).message.find("halted"), std::string::npos) << k;
  }
  EXPECT_EQ(count_state(r, org_final_state::failed), 1);
  for (const auto& [org, n] : api.jobs_per_org()) EXPECT_TRUE(org[0] == 'A' || org[0] == 'B' || org[0] == 'C') << org;
  expect_no_request_left_open(api);
}

// Requests monitored at the same time share their status polls: eight requests cost about the polls of one,
// not eight times as many, and every org still gets its outcome.
TEST(Executor, StatusPollsOfConcurrentRequestsAreBatched) {
  auto polls_for = [](int requests) {
    std::vector<push_slot> slots;
    slots.reserve(static_cast<std::size_t>(requests));
    for (int i = 0; i < requests; ++i) slots.push_back(slot(0, t0, keys("R" + std::to_string(i) + "-", 50)));
    executor ex(base_config(), slots);
    fake_push_api api;
    fake_driver d{ex, api, t0 - std::chrono::hours{1}};
    d.run();
    EXPECT_TRUE(ex.done());
    EXPECT_EQ(count_state(ex.report(), org_final_state::upgraded), 50 * requests);
    return ex.report().api_calls_by_endpoint.at("query_status_counts");
  };
  const auto one = polls_for(1);
  const auto eight = polls_for(8);
  EXPECT_LE(eight, one + 2);
}
