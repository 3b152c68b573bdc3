#include "pushsim/mock_org/api/fault_config.hpp"

#include <gtest/gtest.h>

#include "pushsim/base/json_reader.hpp"

using namespace pushsim::mock_org::api;

TEST(FaultConfig, ParsesRatesSeedAndLatency) {
  const auto r = parse_fault_config_text(
      R"({"seed": 7, "any": {"http_503": 0.01}, "composite": {"something_bad_400": 0.05},
          "latency": {"median_ms": 100, "p99_ms": 800}})");
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].to_string();
  EXPECT_EQ(r.config.seed, 7u);
  EXPECT_DOUBLE_EQ(r.config.any.http_503, 0.01);
  EXPECT_DOUBLE_EQ(r.config.per_class[static_cast<int>(endpoint_class::composite)].something_bad_400, 0.05);
  EXPECT_DOUBLE_EQ(r.config.latency_ms_p99, 800);
  EXPECT_TRUE(r.config.enabled());
}

TEST(FaultConfig, ErrorsNameThePointerInTheScenario) {
  std::vector<pushsim::input_error> errors;
  pushsim::json_reader reader("s.json", errors);
  const auto j = nlohmann::json::parse(R"({"query": {"drop": 2}, "quary": {}, "seed": -1})");
  EXPECT_FALSE(parse_fault_config(j, reader, "/platform/faults"));
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].to_string(),
            "s.json: /platform/faults/quary: unknown key \"quary\" (known keys: seed, any, latency, query, create, "
            "composite, patch, bulk, other)");
  EXPECT_EQ(errors[1].to_string(),
            "s.json: /platform/faults/seed: expected an integer in [0, 18446744073709551615], found number -1");
  EXPECT_EQ(errors[2].to_string(), "s.json: /platform/faults/query/drop: expected a number in [0, 1], found number 2");
}

TEST(FaultConfig, RatesAddingUpToMoreThanOneAreRefused) {
  const auto r = parse_fault_config_text(R"({"any": {"http_503": 0.6}, "query": {"drop": 0.6}})");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].pointer, "/any");
  EXPECT_EQ(parse_fault_config_text("[]").errors.at(0).message, "expected an object, found an array");
}
