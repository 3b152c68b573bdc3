#include "pushsim/scheduler/planner.hpp"

#include <gtest/gtest.h>

#include <array>
#include <map>
#include <optional>
#include <set>

#include "pushsim/scheduler/org_key.hpp"

using namespace pushsim;
using namespace pushsim::scheduler;

namespace {

time_point at(const char* iso) {
  const auto r = parse_iso8601(iso);
  EXPECT_TRUE(r) << iso << ": " << r.error;
  return r.time.value_or(time_point{});
}

std::string key15(std::uint32_t i) {
  static constexpr char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string k = "00D000000000000";
  for (int pos = 14; pos >= 3 && i > 0; --pos) {
    k[static_cast<std::size_t>(pos)] = digits[i % 62];
    i /= 62;
  }
  return k;
}

subscriber make_sub(std::uint32_t i, std::string instance = "NA1") {
  subscriber s;
  s.org_key = key15(i);
  s.org_name = "Org " + std::to_string(i);
  s.instance_name = std::move(instance);
  s.installed_version = package_version{1, 0, 0, 0};
  return s;
}

plan base_plan(const char* start, const char* deadline, std::vector<clock_range> quiet = {}) {
  plan p;
  p.target.version = package_version{2, 0, 0, 0};
  p.start = at(start);
  p.deadline = at(deadline);
  p.windows.quiet_hours = std::move(quiet);
  p.waves.resize(1);
  p.waves[0].name = "all";
  return p;
}

// A profile set putting org i (0..n-1) in the given zone (and fiscal month).
profile_set zones_for(std::uint32_t n, const std::string& zone, int fiscal_month = 0) {
  profile_set set;
  for (std::uint32_t i = 0; i < n; ++i) set.add({key15(i), zone, fiscal_month, "", 0});
  return set;
}

std::vector<std::string> starts_of(const plan_result& r) {
  std::vector<std::string> out;
  for (const auto& o : r.orgs) out.push_back(format_iso8601(o.start));
  return out;
}

}  // namespace

TEST(OrgKey, NormalisesFifteenAndEighteenCharacterKeys) {
  EXPECT_EQ(org_key18("00D000000000002"), "00D000000000002EAA");
  EXPECT_EQ(normalize_org_key("00D000000000002EAA"), "00D000000000002");
  EXPECT_EQ(normalize_org_key("00D000000000002"), "00D000000000002");
  EXPECT_FALSE(normalize_org_key("00D000000000002AAA"));  // checksum does not match the case
  EXPECT_FALSE(normalize_org_key("00D00000000000"));
  EXPECT_FALSE(normalize_org_key("00D00000000000!"));
  EXPECT_EQ(org_key18("00Dxx0000001gEH"), "00Dxx0000001gEHEAY");
}

TEST(Planner, EligibilityGivesAReasonPerExcludedOrg) {
  std::vector<subscriber> subs;
  subs.push_back(make_sub(1));  // 0 eligible
  subs.push_back(make_sub(2));  // 1 bad key
  subs[1].org_key = "00Dnope";
  subs.push_back(make_sub(1));  // 2 duplicate of 0 (18-character spelling)
  subs[2].org_key = org_key18(key15(1));
  subs.push_back(make_sub(3));  // 3 not installed
  subs[3].installed = installed_status::uninstalled;
  subs.push_back(make_sub(4));  // 4 inactive
  subs[4].status = org_status::inactive;
  subs.push_back(make_sub(5));  // 5 blocked
  subs[5].push_blocked = true;
  subs.push_back(make_sub(6));  // 6 on the target
  subs[6].installed_version = package_version{2, 0, 0, 0};
  subs.push_back(make_sub(7));  // 7 newer
  subs[7].installed_version = package_version{2, 1, 0, 0};
  subs.push_back(make_sub(8));  // 8 trial, older: eligible
  subs[8].status = org_status::trial;
  subs.push_back(make_sub(9));  // 9 same version id as the target
  subs[9].installed_version.reset();
  subs[9].installed_version_id = "04t000000000009AAA";
  subs.push_back(make_sub(10));  // 10 18-character key, eligible
  subs[10].org_key = org_key18(key15(10));
  subs.push_back(make_sub(11));  // 11 18-character key with a bad checksum
  subs[11].org_key = key15(11) + "ZZZ";

  plan p = base_plan("2026-06-01T00:00:00Z", "2026-06-10T00:00:00Z");
  p.target.package_version_id = "04t000000000009";
  const auto r = plan_rollout(subs, nullptr, p);
  ASSERT_EQ(r.excluded.size(), 9u);
  const std::vector<std::pair<std::uint32_t, exclusion_reason>> expected = {
      {1, exclusion_reason::bad_key},           {2, exclusion_reason::duplicate},
      {3, exclusion_reason::not_installed},     {4, exclusion_reason::inactive},
      {5, exclusion_reason::blocked},           {6, exclusion_reason::already_on_target},
      {7, exclusion_reason::already_on_target}, {9, exclusion_reason::already_on_target},
      {11, exclusion_reason::bad_key}};
  for (std::size_t k = 0; k < expected.size(); ++k) {
    EXPECT_EQ(r.excluded[k].subscriber_index, expected[k].first) << k;
    EXPECT_EQ(r.excluded[k].reason, expected[k].second) << k;
  }
  ASSERT_EQ(r.orgs.size(), 3u);
  EXPECT_EQ(r.orgs[0].subscriber_index, 0u);
  EXPECT_EQ(r.orgs[2].subscriber_index, 10u);
  EXPECT_EQ(r.excluded_count(exclusion_reason::already_on_target), 3u);
  // The JSON keeps the key as the API returned it (18 characters) for the API calls.
  EXPECT_NE(render_plan_json(r, subs).find(org_key18(key15(10))), std::string::npos);
}

