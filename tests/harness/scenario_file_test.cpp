#include "pushsim/harness/scenario_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace pushsim::harness;

namespace {
const char* good = R"({
  "name": "hotfix", "seed": 7, "start": "2026-11-27T22:00:00Z",
  "population": {"count": 10}, "package": {"namespace": "dash"},
  "plan": {"waves": []}, "expect": {"halted": false}
})";

bool has_error(const load_result& r, const std::string& pointer, const std::string& text) {
  for (const auto& e : r.errors) {
    if (e.pointer == pointer && e.message.find(text) != std::string::npos) return true;
  }
  return false;
}
}  // namespace

TEST(ScenarioFile, LoadsAGoodScenario) {
  const auto r = load_scenario_text(good, "s.json", ".", {});
  ASSERT_TRUE(r.document) << (r.errors.empty() ? "" : r.errors[0].to_string());
  EXPECT_EQ(r.document->json["seed"], 7);
  EXPECT_EQ(r.document->plan_pointer, "/plan");
}

TEST(ScenarioFile, ReportsEveryTopLevelMistakeWithItsPointer) {
  const auto r = load_scenario_text(
      R"({"name": 3, "seed": -1, "start": "tomorrow", "population": [], "package": {}, "colour": "red"})", "bad.json",
      ".", {});
  EXPECT_FALSE(r.document);
  EXPECT_TRUE(has_error(r, "/name", "expected a string"));
  EXPECT_TRUE(has_error(r, "/seed", "non-negative integer"));
  EXPECT_TRUE(has_error(r, "/start", "ISO-8601"));
  EXPECT_TRUE(has_error(r, "/population", "expected an object"));
  EXPECT_TRUE(has_error(r, "/colour", "unknown key 'colour'"));
  EXPECT_TRUE(has_error(r, "/plan", "missing"));
  EXPECT_EQ(r.errors.front().file, "bad.json");
  EXPECT_NE(r.errors.front().to_string().find("bad.json: /"), std::string::npos);
}

TEST(ScenarioFile, RejectsInvalidJsonWithThePosition) {
  const auto r = load_scenario_text("{\"name\": \"x\",\n \"seed\": }", "broken.json", ".", {});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("line 2"), std::string::npos) << r.errors[0].message;
}

TEST(ScenarioFile, AppliesSetOverrides) {
  std::string error;
  const auto seed = parse_override("/seed=99", error);
  const auto count = parse_override("/population/count=1000", error);
  const auto name = parse_override("/name=renamed run", error);
  ASSERT_TRUE(seed && count && name) << error;
  const auto r = load_scenario_text(good, "s.json", ".", {*seed, *count, *name});
  ASSERT_TRUE(r.document);
  EXPECT_EQ(r.document->json["seed"], 99);
  EXPECT_EQ(r.document->json["population"]["count"], 1000);
  EXPECT_EQ(r.document->json["name"], "renamed run");
}

TEST(ScenarioFile, RejectsBadOverrides) {
  std::string error;
  EXPECT_FALSE(parse_override("seed", error));
  EXPECT_NE(error.find("/json/pointer=value"), std::string::npos);
  EXPECT_FALSE(parse_override("seed=3", error));
  EXPECT_NE(error.find("not a JSON pointer"), std::string::npos);
  const auto deep = parse_override("/nowhere/at/all=1", error);
  ASSERT_TRUE(deep);
  const auto r = load_scenario_text(good, "s.json", ".", {*deep});
  EXPECT_TRUE(has_error(r, "/nowhere/at/all", "does not exist"));
}

TEST(ScenarioFile, ReadsAPlanFileRelativeToTheScenario) {
  const auto dir = std::filesystem::temp_directory_path() / "pushsim_scenario_file_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "plan.json") << R"({"waves": [{"share": 0.1}]})";
  std::ofstream(dir / "s.json") << R"({"name": "x", "seed": 1, "start": "2026-01-01T00:00:00Z",
    "population": {}, "package": {}, "plan": "plan.json"})";
  const auto r = load_scenario_file(dir / "s.json", {});
  ASSERT_TRUE(r.document) << r.errors[0].to_string();
  EXPECT_EQ(r.document->json["plan"]["waves"][0]["share"], 0.1);
  EXPECT_EQ(r.document->plan_file, (dir / "plan.json").string());
  std::ofstream(dir / "s2.json") << R"({"name": "x", "seed": 1, "start": "2026-01-01T00:00:00Z",
    "population": {}, "package": {}, "plan": "missing.json"})";
  const auto bad = load_scenario_file(dir / "s2.json", {});
  EXPECT_TRUE(has_error(bad, "/plan", "cannot read the plan file"));
  const auto none = load_scenario_file(dir / "nope.json", {});
  ASSERT_EQ(none.errors.size(), 1u);
  EXPECT_NE(none.errors[0].message.find("cannot read"), std::string::npos);
  std::filesystem::remove_all(dir);
}
