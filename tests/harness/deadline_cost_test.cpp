// The cost of not pushing: orgs that needed the upgrade and did not have it by a hard deadline.
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "pushsim/base/time.hpp"
#include "pushsim/harness/rehearsal.hpp"
#include "pushsim/harness/report.hpp"
#include "pushsim/harness/scenario_file.hpp"

using namespace pushsim;
using namespace pushsim::harness;

namespace {

// The default scenario reduced to a known answer: `count` Active orgs on 2.3.1, none blocked, no customizations,
// no windows, no faults; each push attempt fails with probability `noise` (one attempt). A 10% canary with a
// gate that halts on the first failed org, then the rest.
std::vector<json_override> known_world(int count, double noise) {
  std::vector<json_override> o;
  const auto set = [&](const char* pointer, nlohmann::json v) {
    o.push_back({nlohmann::json::json_pointer(pointer), std::move(v)});
  };
  set("/population/count", count);
  set("/population/mix/status", {{"Active", 1}});
  set("/population/mix/installed_version", {{"2.3.1", 1}});
  set("/population/mix/push_blocked", 0);
  set("/population/mix/always_fails", 0);
  set("/population/customization",
      nlohmann::json::parse(R"({"validation_rule": {"default": 0}, "trigger": {"default": 0},
      "flow": {"default": 0}, "custom_fields": {"default": 0}, "integration": {"default": 0}})"));
  set("/platform", {{"noise",
                     {{"unclassified_rate", noise},
                      {"lock_base_rate", 0},
                      {"lock_rate_per_active_user", 0},
                      {"maintenance_fails_jobs", false},
                      {"post_install_cpu_budget_s", 1e6}}}});
  set("/plan/retry/max_attempts", 1);
  set("/plan/windows", nlohmann::json::object());
  set("/plan/gates", {{"max_failed_orgs", 0}});
  set("/plan/waves", nlohmann::json::parse(R"([{"name": "canary", "select": {"share_percent": 10}, "bake": "1h"},
                                                {"name": "rest"}])"));
  set("/expect", nlohmann::json::object());
  return o;
}

rehearsal_report run(std::vector<json_override> o, const nlohmann::json& deadline) {
  o.push_back({nlohmann::json::json_pointer("/plan/deadline"), deadline});
  auto loaded = load_default_scenario(scenario_overrides{o, std::nullopt});
  EXPECT_TRUE(loaded.value) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
  auto result = run_rehearsal(*loaded.value, {});
  EXPECT_TRUE(result.report) << (result.errors.empty() ? "" : result.errors[0].to_string());
  EXPECT_TRUE(result.invariant_violations.empty()) << result.invariant_violations.front();
  return std::move(*result.report);
}

std::int64_t metric(const rehearsal_report& r, const char* name) { return r.metrics.at(name).get<std::int64_t>(); }
std::int64_t left_behind(const rehearsal_report& r, const char* why) {
  return r.metrics.at("orgs_left_behind_by_reason").at(why).get<std::int64_t>();
}

const char* const retirement = "2026-12-04T00:00:00Z";

}  // namespace

TEST(DeadlineCost, ApiRetirementHarmsExactlyTheOrgsTheHaltLeftBehind) {
  const auto r = run(known_world(400, 0.2), {{"at", retirement}, {"kind", "api_retirement"}});
  ASSERT_TRUE(r.metrics.at("halted").get<bool>());
  const std::int64_t halted = left_behind(r, "halted"), failed = left_behind(r, "failed");
  EXPECT_GT(halted, 300);
  EXPECT_EQ(metric(r, "orgs_left_behind"), halted + failed);
  // Every org still on 2.3.1 at the retirement stops; the failed ones were already harmed by pushing.
  EXPECT_EQ(metric(r, "harmed_by_not_pushing_orgs"), halted);
  EXPECT_GT(metric(r, "harmed_by_not_pushing_users"), halted);  // each org has at least one user
  EXPECT_EQ(metric(r, "harmed_by_pushing_orgs"), metric(r, "orgs_failed") + metric(r, "orgs_broken"));
  EXPECT_EQ(metric(r, "blast_radius_orgs"), metric(r, "harmed_by_pushing_orgs") + halted);
  EXPECT_FALSE(r.metrics.at("deadline_met").get<bool>());
  EXPECT_TRUE(r.metrics.at("rollout_finished_before_deadline").get<bool>());
  // The stopped integrations reach the partner's telemetry after the retirement, as any breakage does.
  int signals_after = 0;
  for (const auto& b : r.timeline) {
    if (b.hour >= *parse_iso8601(retirement).time) signals_after += b.breakage_signals;
  }
  EXPECT_GT(signals_after, 0);
  EXPECT_NE(
      deadline_sentence(r).find("left " + std::to_string(halted) + " to break at the API retirement on 2026-12-04"),
      std::string::npos)
      << deadline_sentence(r);
}

TEST(DeadlineCost, SoftDeadlineHarmsNone) {
  const auto r = run(known_world(400, 0.2), {{"at", retirement}, {"kind", "soft"}});
  ASSERT_TRUE(r.metrics.at("halted").get<bool>());
  EXPECT_GT(left_behind(r, "halted"), 300);
  EXPECT_EQ(metric(r, "harmed_by_not_pushing_orgs"), 0);
  EXPECT_EQ(metric(r, "harmed_by_not_pushing_users"), 0);
  EXPECT_EQ(metric(r, "blast_radius_orgs"), metric(r, "harmed_by_pushing_orgs"));
  // A bare instant is a soft deadline too.
  const auto bare = run(known_world(400, 0.2), retirement);
  EXPECT_EQ(bare.metrics.at("orgs_left_behind"), r.metrics.at("orgs_left_behind"));
  EXPECT_EQ(metric(bare, "harmed_by_not_pushing_orgs"), 0);
}

