#include "pushsim/scheduler/plan.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "pushsim/scheduler/duration_text.hpp"

using namespace pushsim;
using namespace pushsim::scheduler;

namespace {

constexpr const char* good_plan = R"({
  "name": "2.4 rollout",
  "target": {"package_version_id": "04t000000000001AAA", "version": "2.4.0.1"},
  "start": "2026-11-27T00:00:00Z",
  "deadline": "2026-12-15T00:00:00Z",
  "seed": 42,
  "slot_granularity": "15m",
  "expected_slot_duration": "45m",
  "poll_interval": 30,
  "windows": {
    "quiet_hours": [{"start": "22:00", "end": "05:00"}],
    "avoid_weekdays": ["Saturday", "sun"],
    "avoid_dates": ["2026-12-25"],
    "quarter_end_business_days": 3,
    "freezes": [{"start": "2026-12-01T00:00:00Z", "end": "2026-12-02T00:00:00Z", "reason": "release freeze"}],
    "default_time_zone": "America/Chicago",
    "instance_time_zones": {"NA45": "America/Los_Angeles"}
  },
  "concurrency": {"orgs_per_request": 500, "max_jobs_in_flight": 2000, "max_jobs_in_flight_per_instance": 200},
  "api_budget": {"calls_per_24h": 100000, "reserve_calls": 10000},
  "retry": {"transient_error_types": ["UnclassifiedError", "UNKNOWN_EXCEPTION"], "max_attempts": 4,
            "initial_backoff": "30s", "max_backoff": "1h", "backoff_multiplier": 2.5, "jitter": 0.1},
  "job_creation": {"mode": "sobject_collections", "batch_size": 150},
  "gates": {"max_failure_rate": 0.05, "max_failed_orgs": 100, "max_broken_signals": 3,
            "halt_on_new_error_type": true, "min_samples": 20},
  "waves": [
    {"name": "canary", "select": {"org_types": ["Sandbox"], "share_percent": 1, "max_orgs": 50},
     "strategy": "representative", "bake": "6h", "gates": {"max_failed_orgs": 1}},
    {"name": "early", "select": {"org_statuses": ["Active", "Trial"], "instances": ["NA45"], "share_percent": 10},
     "strategy": "by_instance", "bake": "1d"},
    {"name": "rest", "select": {"orgs": ["00D000000000001", "00D000000000002EAA"]}}
  ]
})";

bool has_error(const plan_parse_result& r, const std::string& pointer) {
  for (const auto& e : r.errors) {
    if (e.pointer == pointer) return true;
  }
  return false;
}

// Replaces the first occurrence of `from` in the good plan.
std::string mutate(const std::string& from, const std::string& to) {
  std::string s = good_plan;
  const auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

void expect_error_at(const std::string& text, const std::string& pointer, const std::string& words = {},
                     const plan_parse_options& options = {}) {
  const auto r = parse_plan(text, options);
  EXPECT_FALSE(r) << "expected an error at " << pointer;
  EXPECT_TRUE(has_error(r, pointer)) << "no error at " << pointer << "; got:\n" << r.error_text();
  if (!words.empty()) {
    EXPECT_NE(r.error_text().find(words), std::string::npos) << r.error_text();
  }
}

}  // namespace