TEST(Planner, NewYorkSpringForwardSkipsTheMissingHour) {
  // 2026-03-08: 02:00 EST jumps to 03:00 EDT; a 02:00-03:00 window does not exist that day.
  const std::vector<subscriber> subs = {make_sub(0)};
  const auto prof = zones_for(1, "America/New_York");
  const plan p = base_plan("2026-03-08T00:00:00Z", "2026-03-12T00:00:00Z", {{120, 180}});
  const auto r = plan_rollout(subs, &prof, p);
  ASSERT_TRUE(r.feasible());
  EXPECT_EQ(starts_of(r), std::vector<std::string>{"2026-03-09T06:00:00Z"});  // 02:00 EDT the next day

  // A 01:30-04:00 window on that day opens at 01:30 EST (06:30Z) and runs through the jump.
  plan q = base_plan("2026-03-08T00:00:00Z", "2026-03-12T00:00:00Z", {{90, 240}});
  q.concurrency.max_jobs_in_flight = 1;
  q.expected_slot_duration = std::chrono::minutes{15};
  std::vector<subscriber> many;
  for (std::uint32_t i = 0; i < 7; ++i) many.push_back(make_sub(i));
  const auto prof7 = zones_for(7, "America/New_York");
  const auto r2 = plan_rollout(many, &prof7, q);
  // 06:30Z, 06:45Z (01:30, 01:45 EST), then 07:00Z = 03:00 EDT ... 07:45Z = 03:45 EDT, then the next day.
  EXPECT_EQ(starts_of(r2),
            (std::vector<std::string>{"2026-03-08T06:30:00Z", "2026-03-08T06:45:00Z", "2026-03-08T07:00:00Z",
                                      "2026-03-08T07:15:00Z", "2026-03-08T07:30:00Z", "2026-03-08T07:45:00Z",
                                      "2026-03-09T05:30:00Z"}));
}

TEST(Planner, NewYorkFallBackAllowsTheRepeatedHourTwice) {
  // 2026-11-01: 01:00-02:00 happens twice (EDT 05:00-06:00Z, then EST 06:00-07:00Z).
  plan p = base_plan("2026-11-01T00:00:00Z", "2026-11-03T00:00:00Z", {{60, 120}});
  p.concurrency.max_jobs_in_flight = 1;
  p.expected_slot_duration = std::chrono::minutes{15};
  std::vector<subscriber> subs;
  for (std::uint32_t i = 0; i < 9; ++i) subs.push_back(make_sub(i));
  const auto prof = zones_for(9, "America/New_York");
  const auto r = plan_rollout(subs, &prof, p);
  EXPECT_EQ(starts_of(r),
            (std::vector<std::string>{"2026-11-01T05:00:00Z", "2026-11-01T05:15:00Z", "2026-11-01T05:30:00Z",
                                      "2026-11-01T05:45:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:15:00Z",
                                      "2026-11-01T06:30:00Z", "2026-11-01T06:45:00Z", "2026-11-02T06:00:00Z"}));
}

TEST(Planner, BerlinDstChangeDays) {
  const auto prof = zones_for(9, "Europe/Berlin");
  // Spring: 2026-03-29 02:00 CET -> 03:00 CEST; a 02:00-02:30 window exists only the next day (00:00Z).
  const std::vector<subscriber> one = {make_sub(0)};
  const auto spring = plan_rollout(one, &prof, base_plan("2026-03-28T12:00:00Z", "2026-04-02T00:00:00Z", {{120, 150}}));
  EXPECT_EQ(starts_of(spring), std::vector<std::string>{"2026-03-30T00:00:00Z"});
  // Autumn: 2026-10-25 02:00-03:00 happens twice (00:00-01:00Z CEST, 01:00-02:00Z CET).
  plan p = base_plan("2026-10-24T12:00:00Z", "2026-10-28T00:00:00Z", {{120, 180}});
  p.concurrency.max_jobs_in_flight = 1;
  p.expected_slot_duration = std::chrono::minutes{15};
  std::vector<subscriber> subs;
  for (std::uint32_t i = 0; i < 9; ++i) subs.push_back(make_sub(i));
  const auto autumn = plan_rollout(subs, &prof, p);
  EXPECT_EQ(starts_of(autumn),
            (std::vector<std::string>{"2026-10-25T00:00:00Z", "2026-10-25T00:15:00Z", "2026-10-25T00:30:00Z",
                                      "2026-10-25T00:45:00Z", "2026-10-25T01:00:00Z", "2026-10-25T01:15:00Z",
                                      "2026-10-25T01:30:00Z", "2026-10-25T01:45:00Z", "2026-10-26T01:00:00Z"}));
}

