#include "pushsim/mock_org/types.hpp"

#include <gtest/gtest.h>

#include "pushsim/mock_org/instance_table.hpp"
#include "pushsim/mock_org/salesforce_id.hpp"
#include "pushsim/mock_org/zone_table.hpp"

using namespace pushsim;
using namespace pushsim::mock_org;

TEST(OrgKey, AcceptsFifteenAndEighteenCharactersAndNormalises) {
  const auto k15 = parse_org_key("00D5g000004XyZa");
  ASSERT_TRUE(k15);
  EXPECT_EQ(k15->str(), "00D5g000004XyZa");
  const std::string k18 = k15->str18();
  ASSERT_EQ(k18.size(), 18u);
  const auto back = parse_org_key(k18);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, *k15);
  // The checksum suffix is case-insensitive, but a wrong checksum is not an org key.
  std::string lower = k18;
  for (std::size_t i = 15; i < 18; ++i) lower[i] = static_cast<char>(std::tolower(lower[i]));
  EXPECT_TRUE(parse_org_key(lower));
  std::string wrong = k18;
  wrong[17] = wrong[17] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(parse_org_key(wrong));
}

TEST(OrgKey, RejectsWhatIsNotAnOrgKey) {
  EXPECT_FALSE(parse_org_key(""));
  EXPECT_FALSE(parse_org_key("00D5g000004XyZ"));       // 14
  EXPECT_FALSE(parse_org_key("0DV5g000004XyZa"));      // wrong prefix
  EXPECT_FALSE(parse_org_key("00D5g000004Xy-a"));      // not alphanumeric
  EXPECT_FALSE(parse_org_key("00D5g000004XyZaAAAA"));  // 19
}

TEST(OrgKey, ChecksumMatchesSalesforceAlgorithm) {
  // Uppercase positions 0..4 of each chunk form a 5-bit index into A-Z0-5.
  // "00DAA" -> bits 2,3,4 -> 28 -> '2'; "AAAaa" -> bits 0,1,2 -> 7 -> 'H'; "aaa00" -> 0 -> 'A'.
  const auto sum = id_checksum("00DAAAAAaaaaa00");
  EXPECT_EQ(std::string(sum.begin(), sum.end()), "2HA");
}

TEST(SalesforceId, RoundTripsSequenceNumbers) {
  for (std::uint64_t n : std::initializer_list<std::uint64_t>{0, 1, 61, 62, 123456789, max_id_sequence}) {
    const std::string id = make_id(push_job_prefix, n);
    ASSERT_EQ(id.size(), 18u);
    EXPECT_EQ(id.substr(0, 3), "0DX");
    EXPECT_EQ(parse_id(push_job_prefix, id), n);
    EXPECT_EQ(parse_id(push_job_prefix, id.substr(0, 15)), n);
    EXPECT_FALSE(parse_id(push_request_prefix, id));
  }
  EXPECT_FALSE(parse_id(push_job_prefix, "0DX3g0000zzzzzzAAA"));
}

TEST(VersionNumber, ParsesAndOrders) {
  EXPECT_EQ(parse_version_number("2.4"), (version_number{2, 4, 0}));
  EXPECT_EQ(parse_version_number("2.4.1"), (version_number{2, 4, 1}));
  EXPECT_FALSE(parse_version_number("2"));
  EXPECT_FALSE(parse_version_number("2.x"));
  EXPECT_FALSE(parse_version_number("1.2.3.4"));
  EXPECT_LT((version_number{2, 3, 1}), (version_number{2, 4, 0}));
}

TEST(PushStatus, SpellsInProgressBothWays) {
  EXPECT_EQ(to_string(push_status::in_progress), "InProgress");
  EXPECT_EQ(to_string(push_status::in_progress, true), "In Progress");
  EXPECT_EQ(parse_push_status("In Progress"), push_status::in_progress);
  EXPECT_EQ(parse_push_status("Canceled"), push_status::canceled);
  EXPECT_FALSE(parse_push_status("Cancelled"));
}

TEST(ZoneTable, InternsZonesAndKnowsDst) {
  zone_table z;
  const auto ny = z.intern("America/New_York");
  ASSERT_TRUE(ny);
  EXPECT_EQ(z.intern("America/New_York"), ny);
  EXPECT_FALSE(z.intern("Mars/Olympus_Mons"));
  const auto winter = *parse_iso8601("2026-01-15T12:00:00Z").time;
  const auto summer = *parse_iso8601("2026-07-15T12:00:00Z").time;
  EXPECT_EQ(z.utc_offset_s(*ny, winter), -5 * 3600);
  EXPECT_EQ(z.utc_offset_s(*ny, summer), -4 * 3600);
  EXPECT_EQ(z.utc_offset_s(*ny, winter), -5 * 3600);  // cache refreshed both ways
  const civil_time c = to_civil(z.local_us(*ny, summer));
  EXPECT_EQ(c.hour, 8u);
  EXPECT_EQ(c.weekday, 3u);  // Wednesday
}

TEST(InstanceTable, KnowsPodNamesRegionsAndMaintenance) {
  EXPECT_EQ(instance_region("NA142"), region::na);
  EXPECT_EQ(instance_region("USA544S"), region::na);
  EXPECT_EQ(instance_region("EU45"), region::eu);
  EXPECT_EQ(instance_region("APAC7"), region::ap);
  EXPECT_FALSE(instance_region("XX12"));
  EXPECT_FALSE(instance_region("NA"));
  EXPECT_FALSE(instance_region("NA12345"));
  instance_table t;
  const auto na = t.intern("NA142");
  ASSERT_TRUE(na);
  // Exactly one 3-hour window in every 4 weeks.
  const auto start = *parse_iso8601("2026-11-01T00:00:00Z").time;
  int hours_down = 0;
  for (int h = 0; h < 28 * 24; ++h) {
    if (t.in_maintenance(*na, start + std::chrono::hours(h))) ++hours_down;
  }
  EXPECT_EQ(hours_down, 3);
}

TEST(ZoneTable, CachedCivilTimeMatchesTheDirectConversion) {
  zone_table z;
  const auto syd = *z.intern("Australia/Sydney");
  const auto kol = *z.intern("Asia/Kolkata");
  time_point t = *parse_iso8601("2026-03-28T00:00:00Z").time;  // crosses Sydney's DST end (2026-04-05)
  for (int k = 0; k < 24 * 20; ++k, t += std::chrono::minutes(37)) {
    for (auto zi : {syd, kol}) {
      const civil_time a = z.civil(zi, t);
      const civil_time b = to_civil(z.local_us(zi, t));
      ASSERT_EQ(a.hour, b.hour);
      ASSERT_EQ(a.minute, b.minute);
      ASSERT_EQ(a.day, b.day);
      ASSERT_EQ(a.weekday, b.weekday);
      ASSERT_EQ(a.month, b.month);
      ASSERT_EQ(a.last_day_of_month, b.last_day_of_month);
    }
  }
}
