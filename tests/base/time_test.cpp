#include "pushsim/base/time.hpp"

#include <gtest/gtest.h>

using namespace pushsim;

TEST(Time, FormatsWholeSecondsWithoutFraction) {
  const auto t = parse_iso8601("2026-11-23T01:02:03Z");
  ASSERT_TRUE(t) << t.error;
  EXPECT_EQ(format_iso8601(*t.time), "2026-11-23T01:02:03Z");
  EXPECT_EQ(format_salesforce(*t.time), "2026-11-23T01:02:03.000+0000");
}

TEST(Time, RoundTripsMicroseconds) {
  const auto t = parse_iso8601("2024-02-29T23:59:59.123456Z");
  ASSERT_TRUE(t) << t.error;
  EXPECT_EQ(format_iso8601(*t.time), "2024-02-29T23:59:59.123456Z");
}

TEST(Time, AppliesZoneOffsets) {
  const auto a = parse_iso8601("2026-03-08T02:30:00-05:00");
  const auto b = parse_iso8601("2026-03-08T07:30:00Z");
  const auto c = parse_iso8601("2026-03-08T13:00:00+0530");
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(*a.time, *b.time);
  EXPECT_EQ(*c.time, *b.time);
}

TEST(Time, SalesforceSpellingParses) {
  const auto t = parse_iso8601("2026-11-23T01:02:03.000+0000");
  ASSERT_TRUE(t) << t.error;
  EXPECT_EQ(format_iso8601(*t.time), "2026-11-23T01:02:03Z");
}

TEST(Time, BareDateIsMidnightUtc) {
  const auto t = parse_iso8601("2026-01-01");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_iso8601(*t.time), "2026-01-01T00:00:00Z");
}

TEST(Time, EpochIsZero) {
  EXPECT_EQ(to_us(*parse_iso8601("1970-01-01T00:00:00Z").time), 0);
  EXPECT_EQ(to_us(*parse_iso8601("1970-01-01T00:00:01.5Z").time), 1'500'000);
}

TEST(Time, RejectsBadInputWithPosition) {
  struct bad {
    const char* text;
    const char* expect;
  };
  const bad cases[] = {
      {"", "4-digit year at character 1"},
      {"2026-13-01T00:00:00Z", "no such calendar date"},
      {"2026-02-30", "no such calendar date"},
      {"2026-01-01T25:00:00Z", "out of range"},
      {"2026-01-01T10:00:00", "zone designator"},
      {"2026-01-01T10:00:00Zjunk", "trailing characters at character 21"},
      {"2026/01/01", "'-' after the year at character 5"},
      {"2026-01-01T10:00:00.Z", "digits after the decimal point"},
  };
  for (const auto& c : cases) {
    const auto r = parse_iso8601(c.text);
    EXPECT_FALSE(r) << c.text;
    EXPECT_NE(r.error.find(c.expect), std::string::npos) << c.text << " -> " << r.error;
  }
}

TEST(Time, NegativeTimesBeforeEpochFormat) {
  const auto t = parse_iso8601("1969-12-31T23:59:59.5Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(to_us(*t.time), -500'000);
  EXPECT_EQ(format_iso8601(*t.time), "1969-12-31T23:59:59.500000Z");
}
