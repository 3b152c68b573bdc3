#include "pushsim/harness/report.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

using namespace pushsim;
using namespace pushsim::harness;

namespace {
rehearsal_report sample() {
  rehearsal_report r;
  r.scenario_name = "hotfix <2.4>";
  r.seed = 7;
  r.reproduce_command = "pushsim run s.json --seed 7";
  r.metrics = {{"orgs_targeted", 10},
               {"orgs_upgraded", 7},
               {"orgs_failed", 2},
               {"orgs_broken", 1},
               {"blast_radius_orgs", 3},
               {"halted", true},
               {"halt_reason", "failure rate 20% > 5%"},
               {"digest", "00ff00ff00ff00ff"},
               {"wall_s", 0.5},
               {"detection_delay_s", 5400.0}};
  const time_point t0 = *parse_iso8601("2026-11-27T22:00:00Z").time;
  r.timeline = {{t0, 5, 1, 0}, {t0 + std::chrono::hours(1), 2, 1, 1}};
  r.wave_starts = {{1, t0}, {2, t0 + std::chrono::minutes(70)}};
  r.halt_time = t0 + std::chrono::minutes(100);
  r.blast_by_cause = {{"DeployError", 2}, {"validation rule blocks saves", 1}};
  r.waves = {{1, "canary", 5, 4, 1, 0, 0, t0, t0 + std::chrono::minutes(30), "passed"}};
  r.harmed_orgs.push_back({"00D000000000001", "Acme, Inc.", "Production", "Active", "NA42", "Error", "Deploy failed",
                           "DeployError", "Field \"Amount\" is \"bad\"", false, ""});
  r.expectations = {{"blast_radius_orgs", "<= 25", "3", true}, {"halted", "== false", "true", false}};
  return r;
}
}  // namespace

TEST(Report, CsvHasCumulusCiColumnsAndQuotes) {
  const auto csv = render_csv(sample());
  EXPECT_EQ(
      csv.substr(0, csv.find('\n')),
      "OrganizationId,OrgName,OrgType,OrgStatus,InstanceName,ErrorSeverity,ErrorTitle,ErrorType,ErrorMessage,Broken,Cause");
  EXPECT_NE(csv.find("\"Acme, Inc.\""), std::string::npos);
  EXPECT_NE(csv.find("\"Field \"\"Amount\"\" is \"\"bad\"\"\""), std::string::npos);
}

TEST(Report, JunitHasOneTestcasePerExpectationAndCountsFailures) {
  const auto xml = render_junit(sample());
  EXPECT_NE(xml.find("tests=\"2\" failures=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("name=\"hotfix &lt;2.4&gt;\""), std::string::npos);
  EXPECT_NE(xml.find("<failure message=\"halted: expected == false, got true\""), std::string::npos);
  EXPECT_NE(xml.find("pushsim run s.json --seed 7"), std::string::npos);
}