TEST(PlanFile, ParsesEveryField) {
  const auto r = parse_plan(good_plan);
  ASSERT_TRUE(r) << r.error_text();
  const plan& p = *r.value;
  EXPECT_EQ(p.name, "2.4 rollout");
  EXPECT_EQ(p.target.package_version_id, "04t000000000001AAA");
  EXPECT_EQ(p.target.version, (package_version{2, 4, 0, 1}));
  EXPECT_EQ(format_iso8601(p.start), "2026-11-27T00:00:00Z");
  EXPECT_EQ(format_iso8601(*p.deadline), "2026-12-15T00:00:00Z");
  EXPECT_EQ(p.seed, 42u);
  EXPECT_EQ(p.slot_granularity, std::chrono::minutes{15});
  EXPECT_EQ(p.expected_slot_duration, std::chrono::minutes{45});
  EXPECT_EQ(p.poll_interval, std::chrono::seconds{30});
  ASSERT_EQ(p.windows.quiet_hours.size(), 1u);
  EXPECT_EQ(p.windows.quiet_hours[0].start_min, 22 * 60);
  EXPECT_EQ(p.windows.quiet_hours[0].end_min, 5 * 60);
  EXPECT_EQ(p.windows.avoid_weekdays_mask, (1u << 6) | 1u);
  ASSERT_EQ(p.windows.avoid_dates.size(), 1u);
  EXPECT_EQ(p.windows.quarter_end_business_days, 3);
  ASSERT_EQ(p.windows.freezes.size(), 1u);
  EXPECT_EQ(p.windows.freezes[0].reason, "release freeze");
  EXPECT_EQ(p.windows.default_time_zone, "America/Chicago");
  ASSERT_EQ(p.windows.instance_time_zones.size(), 1u);
  EXPECT_EQ(p.concurrency.orgs_per_request, 500u);
  EXPECT_EQ(p.concurrency.max_jobs_in_flight, 2000u);
  EXPECT_EQ(p.concurrency.max_jobs_in_flight_per_instance, 200u);
  EXPECT_EQ(p.api_budget.calls_per_24h, 100000u);
  EXPECT_EQ(p.retry.max_attempts, 4);
  EXPECT_EQ(p.retry.transient_error_types.size(), 2u);
  EXPECT_EQ(p.retry.max_backoff, std::chrono::hours{1});
  EXPECT_DOUBLE_EQ(p.retry.backoff_multiplier, 2.5);
  EXPECT_EQ(p.job_creation.mode, job_creation_mode::sobject_collections);
  EXPECT_EQ(p.job_creation.batch_size, 150u);
  EXPECT_TRUE(p.gates.halt_on_new_error_type);
  EXPECT_EQ(p.gates.min_samples, 20u);
  ASSERT_EQ(p.waves.size(), 3u);
  EXPECT_EQ(p.waves[0].strategy, selection_strategy::representative);
  EXPECT_EQ(p.waves[0].bake, std::chrono::hours{6});
  EXPECT_EQ(p.waves[0].select.max_orgs, 50u);
  ASSERT_TRUE(p.waves[0].gates.has_value());
  EXPECT_EQ(p.waves[0].gates->max_failed_orgs, 1u);
  EXPECT_EQ(p.waves[1].strategy, selection_strategy::by_instance);
  EXPECT_EQ(p.waves[1].bake, std::chrono::days{1});
  EXPECT_EQ(p.waves[2].name, "rest");
  EXPECT_TRUE(p.waves[2].select.has_org_list);
  EXPECT_EQ(p.waves[2].select.org_keys, (std::vector<std::string>{"00D000000000001", "00D000000000002"}));
}

TEST(PlanFile, MinimalPlanGetsDefaults) {
  const auto r = parse_plan(R"({"target": {"version": "1.2"}, "start": "2026-01-01", "waves": [{}]})");
  ASSERT_TRUE(r) << r.error_text();
  EXPECT_EQ(r.value->job_creation.batch_size, 200u);
  EXPECT_EQ(r.value->waves[0].name, "wave-1");
  EXPECT_FALSE(r.value->deadline.has_value());
}

TEST(PlanFile, DurationsAcceptUnitsAndSeconds) {
  EXPECT_EQ(parse_duration_text("30m"), std::chrono::minutes{30});
  EXPECT_EQ(parse_duration_text("1h30m"), std::chrono::minutes{90});
  EXPECT_EQ(parse_duration_text("2d"), std::chrono::hours{48});
  EXPECT_EQ(parse_duration_text("45"), std::chrono::seconds{45});
  EXPECT_FALSE(parse_duration_text("1h30"));
  EXPECT_FALSE(parse_duration_text("-5m"));
  EXPECT_FALSE(parse_duration_text("5 minutes"));
  EXPECT_EQ(format_duration_text(std::chrono::minutes{90}), "1h30m");
}

TEST(PlanFile, RejectsUnknownKeys) {
  expect_error_at(mutate("\"seed\": 42", "\"seed\": 42, \"colour\": \"blue\""), "/colour", "unknown key");
  expect_error_at(mutate("\"max_orgs\": 50", "\"max_orgs\": 50, \"shares\": 3"), "/waves/0/select/shares");
}