TEST(DeadlineCost, OrgUpgradedOneMinuteBeforeTheDeadlineIsNotLeftBehind) {
  // Without failures nothing halts; the last upgrade ends at `last`.
  const auto first = run(known_world(200, 0.0), {{"at", retirement}, {"kind", "api_retirement"}});
  ASSERT_EQ(metric(first, "orgs_upgraded"), 200);
  time_point last{};
  for (const auto& w : first.waves) last = std::max(last, w.last_end.value_or(last));
  const auto at = [](time_point t) { return nlohmann::json{{"at", format_iso8601(t)}, {"kind", "api_retirement"}}; };
  const auto minute_after =
      run(known_world(200, 0.0), at(std::chrono::ceil<std::chrono::seconds>(last) + std::chrono::minutes(1)));
  EXPECT_EQ(metric(minute_after, "orgs_upgraded"), 200);
  EXPECT_EQ(metric(minute_after, "orgs_left_behind"), 0);
  EXPECT_EQ(metric(minute_after, "harmed_by_not_pushing_orgs"), 0);
  EXPECT_TRUE(minute_after.metrics.at("deadline_met").get<bool>());
  // A minute earlier, the last org's upgrade ends too late: left behind, and its integration stopped meanwhile.
  const auto minute_before =
      run(known_world(200, 0.0), at(std::chrono::floor<std::chrono::seconds>(last) - std::chrono::minutes(1)));
  EXPECT_GE(left_behind(minute_before, "no_capacity"), 1);
  EXPECT_GE(metric(minute_before, "harmed_by_not_pushing_orgs"), 1);
  EXPECT_FALSE(minute_before.metrics.at("deadline_met").get<bool>());
}

TEST(DeadlineCost, HtmlTimelineZoomsOnTheRolloutAndMarksTheDeadline) {
  const auto r = run(known_world(400, 0.2), {{"at", "2026-12-08T00:00:00Z"}, {"kind", "api_retirement"}});
  const std::string html = render_html(r);
  EXPECT_NE(html.find("class=\"deadline\""), std::string::npos);
  EXPECT_NE(html.find("class=\"axis-break\""), std::string::npos);
  EXPECT_NE(html.find("id=\"deadline-cost\""), std::string::npos);
}

namespace {

int sum_of(const std::map<std::string, int>& by) {
  int n = 0;
  for (const auto& [key, count] : by) n += count;
  return n;
}

}  // namespace

TEST(DeadlineCost, BlastRadiusByCauseAddsUpWithTheOrgsTheRetirementStopped) {
  const auto r = run(known_world(400, 0.2), {{"at", retirement}, {"kind", "api_retirement"}});
  ASSERT_TRUE(r.metrics.at("halted").get<bool>());
  const std::int64_t halted = left_behind(r, "halted");
  ASSERT_GT(halted, 300);
  EXPECT_EQ(r.blast_by_cause.at("integration stopped: API retirement"), halted);
  EXPECT_EQ(sum_of(r.blast_by_cause), metric(r, "blast_radius_orgs"));
  // No org of this world has a customization: every harmed org, pushed or not, is counted as such.
  EXPECT_EQ(r.blast_by_customization.at("no customization"), metric(r, "blast_radius_orgs"));
  // The three renderings say the same.
  const auto j = nlohmann::json::parse(render_json(r));
  EXPECT_EQ(j.at("blast_radius_by_cause").at("integration stopped: API retirement").get<std::int64_t>(), halted);
  EXPECT_EQ(j.at("blast_radius_by_customization").at("no customization").get<std::int64_t>(),
            metric(r, "blast_radius_orgs"));
  std::ostringstream text;
  print_summary(text, r);
  EXPECT_NE(text.str().find(std::to_string(halted) + "  integration stopped: API retirement"), std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find(std::to_string(metric(r, "blast_radius_orgs")) + "  no customization"), std::string::npos)
      << text.str();
  EXPECT_NE(render_html(r).find("integration stopped: API retirement"), std::string::npos);
}

TEST(DeadlineCost, BlastRadiusByCauseCountsOrgsOutOfCompliance) {
  const auto r = run(known_world(400, 0.2), {{"at", retirement}, {"kind", "compliance"}});
  ASSERT_TRUE(r.metrics.at("halted").get<bool>());
  EXPECT_EQ(r.blast_by_cause.at("out of compliance"), metric(r, "harmed_by_not_pushing_orgs"));
  EXPECT_GT(metric(r, "harmed_by_not_pushing_orgs"), 300);
  EXPECT_EQ(sum_of(r.blast_by_cause), metric(r, "blast_radius_orgs"));
  EXPECT_EQ(r.blast_by_customization.at("no customization"), metric(r, "blast_radius_orgs"));
}

TEST(DeadlineCost, SoftDeadlineAddsNoCauseOfNotPushing) {
  const auto r = run(known_world(400, 0.2), {{"at", retirement}, {"kind", "soft"}});
  EXPECT_EQ(r.blast_by_cause.count("integration stopped: API retirement"), 0u);
  EXPECT_EQ(r.blast_by_cause.count("out of compliance"), 0u);
  EXPECT_EQ(sum_of(r.blast_by_cause), metric(r, "blast_radius_orgs"));
}
