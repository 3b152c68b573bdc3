#include "pushsim/scheduler/profiles.hpp"

#include <gtest/gtest.h>

using namespace pushsim::scheduler;

namespace {

bool has_error(const profiles_parse_result& r, std::size_t line, std::size_t column) {
  for (const auto& e : r.errors) {
    std::string where = "line " + std::to_string(line);
    if (column > 0) where += ", column " + std::to_string(column);
    if (e.pointer == where || e.pointer.starts_with(where + " (")) return true;
  }
  return false;
}

}  // namespace

TEST(Profiles, ParsesFeatureListsAndFlagColumns) {
  const auto r = parse_profiles_csv(
      "org_key,time_zone,fiscal_year_start_month,tier,features,feature:person_accounts\n"
      "00D000000000001,Europe/Berlin,2,gold,cpq;multi_currency,1\n"
      "# a comment\n"
      "\n"
      "00D000000000002EAA,,,\"silver, legacy\",,0\r\n");
  ASSERT_TRUE(r) << r.error_text();
  const profile_set& set = *r.value;
  ASSERT_EQ(set.size(), 2u);
  const org_profile* a = set.find("00D000000000001");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->time_zone, "Europe/Berlin");
  EXPECT_EQ(a->fiscal_year_start_month, 2);
  EXPECT_EQ(a->tier, "gold");
  ASSERT_EQ(set.feature_names().size(), 3u);
  EXPECT_EQ(set.feature_names()[0], "person_accounts");
  EXPECT_EQ(a->features, 0b111u);
  const org_profile* b = set.find("00D000000000002");  // 18-character key normalised
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->tier, "silver, legacy");
  EXPECT_EQ(b->fiscal_year_start_month, 0);
  EXPECT_EQ(b->features, 0u);
  EXPECT_EQ(set.find("00D000000000003"), nullptr);
}

TEST(Profiles, ErrorsNameLineAndColumn) {
  const auto r = parse_profiles_csv(
      "org_key,time_zone,fiscal_year_start_month\n"
      "00D000000000001,Europe/Berlin,1\n"
      "00D000000000002,Mars/Olympus,1\n"
      "00D000000000003,UTC,13\n"
      "00Dbad,UTC,1\n"
      "00D000000000004,UTC\n"
      "00D000000000001,UTC,1\n");
  ASSERT_FALSE(r);
  EXPECT_TRUE(has_error(r, 3, 2)) << r.error_text();
  EXPECT_TRUE(has_error(r, 4, 3)) << r.error_text();
  EXPECT_TRUE(has_error(r, 5, 1)) << r.error_text();
  EXPECT_TRUE(has_error(r, 6, 0)) << r.error_text();
  EXPECT_TRUE(has_error(r, 7, 0)) << r.error_text();
  EXPECT_EQ(r.errors.size(), 5u) << r.error_text();
  EXPECT_NE(r.error_text().find("line 3, column 2 (time_zone): unknown time zone \"Mars/Olympus\""), std::string::npos)
      << r.error_text();
  EXPECT_NE(r.error_text().find("duplicate org key 00D000000000001 (first on line 2)"), std::string::npos);
}

TEST(Profiles, RejectsBadHeaders) {
  const auto r = parse_profiles_csv("org_key,timezone\n00D000000000001,UTC\n");
  ASSERT_FALSE(r);
  EXPECT_TRUE(has_error(r, 1, 2)) << r.error_text();
  const auto no_key = parse_profiles_csv("time_zone\nUTC\n");
  ASSERT_FALSE(no_key);
  EXPECT_TRUE(has_error(no_key, 1, 0));
  EXPECT_FALSE(parse_profiles_csv(""));
  const auto flags = parse_profiles_csv("org_key,feature:cpq\n00D000000000001,yes\n");
  ASSERT_FALSE(flags);
  EXPECT_TRUE(has_error(flags, 2, 2)) << flags.error_text();
}

TEST(Profiles, InstanceRegionsGiveDefaultZones) {
  EXPECT_EQ(default_time_zone_for_instance("NA45"), "America/New_York");
  EXPECT_EQ(default_time_zone_for_instance("USA204"), "America/New_York");
  EXPECT_EQ(default_time_zone_for_instance("CS12"), "America/New_York");
  EXPECT_EQ(default_time_zone_for_instance("EU9"), "Europe/London");
  EXPECT_EQ(default_time_zone_for_instance("DEU2"), "Europe/Berlin");
  EXPECT_EQ(default_time_zone_for_instance("AP15"), "Asia/Tokyo");
  EXPECT_EQ(default_time_zone_for_instance("JPN3"), "Asia/Tokyo");
  EXPECT_EQ(default_time_zone_for_instance("AUS4"), "Australia/Sydney");
  EXPECT_EQ(default_time_zone_for_instance("IND1"), "Asia/Kolkata");
  EXPECT_EQ(default_time_zone_for_instance("XYZ1"), "");
  EXPECT_TRUE(is_known_time_zone("Australia/Lord_Howe"));
  EXPECT_FALSE(is_known_time_zone("Mars/Olympus"));
}