TEST(Planner, KolkataHalfHourOffset) {
  const std::vector<subscriber> subs = {make_sub(0)};
  const auto prof = zones_for(1, "Asia/Kolkata");
  const auto r =
      plan_rollout(subs, &prof, base_plan("2026-06-01T00:00:00Z", "2026-06-05T00:00:00Z", {{22 * 60, 23 * 60}}));
  EXPECT_EQ(starts_of(r), std::vector<std::string>{"2026-06-01T16:30:00Z"});  // 22:00 IST = 16:30Z
}

TEST(Planner, LordHoweHalfHourDst) {
  const std::vector<subscriber> subs = {make_sub(0)};
  const auto prof = zones_for(1, "Australia/Lord_Howe");
  // January: daylight time, +11:00. 03:00 local = 16:00Z the day before.
  const auto summer =
      plan_rollout(subs, &prof, base_plan("2026-01-10T00:00:00Z", "2026-01-15T00:00:00Z", {{180, 240}}));
  EXPECT_EQ(starts_of(summer), std::vector<std::string>{"2026-01-10T16:00:00Z"});
  // July: standard time, +10:30. 03:00 local = 16:30Z.
  const auto winter =
      plan_rollout(subs, &prof, base_plan("2026-07-10T00:00:00Z", "2026-07-15T00:00:00Z", {{180, 240}}));
  EXPECT_EQ(starts_of(winter), std::vector<std::string>{"2026-07-10T16:30:00Z"});
  // 2026-10-04: 02:00 jumps to 02:30 (a half-hour shift); 02:00-02:30 does not exist that day.
  const auto change =
      plan_rollout(subs, &prof, base_plan("2026-10-03T12:00:00Z", "2026-10-08T00:00:00Z", {{120, 150}}));
  EXPECT_EQ(starts_of(change), std::vector<std::string>{"2026-10-04T15:00:00Z"});  // 02:00 on the 5th, +11:00
}

TEST(Planner, FiscalYearStartingInFebruaryAvoidsItsQuarterEnd) {
  // Fiscal quarters Feb-Apr, May-Jul, ...: quarter ends Thu 2026-04-30; the last 3 business days are 28-30 April.
  std::vector<subscriber> subs = {make_sub(0), make_sub(1)};
  profile_set prof;
  prof.add({key15(0), "UTC", 2, "", 0});
  prof.add({key15(1), "UTC", 1, "", 0});  // calendar quarters: end of March is long past
  plan p = base_plan("2026-04-28T00:00:00Z", "2026-05-10T00:00:00Z", {{10 * 60, 11 * 60}});
  p.windows.quarter_end_business_days = 3;
  const auto r = plan_rollout(subs, &prof, p);
  ASSERT_EQ(r.orgs.size(), 2u);
  for (const auto& o : r.orgs) {
    const char* expected = o.subscriber_index == 0 ? "2026-05-01T10:00:00Z" : "2026-04-28T10:00:00Z";
    EXPECT_EQ(format_iso8601(o.start), expected);
  }
  // A calendar-quarter org is held back before 30 June (Tue): 26 (Fri), 29, 30 June blocked, weekend too.
  plan q = base_plan("2026-06-26T00:00:00Z", "2026-07-10T00:00:00Z", {{10 * 60, 11 * 60}});
  q.windows.quarter_end_business_days = 3;
  const std::vector<subscriber> jan = {make_sub(1)};
  EXPECT_EQ(starts_of(plan_rollout(jan, &prof, q)), std::vector<std::string>{"2026-07-01T10:00:00Z"});
}

