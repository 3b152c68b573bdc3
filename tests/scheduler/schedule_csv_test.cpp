#include "pushsim/scheduler/schedule_csv.hpp"

#include <gtest/gtest.h>

using namespace pushsim;
using namespace pushsim::scheduler;

namespace {

time_point at(const char* iso) { return parse_iso8601(iso).time.value_or(time_point{}); }

// Two orgs planned in two waves, one in Paris (winter: UTC+1), one in Sydney (summer: UTC+11).
plan_result two_orgs() {
  plan_result r;
  r.zones = {"Europe/Paris", "Australia/Sydney"};
  r.waves.resize(2);
  r.waves[0].name = "canary";
  r.waves[1].name = "everyone";
  r.orgs.push_back({0, 0, 0, 0, at("2026-11-27T22:30:00Z")});
  r.orgs.push_back({1, 1, 1, 0, at("2026-11-28T03:00:00Z")});
  return r;
}

std::vector<subscriber> subscribers() {
  std::vector<subscriber> s(2);
  s[0].org_key = "00D000000000001";
  s[0].org_name = "Acme, Paris";
  s[1].org_key = "00D000000000002";
  s[1].org_name = "Koala";
  return s;
}

}  // namespace

TEST(ScheduleCsv, OneRowPerOrgWithUtcAndLocalStartWaveAndWindow) {
  plan p;
  p.windows.quiet_hours = {{22 * 60, 4 * 60}, {12 * 60, 15 * 60}};
  const auto subs = subscribers();
  EXPECT_EQ(render_schedule_csv(two_orgs(), subs, p),
            "OrgKey,OrgName,Wave,StartUtc,StartLocal,TimeZone,Window\n"
            "00D000000000001,\"Acme, Paris\",canary,2026-11-27T22:30:00Z,2026-11-27 23:30,Europe/Paris,22:00-04:00\n"
            "00D000000000002,Koala,everyone,2026-11-28T03:00:00Z,2026-11-28 14:00,Australia/Sydney,12:00-15:00\n");
}

TEST(ScheduleCsv, WithoutQuietHoursAnyTimeIsTheWindow) {
  const auto subs = subscribers();
  const std::string csv = render_schedule_csv(two_orgs(), subs, plan{});
  EXPECT_NE(csv.find("Europe/Paris,any time\n"), std::string::npos) << csv;
}