TEST(PlanFile, RejectsWrongTypes) {
  expect_error_at(mutate("\"seed\": 42", "\"seed\": \"42\""), "/seed", "expected an integer");
  expect_error_at(mutate("\"max_attempts\": 4", "\"max_attempts\": 2.5"), "/retry/max_attempts");
  expect_error_at(mutate("\"halt_on_new_error_type\": true", "\"halt_on_new_error_type\": 1"),
                  "/gates/halt_on_new_error_type", "true or false");
  expect_error_at(mutate("\"bake\": \"6h\"", "\"bake\": \"six hours\""), "/waves/0/bake", "duration");
  expect_error_at(mutate("\"org_types\": [\"Sandbox\"]", "\"org_types\": [\"Developer\"]"),
                  "/waves/0/select/org_types/0");
  expect_error_at(mutate("\"strategy\": \"by_instance\"", "\"strategy\": \"alphabetical\""), "/waves/1/strategy");
  expect_error_at(mutate("\"start\": \"2026-11-27T00:00:00Z\"", "\"start\": \"next friday\""), "/start", "ISO-8601");
}

TEST(PlanFile, RejectsImpossibleWindows) {
  expect_error_at(mutate("\"end\": \"05:00\"", "\"end\": \"22:00\""), "/windows/quiet_hours/0", "start equals end");
  expect_error_at(mutate("\"start\": \"22:00\"", "\"start\": \"25:00\""), "/windows/quiet_hours/0/start", "HH:MM");
  expect_error_at(mutate("[\"Saturday\", \"sun\"]", "[\"Mon\",\"Tue\",\"Wed\",\"Thu\",\"Fri\",\"Sat\",\"Sun\"]"),
                  "/windows/avoid_weekdays", "every weekday");
  expect_error_at(mutate("\"end\": \"2026-12-02T00:00:00Z\"", "\"end\": \"2026-11-30T00:00:00Z\""),
                  "/windows/freezes/0/end", "after start");
  std::string covered = mutate("\"start\": \"2026-12-01T00:00:00Z\"", "\"start\": \"2026-11-01T00:00:00Z\"");
  covered.replace(covered.find("2026-12-02T00:00:00Z"), 20, "2026-12-20T00:00:00Z");
  expect_error_at(covered, "/windows/freezes", "cover the whole time");
  expect_error_at(mutate("\"quarter_end_business_days\": 3", "\"quarter_end_business_days\": 70"),
                  "/windows/quarter_end_business_days");
}

TEST(PlanFile, WholeDayWindowIsAllowed) {
  const auto r = parse_plan(mutate("\"end\": \"05:00\"", "\"end\": \"24:00\"")
                                .replace(std::string(good_plan).find("\"22:00\""), 7, "\"00:00\""));
  ASSERT_TRUE(r) << r.error_text();
  EXPECT_EQ(r.value->windows.quiet_hours[0].start_min, 0);
  EXPECT_EQ(r.value->windows.quiet_hours[0].end_min, 1440);
  expect_error_at(mutate("\"end\": \"05:00\"", "\"end\": \"00:00\"")
                      .replace(std::string(good_plan).find("\"22:00\""), 7, "\"24:00\""),
                  "/windows/quiet_hours/0", "start equals end");
}

TEST(PlanFile, RejectsUnknownTimeZones) {
  expect_error_at(mutate("\"America/Chicago\"", "\"America/Atlantis\""), "/windows/default_time_zone",
                  "unknown time zone");
  expect_error_at(mutate("\"America/Los_Angeles\"", "\"Mars/Olympus_Mons\""), "/windows/instance_time_zones/NA45");
}

TEST(PlanFile, RejectsSharesOverOneHundredPercent) {
  expect_error_at(mutate("\"share_percent\": 10", "\"share_percent\": 150"), "/waves/1/select/share_percent",
                  "(0, 100]");
  expect_error_at(mutate("\"share_percent\": 10", "\"share_percent\": 0"), "/waves/1/select/share_percent");
}

TEST(PlanFile, RejectsDeadlineInThePast) {
  expect_error_at(mutate("\"deadline\": \"2026-12-15T00:00:00Z\"", "\"deadline\": \"2026-11-26T00:00:00Z\""),
                  "/deadline", "deadline in the past");
  plan_parse_options later;
  later.now = *parse_iso8601("2026-12-20T00:00:00Z").time;
  expect_error_at(good_plan, "/deadline", "not after now", later);
}