TEST(Planner, ReportsInfeasibleDeadlines) {
  const auto prof = zones_for(3, "America/New_York");
  std::vector<subscriber> subs = {make_sub(0), make_sub(1), make_sub(2)};
  // Window 22:00-23:00 New York; the deadline comes before the next one.
  const auto r =
      plan_rollout(subs, &prof, base_plan("2026-03-09T04:00:00Z", "2026-03-10T01:00:00Z", {{22 * 60, 23 * 60}}));
  EXPECT_FALSE(r.feasible());
  ASSERT_EQ(r.infeasible.size(), 3u);
  EXPECT_EQ(r.infeasible[0].reason, infeasible_reason::no_window);
  EXPECT_TRUE(r.orgs.empty());
  EXPECT_NE(render_plan_summary(r).find("INFEASIBLE: 3"), std::string::npos);
  // One window (4 cells of 15 min) and capacity for one job per cell: 4 orgs fit, the 5th does not.
  plan p = base_plan("2026-03-09T04:00:00Z", "2026-03-10T04:00:00Z", {{22 * 60, 23 * 60}});
  p.concurrency.max_jobs_in_flight = 1;
  p.expected_slot_duration = std::chrono::minutes{10};
  std::vector<subscriber> five;
  for (std::uint32_t i = 0; i < 5; ++i) five.push_back(make_sub(i));
  const auto prof5 = zones_for(5, "America/New_York");
  const auto capped = plan_rollout(five, &prof5, p);
  EXPECT_EQ(capped.orgs.size(), 4u);
  ASSERT_EQ(capped.infeasible.size(), 1u);
  EXPECT_EQ(capped.infeasible[0].reason, infeasible_reason::no_capacity);
}

TEST(Planner, FreezesAndAvoidedWeekdaysAreRespected) {
  const std::vector<subscriber> subs = {make_sub(0)};
  // 2026-06-06 is a Saturday. UTC org (instance with no known region falls back to the plan default).
  std::vector<subscriber> s = {make_sub(0, "XX1")};
  plan p = base_plan("2026-06-06T00:00:00Z", "2026-06-20T00:00:00Z", {{60, 120}});
  p.windows.avoid_weekdays_mask = (1u << 6) | 1u;
  p.windows.freezes.push_back({at("2026-06-08T00:00:00Z"), at("2026-06-09T00:00:00Z"), "freeze"});
  EXPECT_EQ(starts_of(plan_rollout(s, nullptr, p)), std::vector<std::string>{"2026-06-09T01:00:00Z"});
}

TEST(Planner, SplitsSlotsAtOrgsPerRequest) {
  std::vector<subscriber> subs;
  for (std::uint32_t i = 0; i < 450; ++i) subs.push_back(make_sub(i, "EU5"));
  plan p = base_plan("2026-06-01T00:00:00Z", "2026-06-05T00:00:00Z", {{60, 120}});
  p.concurrency.orgs_per_request = 200;
  const auto r = plan_rollout(subs, nullptr, p);
  ASSERT_EQ(r.waves.size(), 1u);
  const auto& slots = r.waves[0].slots;
  ASSERT_EQ(slots.size(), 3u);
  EXPECT_EQ(slots[0].orgs.size(), 200u);
  EXPECT_EQ(slots[1].orgs.size(), 200u);
  EXPECT_EQ(slots[2].orgs.size(), 50u);
  for (const auto& sl : slots) EXPECT_EQ(format_iso8601(sl.start), "2026-06-01T00:00:00Z");  // 01:00 BST
  EXPECT_EQ(r.waves[0].org_count, 450u);
  EXPECT_EQ(r.waves[0].api_calls_estimate, 3 * (1 + 1 + 1 + 30 + 1u));  // create, 1 batch, PATCH, 30 polls, errors
}

TEST(Planner, RespectsPerInstanceConcurrency) {
  std::vector<subscriber> subs;
  for (std::uint32_t i = 0; i < 60; ++i) subs.push_back(make_sub(i, i % 2 ? "NA1" : "NA2"));
  plan p = base_plan("2026-06-01T00:00:00Z", "2026-06-10T00:00:00Z");
  p.expected_slot_duration = std::chrono::minutes{30};  // two cells overlap
  p.concurrency.max_jobs_in_flight_per_instance = 10;   // => 5 per instance per cell
  p.concurrency.max_jobs_in_flight = 16;                // => 8 per cell
  const auto r = plan_rollout(subs, nullptr, p);
  ASSERT_TRUE(r.feasible());
  std::map<std::pair<std::string, std::int64_t>, int> per_instance;
  std::map<std::int64_t, int> per_cell;
  for (const auto& o : r.orgs) {
    ++per_instance[{subs[o.subscriber_index].instance_name, to_us(o.start)}];
    ++per_cell[to_us(o.start)];
  }
  for (const auto& [k, n] : per_instance) EXPECT_LE(n, 5);
  for (const auto& [k, n] : per_cell) EXPECT_LE(n, 8);
  // In any 30 minutes at most 16 jobs start.
  for (const auto& [t, n] : per_cell) {
    const auto next = per_cell.find(t + 15 * 60 * 1'000'000LL);
    EXPECT_LE(n + (next == per_cell.end() ? 0 : next->second), 16);
  }
}