TEST(Report, HtmlIsSelfContainedWithChartsWavesAndHalt) {
  const auto html = render_html(sample());
  EXPECT_NE(html.find("<svg id=\"timeline\""), std::string::npos);
  EXPECT_NE(html.find("class=\"wave\""), std::string::npos);
  EXPECT_NE(html.find("class=\"halt\""), std::string::npos);
  EXPECT_NE(html.find("class=\"bars\""), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
}

namespace {
// Every value of attribute `attr` on the elements of class `cls` in `html`.
std::vector<double> attr_values(const std::string& html, const std::string& cls, const std::string& attr) {
  std::vector<double> out;
  const std::regex element("<[a-z]+ class=\"" + cls + "\"[^>]*>");
  const std::regex value(" " + attr + "=\"([-0-9.]+)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), element); it != std::sregex_iterator(); ++it) {
    std::smatch m;
    const std::string tag = it->str();
    if (std::regex_search(tag, m, value)) out.push_back(std::stod(m[1]));
  }
  return out;
}
}  // namespace

TEST(Report, HtmlChartsHaveIdsAndTheWaveTableOneRowPerWave) {
  auto r = sample();
  r.blast_by_customization = {{"flow", 2}};
  r.waves.push_back({2, "rest", 50, 0, 0, 0, 50, std::nullopt, std::nullopt, "not reached"});
  const auto html = render_html(r);
  EXPECT_NE(html.find("<svg id=\"blast-by-cause\""), std::string::npos);
  EXPECT_NE(html.find("<svg id=\"blast-by-customization\""), std::string::npos);
  const auto table = html.substr(html.find("<table id=\"waves\">"));
  const auto body = table.substr(0, table.find("</table>"));
  std::size_t rows = 0;
  for (auto at = body.find("<tr><td>"); at != std::string::npos; at = body.find("<tr><td>", at + 1)) ++rows;
  EXPECT_EQ(rows, 2u);
  // Times to the minute, so the columns do not wrap.
  EXPECT_NE(body.find(">2026-11-27 22:00<"), std::string::npos);
  EXPECT_EQ(body.find("T22:00:00"), std::string::npos);
}

// The timeline seen in Chromium: a wave that starts before the first hour with an upgrade, or a halt after the
// last one, was drawn outside the plot; an hour with a few upgrades next to one with thousands was invisible
// (less than a pixel), and so were breakage signals drawn on the upgrades' scale.
TEST(Report, HtmlTimelineKeepsMarkersInsideThePlotAndSmallHoursVisible) {
  auto r = sample();
  const time_point t0 = *parse_iso8601("2026-11-27T22:00:00Z").time;
  r.timeline = {{t0, 5000, 0, 0}, {t0 + std::chrono::hours(1), 3, 1, 2}};
  r.wave_starts = {{1, t0 - std::chrono::minutes(40)}, {2, t0 + std::chrono::minutes(70)}};
  r.halt_time = t0 + std::chrono::minutes(170);
  const auto html = render_html(r);
  const double left = 60, right = 920;  // the plot's x range in svg_timeline
  for (const char* cls : {"wave", "halt"}) {
    const auto xs = attr_values(html, cls, "x1");
    ASSERT_FALSE(xs.empty()) << cls;
    for (const double x : xs) {
      EXPECT_GE(x, left) << cls;
      EXPECT_LE(x, right) << cls;
    }
  }
  EXPECT_EQ(attr_values(html, "wave", "x1").size(), 2u);
  const auto upgrade_h = attr_values(html, "upgrades", "height");
  ASSERT_EQ(upgrade_h.size(), 2u);
  EXPECT_GE(upgrade_h[1], 2.0);
  const auto failure_h = attr_values(html, "failures", "height");
  ASSERT_EQ(failure_h.size(), 2u);
  EXPECT_EQ(failure_h[0], 0.0);
  EXPECT_GE(failure_h[1], 2.0);
  const auto signal_r = attr_values(html, "signals", "r");
  ASSERT_EQ(signal_r.size(), 1u);
  EXPECT_GE(signal_r[0], 3.0);
  // The axis ends on a round number at or above the busiest hour.
  EXPECT_NE(html.find(">6000</text>"), std::string::npos);
}

TEST(Report, JsonCarriesMetricsAndExpectations) {
  const auto j = nlohmann::json::parse(render_json(sample()));
  EXPECT_EQ(j["metrics"]["blast_radius_orgs"], 3);
  EXPECT_EQ(j["expectations"][1]["passed"], false);
  EXPECT_EQ(j["timeline"][1]["breakage_signals"], 1);
}

TEST(Report, SummaryTellsWhatBrokeAndTheDigest) {
  std::ostringstream out;
  print_summary(out, sample());
  const auto text = out.str();
  EXPECT_NE(text.find("DeployError"), std::string::npos);
  EXPECT_NE(text.find("HALTED"), std::string::npos);
  EXPECT_NE(text.find("90.0 min after the first broken upgrade"), std::string::npos);
  EXPECT_NE(text.find("digest 00ff00ff00ff00ff"), std::string::npos);
}
