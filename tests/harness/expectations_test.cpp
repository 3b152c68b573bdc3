#include "pushsim/harness/expectations.hpp"

#include <gtest/gtest.h>

using namespace pushsim::harness;
using nlohmann::json;

namespace {

// Parses an expect object (every name a known metric unless given).
std::vector<expectation> parsed(const json& expect, json known = nullptr) {
  if (known.is_null()) {
    known = json::object();
    for (const auto& [k, v] : expect.items()) known[k] = 0;
  }
  std::vector<pushsim::input_error> errors;
  pushsim::json_reader r("s.json", errors);
  auto out = parse_expectations(expect, r, "/expect", known);
  EXPECT_TRUE(errors.empty()) << errors[0].to_string();
  return out;
}

}  // namespace

TEST(Expectations, ChecksMinMaxEqualsAndLiterals) {
  const json metrics = {{"blast_radius_orgs", 12},
                        {"halted", true},
                        {"deadline_met", false},
                        {"orgs_failed_by_type", {{"DeployError", 3}}}};
  const json expect = {{"blast_radius_orgs", {{"max", 25}}},
                       {"halted", true},
                       {"deadline_met", true},
                       {"/orgs_failed_by_type/DeployError", {{"min", 1}, {"max", 2}}}};
  const auto results = check_expectations(parsed(expect), metrics);
  ASSERT_EQ(results.size(), 4u);
  std::map<std::string, expectation_result> by;
  for (const auto& r : results) by[r.metric] = r;
  EXPECT_TRUE(by["blast_radius_orgs"].passed);
  EXPECT_EQ(by["blast_radius_orgs"].expected, "<= 25");
  EXPECT_TRUE(by["halted"].passed);
  EXPECT_FALSE(by["deadline_met"].passed);
  EXPECT_EQ(by["deadline_met"].actual, "false");
  EXPECT_FALSE(by["/orgs_failed_by_type/DeployError"].passed);
  EXPECT_EQ(by["/orgs_failed_by_type/DeployError"].expected, ">= 1 and <= 2");
}

TEST(Expectations, MissingMetricFails) {
  const auto results = check_expectations(parsed(json{{"/orgs_failed_by_type/LockingFailure", 0}}), json::object());
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].passed);
  EXPECT_EQ(results[0].actual, "missing");
}

TEST(Expectations, ValidationNamesThePointer) {
  const json known = {{"blast_radius_orgs", 0}, {"halted", false}};
  const json expect = {
      {"blast_radius", {{"max", 3}}}, {"halted", {{"atmost", 1}}}, {"blast_radius_orgs", {{"max", "ten"}}}};
  std::vector<pushsim::input_error> errors;
  pushsim::json_reader r("s.json", errors);
  parse_expectations(expect, r, "/expect", known);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].pointer, "/expect/blast_radius");
  EXPECT_NE(errors[0].message.find("unknown metric"), std::string::npos);
  EXPECT_EQ(errors[1].pointer, "/expect/blast_radius_orgs/max");
  EXPECT_EQ(errors[2].pointer, "/expect/halted/atmost");
}