TEST(Planner, WavesFollowEachOtherWithBakeTime) {
  std::vector<subscriber> subs;
  for (std::uint32_t i = 0; i < 100; ++i) subs.push_back(make_sub(i, "XX1"));
  plan p = base_plan("2026-06-01T00:00:00Z", "2026-06-30T00:00:00Z", {{60, 120}});
  p.waves.resize(2);
  p.waves[0].name = "canary";
  p.waves[0].select.share_percent = 10;
  p.waves[0].bake = std::chrono::hours{6};
  p.waves[1].name = "rest";
  p.expected_slot_duration = std::chrono::minutes{45};
  const auto r = plan_rollout(subs, nullptr, p);
  ASSERT_EQ(r.waves.size(), 2u);
  EXPECT_EQ(r.waves[0].org_count, 10u);
  EXPECT_EQ(r.waves[1].org_count, 90u);
  EXPECT_EQ(format_iso8601(*r.waves[0].first_start), "2026-06-01T01:00:00Z");
  // canary 01:00 + 45 min + 6 h = 07:45: the rest waits for the next 01:00-02:00 window.
  EXPECT_EQ(format_iso8601(r.waves[1].earliest_start), "2026-06-01T07:45:00Z");
  EXPECT_EQ(format_iso8601(*r.waves[1].first_start), "2026-06-02T01:00:00Z");
}

TEST(Planner, SelectorsAndByInstance) {
  std::vector<subscriber> subs;
  for (std::uint32_t i = 0; i < 40; ++i) {
    subs.push_back(make_sub(i, "NA" + std::to_string(i % 4)));
    subs.back().type = i % 5 == 0 ? org_type::sandbox : org_type::production;
  }
  plan p = base_plan("2026-06-01T00:00:00Z", "2026-06-30T00:00:00Z");
  p.waves.resize(3);
  p.waves[0].select.org_types = {org_type::sandbox};
  p.waves[1].select.share_percent = 25;
  p.waves[1].strategy = selection_strategy::by_instance;
  p.waves[2].select.has_org_list = true;
  p.waves[2].select.org_keys = {key15(1), key15(2)};
  const auto r = plan_rollout(subs, nullptr, p);
  EXPECT_EQ(r.waves[0].org_count, 8u);
  EXPECT_EQ(r.waves[1].org_count, 8u);  // 25% of 32, rounded up
  std::set<std::string> wave1_instances;
  for (const auto& o : r.orgs) {
    if (o.wave == 0) {
      EXPECT_EQ(subs[o.subscriber_index].type, org_type::sandbox);
    }
    if (o.wave == 1) wave1_instances.insert(subs[o.subscriber_index].instance_name);
  }
  EXPECT_EQ(wave1_instances.size(), 1u);  // 8 of one instance's 8 production orgs
  EXPECT_LE(r.waves[2].org_count, 2u);
  EXPECT_EQ(r.excluded_count(exclusion_reason::not_selected), 40 - 16 - r.waves[2].org_count);
}

TEST(Planner, IsDeterministic) {
  std::vector<subscriber> subs;
  for (std::uint32_t i = 0; i < 2000; ++i) subs.push_back(make_sub(i, "NA" + std::to_string(i % 7)));
  plan p = base_plan("2026-06-01T00:00:00Z", "2026-06-30T00:00:00Z", {{22 * 60, 5 * 60}});
  p.waves.resize(2);
  p.waves[0].select.share_percent = 5;
  p.waves[0].bake = std::chrono::hours{2};
  p.concurrency.max_jobs_in_flight = 100;
  p.seed = 7;
  const std::string a = render_plan_json(plan_rollout(subs, nullptr, p), subs);
  const std::string b = render_plan_json(plan_rollout(subs, nullptr, p), subs);
  EXPECT_EQ(a, b);
  p.seed = 8;
  EXPECT_NE(render_plan_json(plan_rollout(subs, nullptr, p), subs), a);
}

TEST(Planner, RepresentativeCanaryTakesTheRareCustomization) {
  std::vector<subscriber> subs;
  profile_set prof;
  const int common = *prof.feature_bit("validation_rules");
  const int rare = *prof.feature_bit("person_accounts");
  for (std::uint32_t i = 0; i < 500; ++i) {
    subs.push_back(make_sub(i));
    const std::uint64_t f = i == 321 ? (std::uint64_t{1} << rare) : (std::uint64_t{1} << common);
    prof.add({key15(i), "", 0, "", f});
  }
  plan p = base_plan("2026-06-01T00:00:00Z", "2026-06-30T00:00:00Z");
  p.waves.resize(2);
  p.waves[0].select.max_orgs = 3;
  p.waves[0].strategy = selection_strategy::representative;
  const auto r = plan_rollout(subs, &prof, p);
  ASSERT_EQ(r.waves[0].org_count, 3u);
  bool has_rare = false;
  for (const auto& o : r.orgs) has_rare |= o.wave == 0 && o.subscriber_index == 321;
  EXPECT_TRUE(has_rare);
}

