#include "pushsim/harness/platform_section.hpp"

#include <gtest/gtest.h>

using namespace pushsim::harness;
using nlohmann::json;

namespace {

struct parsed {
  platform_section section;
  std::vector<pushsim::input_error> errors;
};

parsed parse(const std::string& text) {
  parsed out;
  pushsim::json_reader r("s.json", out.errors);
  out.section = parse_platform_section(json::parse(text), r, "/platform");
  return out;
}

}  // namespace

TEST(PlatformSection, ParsesEveryKey) {
  const auto p = parse(R"({"concurrency_per_instance": 10,
      "pickup_delay_s": {"min": 1, "max": 2},
      "noise": {"unclassified_rate": 0.05, "maintenance_fails_jobs": false, "per_record_us": 1},
      "telemetry": {"per_user_hour": {"high": 1}, "floor_per_hour": {"integration_stops": 0.5},
                    "triage_latency_s": 60, "horizon_s": 604800},
      "api": {"daily_requests_max": 5000, "status_spelling": "In Progress"},
      "faults": {"any": {"http_503": 0.01}}})");
  ASSERT_TRUE(p.errors.empty()) << p.errors[0].to_string();
  const auto& c = p.section.platform;
  EXPECT_EQ(c.concurrency_per_instance, 10u);
  EXPECT_EQ(c.pickup_delay_max, std::chrono::seconds(2));
  EXPECT_DOUBLE_EQ(c.noise.unclassified_rate, 0.05);
  EXPECT_FALSE(c.noise.maintenance_fails_jobs);
  EXPECT_DOUBLE_EQ(c.telemetry.per_user_hour[3], 1.0);
  EXPECT_DOUBLE_EQ(c.telemetry.floor_per_hour[3], 0.5);
  EXPECT_DOUBLE_EQ(c.telemetry.horizon_s, 7 * 86400.0);
  EXPECT_DOUBLE_EQ(c.noise.lock_rate_max, pushsim::mock_org::noise_config{}.lock_rate_max);  // untouched default
  EXPECT_EQ(p.section.api.daily_requests_max, 5000);
  EXPECT_TRUE(p.section.api.spaced_status);
  EXPECT_DOUBLE_EQ(p.section.api.faults.any.http_503, 0.01);
}

TEST(PlatformSection, NamesEachBadKey) {
  auto one = [](const std::string& text) {
    const auto p = parse(text);
    return p.errors.size() == 1 ? p.errors[0].pointer + ": " + p.errors[0].message
                                : "errors: " + std::to_string(p.errors.size());
  };
  EXPECT_EQ(one(R"({"noise": {"unclassified_rate": 2}})"),
            "/platform/noise/unclassified_rate: expected a number in [0, 1], found number 2");
  EXPECT_EQ(one(R"({"noise": {"jitter": 1}})").substr(0, 50), "/platform/noise/jitter: unknown key \"jitter\" (know");
  EXPECT_EQ(one(R"({"concurrency_per_instance": 0})"),
            "/platform/concurrency_per_instance: expected an integer in [1, 1000000], found number 0");
  EXPECT_EQ(one(R"({"concurrency_per_instance": 2.5})"),
            "/platform/concurrency_per_instance: expected an integer in [1, 1000000], found number 2.5");
  EXPECT_EQ(one(R"({"pickup_delay_s": {"min": 5, "max": 1}})"),
            "/platform/pickup_delay_s/min: min must not exceed max");
  EXPECT_EQ(one(R"({"api": {"status_spelling": "in progress"}})"),
            "/platform/api/status_spelling: expected \"InProgress\" or \"In Progress\", found string \"in progress\"");
  EXPECT_EQ(one(R"({"faults": {"query": {"drop": -1}}})"),
            "/platform/faults/query/drop: expected a number in [0, 1], found number -1");
}
