#include "pushsim/scheduler/window_rules.hpp"

#include <gtest/gtest.h>

using namespace pushsim;
using namespace pushsim::scheduler;

namespace {

time_point at(const char* iso) { return parse_iso8601(iso).time.value(); }

window_spec nights() {
  window_spec w;
  w.quiet_hours.push_back(clock_range{22 * 60, 6 * 60});  // 22:00-06:00 local
  return w;
}

}  // namespace

TEST(WindowRules, QuietHoursAreLocalTimeWithDaylightSaving) {
  window_rules rules(nights());
  // 03:00Z is 23:00 in New York in summer (EDT) and 22:00 in winter (EST): both inside.
  EXPECT_TRUE(rules.allowed(at("2027-07-14T03:00:00Z"), "America/New_York", 1));
  EXPECT_TRUE(rules.allowed(at("2027-01-14T03:00:00Z"), "America/New_York", 1));
  // 12:00Z is 08:00 EDT: outside.
  EXPECT_FALSE(rules.allowed(at("2027-07-14T12:00:00Z"), "America/New_York", 1));
  // An unknown zone is UTC.
  EXPECT_TRUE(rules.allowed(at("2027-07-14T23:00:00Z"), "Not/AZone", 1));
  EXPECT_FALSE(rules.allowed(at("2027-07-14T12:00:00Z"), "Not/AZone", 1));
}

TEST(WindowRules, FreezesAvoidedDatesAndQuarterEndBlackoutsCount) {
  window_spec w = nights();
  w.freezes.push_back(freeze_period{at("2027-03-01T00:00:00Z"), at("2027-03-02T00:00:00Z"), "release freeze"});
  w.avoid_dates.push_back(std::chrono::floor<std::chrono::days>(at("2027-05-05T00:00:00Z")));
  w.quarter_end_business_days = 3;
  window_rules rules(w);
  EXPECT_FALSE(rules.allowed(at("2027-03-01T23:00:00Z"), "UTC", 1));  // frozen
  EXPECT_TRUE(rules.allowed(at("2027-03-02T23:00:00Z"), "UTC", 1));
  EXPECT_FALSE(rules.allowed(at("2027-05-05T23:00:00Z"), "UTC", 1));  // avoided date
  // Fiscal year from January: 2027-06-30 (Wednesday) is in the last 3 business days of Q2; from February it is not.
  EXPECT_FALSE(rules.allowed(at("2027-06-30T23:00:00Z"), "UTC", 1));
  EXPECT_TRUE(rules.allowed(at("2027-06-30T23:00:00Z"), "UTC", 2));
}