TEST(Planner, WarnsWhenTheApiBudgetIsTooSmall) {
  std::vector<subscriber> subs;
  for (std::uint32_t i = 0; i < 100; ++i) subs.push_back(make_sub(i));
  plan p = base_plan("2026-06-01T00:00:00Z", "2026-06-30T00:00:00Z");
  p.concurrency.orgs_per_request = 10;  // 10 requests of 34 calls each in one start
  p.api_budget.calls_per_24h = 300;
  p.api_budget.reserve_calls = 50;
  const auto r = plan_rollout(subs, nullptr, p);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("340 API calls"), std::string::npos) << r.warnings[0];
  p.api_budget.calls_per_24h = 1000;
  EXPECT_TRUE(plan_rollout(subs, nullptr, p).warnings.empty());
}

namespace {

// 100 orgs each in New York (0..99), London (100..199) and Tokyo (200..299), a 20:00-06:00 local window, plan
// start 2026-12-01T18:00Z (Tokyo's window is open until 21:00Z, London's opens at 20:00Z, New York's at 01:00Z),
// a 10% canary with a 2 h bake, then everyone else.
struct sun_world {
  std::vector<subscriber> subs;
  profile_set prof;
  plan p;
  sun_world() : p(base_plan("2026-12-01T18:00:00Z", "2026-12-20T00:00:00Z", {{20 * 60, 6 * 60}})) {
    const char* zones[] = {"America/New_York", "Europe/London", "Asia/Tokyo"};
    for (std::uint32_t i = 0; i < 300; ++i) {
      subs.push_back(make_sub(i));
      prof.add({key15(i), zones[i / 100], 0, "", 0});
    }
    p.waves.resize(2);
    p.waves[0].name = "canary";
    p.waves[0].select.share_percent = 10;
    p.waves[0].bake = std::chrono::hours{2};
    p.waves[0].follow_the_sun = true;
    p.waves[1].name = "rest";
  }
};

sun_region region_of_org(std::uint32_t sub) {
  return sub < 100 ? sun_region::americas : sub < 200 ? sun_region::emea : sun_region::apac;
}

// Per wave and region: the earliest and the latest start.
struct span_of_starts {
  std::optional<time_point> first, last;
};
std::map<std::pair<int, sun_region>, span_of_starts> starts_by_wave_region(const plan_result& r) {
  std::map<std::pair<int, sun_region>, span_of_starts> out;
  for (const auto& o : r.orgs) {
    auto& s = out[{o.wave, region_of_org(o.subscriber_index)}];
    if (!s.first || o.start < *s.first) s.first = o.start;
    if (!s.last || o.start > *s.last) s.last = o.start;
  }
  return out;
}

}  // namespace

TEST(Planner, SunRegionsComeFromTheUtcOffset) {
  EXPECT_EQ(sun_region_of_offset(-8 * 60), sun_region::americas);
  EXPECT_EQ(sun_region_of_offset(-3 * 60), sun_region::americas);  // Sao Paulo
  EXPECT_EQ(sun_region_of_offset(-60), sun_region::emea);          // Azores
  EXPECT_EQ(sun_region_of_offset(0), sun_region::emea);
  EXPECT_EQ(sun_region_of_offset(4 * 60), sun_region::emea);       // Dubai
  EXPECT_EQ(sun_region_of_offset(5 * 60 + 30), sun_region::apac);  // Kolkata
  EXPECT_EQ(sun_region_of_offset(11 * 60), sun_region::apac);      // Sydney in summer
}

TEST(Planner, SunRegionQuotasAreProportionalAndGiveEveryRegionACanary) {
  using q = std::array<std::size_t, sun_region_count>;
  EXPECT_EQ(sun_region_quotas(60, q{3700, 1400, 900}), (q{37, 14, 9}));
  EXPECT_EQ(sun_region_quotas(10, q{1000, 5, 0}), (q{9, 1, 0}));    // 9.95 + 0.05: the small region still gets one
  EXPECT_EQ(sun_region_quotas(2, q{1000, 1000, 1}), (q{1, 1, 0}));  // fewer than the regions: by size
  EXPECT_EQ(sun_region_quotas(50, q{3, 4, 5}), (q{3, 4, 5}));       // never more than a region has
  EXPECT_EQ(sun_region_quotas(0, q{3, 4, 5}), (q{0, 0, 0}));
}

