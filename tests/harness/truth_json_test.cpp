// The served world's ground truth as JSON: who the plan's deadline harmed, besides what the pushes did.
#include "pushsim/harness/truth_json.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>

#include <nlohmann/json.hpp>

#include "pushsim/base/time.hpp"
#include "pushsim/harness/scenario_file.hpp"
#include "pushsim/harness/world.hpp"

using namespace pushsim;
using namespace pushsim::harness;
using json = nlohmann::json;

namespace {

// The default scenario's world (80 orgs, nothing pushed) with its plan's deadline an hour after the start.
std::unique_ptr<world> world_with_deadline(scheduler::deadline_kind kind) {
  scenario_overrides overrides;
  std::string error;
  overrides.set.push_back(*parse_override("/population/count=80", error));
  load_result loaded = load_default_scenario(overrides);
  EXPECT_TRUE(loaded.value);
  scenario s = *loaded.value;
  s.plan.deadline = s.start + std::chrono::hours(1);
  s.plan.deadline_cost = kind;
  return build_world(s);
}

// Rows having `field`, each checked to be an org no job touched (the deadline alone harmed it).
std::int64_t untouched_rows_with(const json& truth, const char* field, const std::string& at) {
  std::int64_t n = 0;
  for (const auto& row : truth.at("orgs")) {
    if (!row.contains(field)) continue;
    ++n;
    EXPECT_EQ(row.at(field), at) << row.dump();
    EXPECT_EQ(row.at("state"), "untouched") << row.dump();
  }
  return n;
}

}  // namespace

TEST(TruthJson, SaysWhoseIntegrationTheApiRetirementStopped) {
  auto w = world_with_deadline(scheduler::deadline_kind::api_retirement);
  const std::string at = format_iso8601(w->start + std::chrono::hours(1));
  const json before = truth_json(*w);
  EXPECT_EQ(before.at("deadline").at("kind"), "api_retirement");
  EXPECT_EQ(before.at("deadline").at("at"), at);
  EXPECT_EQ(before.at("summary").at("integration_stopped"), 0);
  EXPECT_TRUE(before.at("orgs").empty());
  w->sim->run_until(w->start + std::chrono::hours(2));
  const json after = truth_json(*w);
  const std::int64_t stopped = after.at("summary").at("integration_stopped").get<std::int64_t>();
  EXPECT_GT(stopped, 0);
  EXPECT_EQ(untouched_rows_with(after, "integration_stopped_at", at), stopped);
  EXPECT_EQ(after.at("summary").at("out_of_compliance"), 0);
}

TEST(TruthJson, SaysWhoIsOutOfComplianceOnceTheDeadlinePassed) {
  auto w = world_with_deadline(scheduler::deadline_kind::compliance);
  const std::string at = format_iso8601(w->start + std::chrono::hours(1));
  EXPECT_EQ(truth_json(*w).at("summary").at("out_of_compliance"), 0);
  w->sim->run_until(w->start + std::chrono::hours(2));
  const json after = truth_json(*w);
  const std::int64_t non_compliant = after.at("summary").at("out_of_compliance").get<std::int64_t>();
  EXPECT_GT(non_compliant, 0);
  EXPECT_EQ(untouched_rows_with(after, "out_of_compliance_from", at), non_compliant);
  EXPECT_EQ(after.at("summary").at("integration_stopped"), 0);  // compliance stops nothing
  // The same orgs an API retirement at that instant would have stopped: those still on an older version.
  auto retired = world_with_deadline(scheduler::deadline_kind::api_retirement);
  retired->sim->run_until(retired->start + std::chrono::hours(2));
  EXPECT_EQ(truth_json(*retired).at("summary").at("integration_stopped"), non_compliant);
}

TEST(TruthJson, SoftDeadlineHarmsNobody) {
  auto w = world_with_deadline(scheduler::deadline_kind::soft);
  w->sim->run_until(w->start + std::chrono::hours(2));
  const json after = truth_json(*w);
  EXPECT_TRUE(after.at("deadline").is_null());
  EXPECT_EQ(after.at("summary").at("integration_stopped"), 0);
  EXPECT_EQ(after.at("summary").at("out_of_compliance"), 0);
  EXPECT_TRUE(after.at("orgs").empty());
}