TEST(PlanFile, DeadlineSaysWhatMissingItCosts) {
  const auto bare = parse_plan(good_plan);
  ASSERT_TRUE(bare) << bare.error_text();
  EXPECT_EQ(bare.value->deadline_cost, deadline_kind::soft);
  const auto retired = parse_plan(mutate("\"deadline\": \"2026-12-15T00:00:00Z\"",
                                         R"("deadline": {"at": "2026-12-15T00:00:00Z", "kind": "api_retirement"})"));
  ASSERT_TRUE(retired) << retired.error_text();
  EXPECT_EQ(retired.value->deadline_cost, deadline_kind::api_retirement);
  EXPECT_EQ(format_iso8601(*retired.value->deadline), "2026-12-15T00:00:00Z");
  const auto compliance = parse_plan(mutate("\"deadline\": \"2026-12-15T00:00:00Z\"",
                                            R"("deadline": {"at": "2026-12-15T00:00:00Z", "kind": "compliance"})"));
  ASSERT_TRUE(compliance) << compliance.error_text();
  EXPECT_EQ(compliance.value->deadline_cost, deadline_kind::compliance);
  // An object without a kind is soft.
  const auto no_kind =
      parse_plan(mutate("\"deadline\": \"2026-12-15T00:00:00Z\"", R"("deadline": {"at": "2026-12-15T00:00:00Z"})"));
  ASSERT_TRUE(no_kind) << no_kind.error_text();
  EXPECT_EQ(no_kind.value->deadline_cost, deadline_kind::soft);
}

TEST(PlanFile, RejectsBadDeadlineObjects) {
  const std::string bare = "\"deadline\": \"2026-12-15T00:00:00Z\"";
  expect_error_at(mutate(bare, R"("deadline": {"at": "2026-12-15T00:00:00Z", "kind": "hard"})"), "/deadline/kind",
                  "\"api_retirement\"");
  expect_error_at(mutate(bare, R"("deadline": {"kind": "compliance"})"), "/deadline/at", "missing");
  expect_error_at(mutate(bare, R"("deadline": {"at": "2026-12-15T00:00:00Z", "when": 1})"), "/deadline/when",
                  "unknown key");
  expect_error_at(mutate(bare, R"("deadline": {"at": "2026-11-26T00:00:00Z", "kind": "compliance"})"), "/deadline/at",
                  "deadline in the past");
  expect_error_at(mutate(bare, R"("deadline": 5)"), "/deadline", "ISO-8601");
}

TEST(PlanFile, GateActionIsHaltOrAPauseForReview) {
  const auto halt = parse_plan(good_plan);
  ASSERT_TRUE(halt);
  EXPECT_EQ(halt.value->on_gate_trip.what, gate_action::kind::halt);
  const auto pause = parse_plan(mutate("\"seed\"", R"("gate_action": "pause:4h", "seed")"));
  ASSERT_TRUE(pause) << pause.error_text();
  EXPECT_EQ(pause.value->on_gate_trip.what, gate_action::kind::pause);
  EXPECT_EQ(pause.value->on_gate_trip.review, std::chrono::hours{4});
  EXPECT_EQ(to_string(pause.value->on_gate_trip), "pause:4h");
  expect_error_at(mutate("\"seed\"", R"("gate_action": "pause", "seed")"), "/gate_action", "pause:4h");
  expect_error_at(mutate("\"seed\"", R"("gate_action": "pause:0m", "seed")"), "/gate_action");
  expect_error_at(mutate("\"seed\"", R"("gate_action": "stop", "seed")"), "/gate_action");
  EXPECT_FALSE(parse_gate_action("pause:4x"));
  EXPECT_FALSE(parse_gate_action("Halt"));
}

TEST(PlanFile, RejectsBatchSizeOver200) {
  expect_error_at(mutate("\"batch_size\": 150", "\"batch_size\": 201"), "/job_creation/batch_size", "[1, 200]");
  expect_error_at(mutate("\"mode\": \"sobject_collections\"", "\"mode\": \"bulk\""), "/job_creation/mode");
}

TEST(PlanFile, RejectsOtherMistakes) {
  expect_error_at(mutate("\"00D000000000002EAA\"", "\"00D000000000002ZZZ\""), "/waves/2/select/orgs/1", "org id");
  expect_error_at(mutate("\"reserve_calls\": 10000", "\"reserve_calls\": 100000"), "/api_budget/reserve_calls");
  expect_error_at(mutate("\"max_backoff\": \"1h\"", "\"max_backoff\": \"10s\""), "/retry/max_backoff");
  expect_error_at(mutate("\"UNKNOWN_EXCEPTION\"", "\"SomethingBad\""), "/retry/transient_error_types/1", "ErrorType");
  expect_error_at(mutate("\"max_failure_rate\": 0.05", "\"max_failure_rate\": 5"), "/gates/max_failure_rate");
  expect_error_at(mutate("\"version\": \"2.4.0.1\"", "\"version\": \"2.x\""), "/target/version");
  expect_error_at(mutate("\"04t000000000001AAA\"", "\"a0B000000000001AAA\""), "/target/package_version_id", "04t");
  expect_error_at(mutate("{\"name\": \"rest\"", "{\"name\": \"canary\""), "/waves/2/name", "duplicate wave name");
  expect_error_at(R"({"target": {"version": "1.2"}, "start": "2026-01-01", "waves": []})", "/waves", "non-empty");
  expect_error_at(R"({"start": "2026-01-01", "waves": [{}]})", "/target", "missing; expected");
  expect_error_at("{\"target\": ", "", "not valid JSON");
  expect_error_at("[1, 2]", "", "expected an object");
}