TEST(Planner, FollowTheSunHandsOverRegionByRegionInTheSameNight) {
  sun_world w;
  const auto r = plan_rollout(w.subs, &w.prof, w.p);
  ASSERT_TRUE(r.feasible());
  EXPECT_TRUE(r.follow_the_sun);
  EXPECT_EQ(r.waves[0].org_count, 30u);
  const auto by = starts_by_wave_region(r);
  for (const auto reg : {sun_region::americas, sun_region::emea, sun_region::apac}) {
    ASSERT_TRUE(by.contains({0, reg}) && by.contains({1, reg})) << to_string(reg);
    // Each region's rest starts after its own canary's last start + expected duration + bake, not after the
    // whole world's canary.
    EXPECT_GE(*by.at({1, reg}).first, *by.at({0, reg}).last + w.p.expected_slot_duration + w.p.waves[0].bake)
        << to_string(reg);
  }
  EXPECT_EQ(format_iso8601(*by.at({0, sun_region::apac}).first), "2026-12-01T18:00:00Z");
  EXPECT_EQ(format_iso8601(*by.at({1, sun_region::apac}).first), "2026-12-01T20:30:00Z");  // same Tokyo night
  EXPECT_EQ(format_iso8601(*by.at({0, sun_region::emea}).first), "2026-12-01T20:00:00Z");
  EXPECT_EQ(format_iso8601(*by.at({1, sun_region::emea}).first), "2026-12-01T22:30:00Z");
  EXPECT_EQ(format_iso8601(*by.at({0, sun_region::americas}).first), "2026-12-02T01:00:00Z");
  EXPECT_EQ(format_iso8601(*by.at({1, sun_region::americas}).first), "2026-12-02T03:30:00Z");
  // Every slot holds one region's orgs and says which.
  for (const auto& wp : r.waves) {
    for (const auto& sl : wp.slots) {
      for (const auto o : sl.orgs) EXPECT_EQ(region_of_org(r.orgs[o].subscriber_index), sl.region);
    }
  }
  EXPECT_NE(render_plan_json(r, w.subs).find("\"region\": \"apac\""), std::string::npos);

  // Without follow_the_sun the canary spans the globe: Tokyo's rest waits for New York's canary and then for
  // Tokyo's next night.
  w.p.waves[0].follow_the_sun = false;
  const auto global = plan_rollout(w.subs, &w.prof, w.p);
  EXPECT_FALSE(global.follow_the_sun);
  EXPECT_EQ(format_iso8601(*starts_by_wave_region(global).at({1, sun_region::apac}).first), "2026-12-02T11:00:00Z");
  EXPECT_EQ(render_plan_json(global, w.subs).find("\"region\""), std::string::npos);
}

TEST(Planner, FollowTheSunCanaryCoversEachRegionsOwnFeatures) {
  sun_world w;
  profile_set prof;
  const int common = *prof.feature_bit("custom_fields");
  const int rare_ny = *prof.feature_bit("validation_rule");
  const int rare_tokyo = *prof.feature_bit("flow");
  const char* zones[] = {"America/New_York", "Europe/London", "Asia/Tokyo"};
  for (std::uint32_t i = 0; i < 300; ++i) {
    std::uint64_t f = std::uint64_t{1} << common;
    if (i == 42) f = std::uint64_t{1} << rare_ny;
    if (i == 250) f = std::uint64_t{1} << rare_tokyo;
    prof.add({key15(i), zones[i / 100], 0, "", f});
  }
  w.p.waves[0].select.share_percent.reset();
  w.p.waves[0].select.max_orgs = 6;
  w.p.waves[0].strategy = selection_strategy::representative;
  const auto r = plan_rollout(w.subs, &prof, w.p);
  std::array<int, sun_region_count> canary_per_region{};
  bool has_42 = false, has_250 = false;
  for (const auto& o : r.orgs) {
    if (o.wave != 0) continue;
    ++canary_per_region[static_cast<std::size_t>(region_of_org(o.subscriber_index))];
    has_42 |= o.subscriber_index == 42;
    has_250 |= o.subscriber_index == 250;
  }
  EXPECT_EQ(canary_per_region, (std::array<int, sun_region_count>{2, 2, 2}));
  EXPECT_TRUE(has_42);   // New York's rare customization is in New York's canary
  EXPECT_TRUE(has_250);  // and Tokyo's in Tokyo's, which runs before Tokyo's rest
}

// A published maintenance of an instance moves its orgs' starts past the window (the expected run must not
// meet it); orgs on other instances keep their start, and without the table nothing moves.
TEST(Planner, MaintenanceWindowsMoveOnlyTheirInstancesOrgs) {
  const std::vector<subscriber> s = {make_sub(0, "XX1"), make_sub(1, "XX2")};
  plan p = base_plan("2026-06-06T00:00:00Z", "2026-06-20T00:00:00Z");
  EXPECT_EQ(starts_of(plan_rollout(s, nullptr, p)),
            (std::vector<std::string>{"2026-06-06T00:00:00Z", "2026-06-06T00:00:00Z"}));
  p.maintenance.push_back({{"XX2"}, at("2026-06-05T23:00:00Z"), at("2026-06-06T02:00:00Z")});
  const auto r = plan_rollout(s, nullptr, p);
  ASSERT_EQ(r.orgs.size(), 2u);
  for (const auto& o : r.orgs) {
    EXPECT_EQ(format_iso8601(o.start), o.subscriber_index == 0 ? "2026-06-06T00:00:00Z" : "2026-06-06T02:00:00Z");
  }
}

