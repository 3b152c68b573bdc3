#include "pushsim/scheduler/rollout.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "fake_push_api.hpp"
#include "pushsim/scheduler/journal.hpp"

using namespace pushsim;
using namespace pushsim::scheduler;
using pushsim::scheduler::testing::fake_push_api;

namespace {

const time_point t0 = from_us(1'800'000'000'000'000);

std::vector<subscriber> make_subscribers(int n) {
  std::vector<subscriber> out;
  for (int i = 0; i < n; ++i) {
    subscriber s;
    char key[16];
    std::snprintf(key, sizeof key, "00D000000000%03d", i);
    s.org_key = key;
    s.org_name = "Org " + std::to_string(i);
    s.instance_name = i % 2 == 0 ? "NA45" : "EU12";
    s.installed_version_id = "04t000000000000AAA";
    out.push_back(std::move(s));
  }
  return out;
}

// follow_the_sun: the canary and the rest run region by region (NA45 is New York, EU12 London).
plan make_plan(bool follow_the_sun = false) {
  auto r = parse_plan(std::string(R"({"name": "t", "target": {"package_version_id": "04t000000000001AAA"},
                         "start": "2027-01-15T08:00:00Z", "concurrency": {"orgs_per_request": 10},
                         "job_creation": {"batch_size": 4}, "retry": {"initial_backoff": "1s"},
                         "waves": [{"name": "canary", "select": {"max_orgs": 6}, "follow_the_sun": )") +
                      (follow_the_sun ? "true" : "false") + R"(}, {"name": "rest"}]})");
  EXPECT_TRUE(r) << r.error_text();
  return *r.value;
}

// A journal that keeps only its first `keep` lines: the process "dies" when it tries to write the next one.
class crashing_journal final : public journal_sink {
 public:
  explicit crashing_journal(std::size_t keep) : keep_(keep) {}
  void append(std::string_view line) override {
    if (lines.size() < keep_) lines.emplace_back(line);
    else crashed = true;
  }
  std::vector<std::string> lines;
  bool crashed = false;

 private:
  std::size_t keep_;
};

// Drives a rollout against the fake API until it is done, or until stop() says the process died.
// Returns the time reached.
time_point drive(
    rollout& ro, fake_push_api& api, time_point now, const std::function<bool()>& stop = [] { return false; }) {
  pushsim::scheduler::testing::basic_fake_driver<rollout> d{ro, api, now};
  d.keep_going = [&] { return !stop(); };
  d.run();
  return d.now;
}

}  // namespace

TEST(Rollout, PlanOnlyWithGivenSubscribersMakesNoCall) {
  rollout ro(make_plan(), "033000000000001AAA");
  ro.use_subscribers(make_subscribers(25));
  ro.set_plan_only(true);
  const auto out = ro.on_time(t0);
  EXPECT_TRUE(out.calls.empty());
  EXPECT_TRUE(ro.done());
  ASSERT_NE(ro.planned(), nullptr);
  EXPECT_EQ(ro.planned()->orgs.size(), 25u);
  EXPECT_FALSE(ro.report().has_value());
  EXPECT_EQ(ro.fetch_calls(), 0);
}

// A rollout killed after each journal line and continued by a new rollout over the same subscribers with
// rollout::resume: every org gets exactly one job and is upgraded.
// fail_reconcile: the resumed rollout's first two reconcile queries get no answer (the instance is away).
static void expect_resume_exactly_once(bool follow_the_sun, bool fail_reconcile = false) {
  const auto subs = make_subscribers(25);
  memory_journal full;
  {
    fake_push_api api;
    rollout ro(make_plan(follow_the_sun), "033000000000001AAA", nullptr, &full);
    ro.use_subscribers(subs);
    drive(ro, api, t0);
    ASSERT_TRUE(ro.done());
    ASSERT_FALSE(ro.halted());
  }
  ASSERT_GT(full.lines.size(), 20u);
  int crashes = 0;
  for (std::size_t keep = 1; keep < full.lines.size(); keep += 2) {
    SCOPED_TRACE("crash after line " + std::to_string(keep));
    fake_push_api api;
    crashing_journal cj(keep);
    time_point crash_time;
    {
      rollout ro(make_plan(follow_the_sun), "033000000000001AAA", nullptr, &cj);
      ro.use_subscribers(subs);
      crash_time = drive(ro, api, t0, [&] { return cj.crashed; });
      if (!cj.crashed) continue;
    }
    ++crashes;
    memory_journal after;
    rollout ro(make_plan(follow_the_sun), "033000000000001AAA", nullptr, &after);
    ro.use_subscribers(subs);
    ro.resume(read_journal(cj.lines));
    int reconcile_failures = 0;
    if (fail_reconcile) {
      api.inject = [&](const api_call& c, std::int64_t) -> std::optional<api_error> {
        if (!std::holds_alternative<query_requests_for_version>(c) || reconcile_failures == 2) return std::nullopt;
        ++reconcile_failures;
        return api_error{api_error::kind_t::transport, 0, "", "transport error: timeout"};
      };
    }
    drive(ro, api, crash_time + std::chrono::seconds{5});
    if (fail_reconcile) {
      EXPECT_EQ(reconcile_failures, 2);
    }
    ASSERT_TRUE(ro.done());
    const auto per_org = api.jobs_per_org();
    for (const auto& s : subs) {
      ASSERT_TRUE(per_org.contains(s.org_key)) << s.org_key << " lost";
      EXPECT_EQ(per_org.at(s.org_key), 1) << s.org_key;
    }
    const auto rep = ro.report();
    ASSERT_TRUE(rep.has_value());
    for (const auto& o : rep->orgs) EXPECT_EQ(o.state, org_final_state::upgraded) << o.org_key << ": " << o.message;
    for (const auto& req : api.requests) EXPECT_NE(req.status, "Created") << req.id;
  }
  EXPECT_GE(crashes, 10);
}

TEST(Rollout, ResumeFromTheJournalIsExactlyOnce) { expect_resume_exactly_once(false); }

// A resumed run whose reconcile query fails retries it and carries on (it used to wait forever).
TEST(Rollout, ResumeRetriesAFailedReconcileQuery) { expect_resume_exactly_once(false, true); }

TEST(Rollout, FollowTheSunPlanReachesTheExecutorAndResumesExactlyOnce) {
  const plan p = make_plan(true);
  EXPECT_EQ(make_executor_config(p).follow_the_sun_waves, (std::set<int>{1}));
  EXPECT_TRUE(make_executor_config(make_plan(false)).follow_the_sun_waves.empty());
  const auto subs = make_subscribers(25);
  const auto planned = plan_rollout(subs, nullptr, p);
  ASSERT_EQ(planned.waves[0].org_count, 6u);
  const auto slots = make_push_slots(planned, subs);
  std::map<int, int> canary_per_region;
  for (const auto& ps : slots) {
    for (const auto& inst : ps.instance_names) {
      EXPECT_EQ(ps.region, static_cast<int>(inst == "NA45" ? sun_region::americas : sun_region::emea)) << inst;
      if (ps.wave == 1) ++canary_per_region[ps.region];
    }
  }
  EXPECT_EQ(canary_per_region, (std::map<int, int>{{0, 3}, {1, 3}}));  // 6 canary orgs split 13:12 -> 3 + 3
  expect_resume_exactly_once(true);
}