TEST(PlanFile, CollectsAllErrorsNotOnlyTheFirst) {
  std::string s = mutate("\"seed\": 42", "\"seed\": -1");
  s.replace(s.find("\"batch_size\": 150"), 17, "\"batch_size\": 500");
  s.replace(s.find("\"share_percent\": 10"), 19, "\"share_percent\": 101");
  const auto r = parse_plan(s);
  ASSERT_FALSE(r);
  EXPECT_TRUE(has_error(r, "/seed"));
  EXPECT_TRUE(has_error(r, "/job_creation/batch_size"));
  EXPECT_TRUE(has_error(r, "/waves/1/select/share_percent"));
  EXPECT_EQ(r.errors.size(), 3u) << r.error_text();
}

TEST(PlanFile, ReadsOrgFilesRelativeToThePlan) {
  const std::string dir = testing::TempDir();
  {
    std::ofstream f(dir + "/scheduler_plan_test_orgs.txt");
    f << "# canary orgs\n00D000000000007\n\n00D000000000008EAA\nnot-a-key\n";
  }
  const std::string text = mutate("\"orgs\": [\"00D000000000001\", \"00D000000000002EAA\"]",
                                  "\"org_file\": \"scheduler_plan_test_orgs.txt\"");
  plan_parse_options options;
  options.base_dir = dir;
  const auto r = parse_plan(text, options);
  ASSERT_FALSE(r);
  ASSERT_TRUE(has_error(r, "/waves/2/select/org_file"));
  EXPECT_NE(r.error_text().find("line 5"), std::string::npos) << r.error_text();
  {
    std::ofstream f(dir + "/scheduler_plan_test_orgs.txt");
    f << "00D000000000007\n00D000000000008EAA\n";
  }
  const auto ok = parse_plan(text, options);
  ASSERT_TRUE(ok) << ok.error_text();
  EXPECT_EQ(ok.value->waves[2].select.org_keys, (std::vector<std::string>{"00D000000000007", "00D000000000008"}));
  std::remove((dir + "/scheduler_plan_test_orgs.txt").c_str());
}

TEST(PlanFile, ExamplePlanInScenariosParses) {
  plan_parse_options options;
  options.now = *parse_iso8601("2026-11-23T00:00:00Z").time;
  const auto r = load_plan_file(std::string(PUSHSIM_SOURCE_DIR) + "/scenarios/plans/example.plan.json", options);
  ASSERT_TRUE(r) << r.error_text();
  EXPECT_EQ(r.value->waves.size(), 4u);
  EXPECT_EQ(r.value->waves[1].strategy, selection_strategy::representative);
  const auto missing = load_plan_file("/nonexistent/plan.json");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error_text().find("cannot read the plan file"), std::string::npos);
}

TEST(PlanFile, FollowTheSunIsABooleanAndNeedsANextWave) {
  const auto ok = parse_plan(mutate("\"bake\": \"6h\"", "\"bake\": \"6h\", \"follow_the_sun\": true"));
  ASSERT_TRUE(ok) << ok.error_text();
  EXPECT_TRUE(ok.value->waves[0].follow_the_sun);
  EXPECT_FALSE(ok.value->waves[1].follow_the_sun);
  expect_error_at(mutate("\"bake\": \"6h\"", "\"bake\": \"6h\", \"follow_the_sun\": \"yes\""),
                  "/waves/0/follow_the_sun", "expected true or false");
  expect_error_at(mutate("{\"name\": \"rest\",", "{\"name\": \"rest\", \"follow_the_sun\": true,"),
                  "/waves/2/follow_the_sun", "last wave");
}