namespace {
// A plan whose instances work off 2 jobs per 15-minute cell (2 in flight, 15 min each).
plan queued_plan() {
  plan p = base_plan("2026-06-06T00:00:00Z", "2026-06-07T00:00:00Z");
  p.slot_granularity = std::chrono::minutes{15};
  p.expected_slot_duration = std::chrono::minutes{15};
  p.instance_queue = instance_queue_spec{2, std::chrono::minutes{15}};
  return p;
}
}  // namespace

// With an instance_queue a wave on one instance is spread over the time the instance needs to run it; another
// instance has its own queue.
TEST(Planner, InstanceQueueSpreadsAWaveOverTheTimeItsInstanceNeeds) {
  std::vector<subscriber> s;
  for (std::uint32_t i = 0; i < 5; ++i) s.push_back(make_sub(i, "XX1"));
  s.push_back(make_sub(5, "XX2"));
  const auto r = plan_rollout(s, nullptr, queued_plan());
  ASSERT_TRUE(r.feasible());
  EXPECT_EQ(starts_of(r),
            (std::vector<std::string>{"2026-06-06T00:00:00Z", "2026-06-06T00:00:00Z", "2026-06-06T00:00:00Z",
                                      "2026-06-06T00:15:00Z", "2026-06-06T00:15:00Z", "2026-06-06T00:30:00Z"}));
  std::map<std::uint32_t, std::string> start_of;
  for (const auto& o : r.orgs) start_of[o.subscriber_index] = format_iso8601(o.start);
  EXPECT_EQ(start_of[5], "2026-06-06T00:00:00Z");  // XX2's queue is empty
  EXPECT_EQ(start_of[4], "2026-06-06T00:30:00Z");  // XX1's fifth job waits for two cells of two
}

// No job is planned so that its expected run (one cell + job duration) meets its instance's maintenance: the
// orgs that would have started in or just before the window move past it, and are counted as moved.
TEST(Planner, InstanceQueueKeepsEveryJobOutOfMaintenance) {
  std::vector<subscriber> s;
  for (std::uint32_t i = 0; i < 8; ++i) s.push_back(make_sub(i, "XX1"));
  plan p = queued_plan();
  p.maintenance.push_back({{"XX1"}, at("2026-06-06T01:00:00Z"), at("2026-06-06T02:00:00Z")});
  const auto r = plan_rollout(s, nullptr, p);
  ASSERT_TRUE(r.feasible());
  const duration run = expected_run(p);
  EXPECT_EQ(run, std::chrono::minutes{30});
  for (const auto& o : r.orgs) {
    EXPECT_TRUE(o.start + run <= p.maintenance[0].start || o.start >= p.maintenance[0].end) << format_iso8601(o.start);
  }
  // 00:00, 00:15 and 00:30 take two each (00:30 runs until 01:00); 00:45 would run into 01:00, so the last two
  // start at 02:00.
  EXPECT_EQ(starts_of(r),
            (std::vector<std::string>{"2026-06-06T00:00:00Z", "2026-06-06T00:00:00Z", "2026-06-06T00:15:00Z",
                                      "2026-06-06T00:15:00Z", "2026-06-06T00:30:00Z", "2026-06-06T00:30:00Z",
                                      "2026-06-06T02:00:00Z", "2026-06-06T02:00:00Z"}));
  EXPECT_EQ(r.moved_out_of_maintenance, 2u);
  EXPECT_NE(render_plan_summary(r).find("moved out of instance maintenance: 2 orgs"), std::string::npos);
}

// An org whose only allowed starts fall in a maintenance window moves to its next allowed night.
TEST(Planner, InstanceQueueMovesAnOrgWhoseWindowIsInMaintenanceToItsNextNight) {
  const std::vector<subscriber> s = {make_sub(0, "XX1")};
  plan p = queued_plan();
  p.deadline = at("2026-06-09T00:00:00Z");
  p.windows.quiet_hours = {{60, 120}};  // 01:00-02:00 UTC (the org's zone: the plan default)
  p.maintenance.push_back({{"XX1"}, at("2026-06-06T00:30:00Z"), at("2026-06-06T03:00:00Z")});
  const auto r = plan_rollout(s, nullptr, p);
  EXPECT_EQ(starts_of(r), (std::vector<std::string>{"2026-06-07T01:00:00Z"}));
  EXPECT_EQ(r.moved_out_of_maintenance, 1u);
}