TEST(PlanFile, ErrorsUseTheSharedShapeAndWording) {
  plan_parse_options options;
  options.file = "p.json";
  options.default_start = parse_iso8601("2026-11-27T00:00:00Z").time;
  const auto r = parse_plan(R"({"target": {"version": "1.2"}, "seed": -1, "colour": 1,
                                "waves": [{"name": "a", "select": {"max_orgs": 99999999999999999999999}}]})",
                            options);
  ASSERT_EQ(r.errors.size(), 3u) << r.error_text();
  EXPECT_EQ(
      r.errors[0].to_string(),
      "p.json: /colour: unknown key \"colour\" (known keys: name, target, start, deadline, seed, slot_granularity, "
      "expected_slot_duration, poll_interval, windows, concurrency, api_budget, retry, job_creation, gates, "
      "gate_action, waves, maintenance, instance_queue)");
  EXPECT_EQ(r.errors[1].to_string(),
            "p.json: /seed: expected an integer in [0, 18446744073709551615], found number -1");
  EXPECT_EQ(r.errors[2].to_string(),
            "p.json: /waves/0/select/max_orgs: expected an integer in [1, 18446744073709551615], found number "
            "9.999999999999999e+22");
  // The default start is used when the plan has none.
  const auto ok = parse_plan(R"({"target": {"version": "1.2"}, "waves": [{"name": "a"}]})", options);
  ASSERT_TRUE(ok) << ok.error_text();
  EXPECT_EQ(ok.value->start, *options.default_start);
}

// "maintenance" takes Salesforce's published records (instanceKeys, plannedStartTime, plannedEndTime).
TEST(PlanFile, ReadsMaintenanceWindowsAndRejectsBadOnes) {
  const std::string table = R"("maintenance": [{"instanceKeys": ["NA142", "CS42"],
      "plannedStartTime": "2026-11-29T04:00:00.000Z", "plannedEndTime": "2026-11-29T07:00:00.000Z"}], "seed": 42)";
  const auto r = parse_plan(mutate("\"seed\": 42", table));
  ASSERT_TRUE(r) << r.error_text();
  ASSERT_EQ(r.value->maintenance.size(), 1u);
  EXPECT_EQ(r.value->maintenance[0].instances, (std::vector<std::string>{"NA142", "CS42"}));
  EXPECT_EQ(r.value->maintenance[0].end - r.value->maintenance[0].start, std::chrono::hours{3});
  expect_error_at(mutate("\"seed\": 42", R"("maintenance": [{"instanceKeys": ["NA1"], "plannedStartTime":
      "2026-11-29T07:00:00Z", "plannedEndTime": "2026-11-29T04:00:00Z"}], "seed": 42)"),
                  "/maintenance/0/plannedEndTime", "after plannedStartTime");
  expect_error_at(mutate("\"seed\": 42", R"("maintenance": {"NA1": "sunday"}, "seed": 42)"), "/maintenance");
}

// "instance_queue" needs both keys; a bad value names its pointer.
TEST(PlanFile, ReadsInstanceQueueAndRejectsBadOnes) {
  const auto r = parse_plan(
      mutate("\"seed\": 42", R"("instance_queue": {"jobs_in_flight": 250, "job_duration": "45s"}, "seed": 42)"));
  ASSERT_TRUE(r) << r.error_text();
  ASSERT_TRUE(r.value->instance_queue);
  EXPECT_EQ(r.value->instance_queue->jobs_in_flight, 250u);
  EXPECT_EQ(r.value->instance_queue->job_duration, std::chrono::seconds{45});
  expect_error_at(
      mutate("\"seed\": 42", R"("instance_queue": {"jobs_in_flight": 0, "job_duration": "45s"}, "seed": 42)"),
      "/instance_queue/jobs_in_flight");
  expect_error_at(
      mutate("\"seed\": 42", R"("instance_queue": {"jobs_in_flight": 250, "job_duration": "0s"}, "seed": 42)"),
      "/instance_queue/job_duration", "positive");
  expect_error_at(mutate("\"seed\": 42", R"("instance_queue": {"jobs_in_flight": 250}, "seed": 42)"),
                  "/instance_queue/job_duration", "missing");
  expect_error_at(mutate("\"seed\": 42", R"("instance_queue": {"jobs_in_flight": 250, "job_duration": "1m", "pods": 3},
                  "seed": 42)"),
                  "/instance_queue/pods", "unknown key");
  expect_error_at(mutate("\"seed\": 42", R"("instance_queue": 250, "seed": 42)"), "/instance_queue");
}
