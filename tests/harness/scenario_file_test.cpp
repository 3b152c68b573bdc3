#include "pushsim/harness/scenario_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "pushsim/harness/world.hpp"

using namespace pushsim::harness;
using nlohmann::json;

namespace {

// The built-in default scenario's JSON, to mutate.
json good() { return json::parse(default_scenario_text()); }

json_override set(const std::string& argument) {
  std::string error;
  auto o = parse_override(argument, error);
  EXPECT_TRUE(o) << error;
  return o ? *o : json_override();
}

load_result load(const json& doc, std::vector<std::string> sets = {}, std::optional<std::uint64_t> seed = {}) {
  scenario_overrides o;
  for (const auto& s : sets) o.set.push_back(set(s));
  o.seed = seed;
  return load_scenario_text(doc.dump(), "s.json", ".", o);
}

// The only error of a load, as "file|pointer|message".
std::string only_error(const load_result& r) {
  if (r.value) return "loaded";
  if (r.errors.size() != 1) {
    std::string all = std::to_string(r.errors.size()) + " errors:";
    for (const auto& e : r.errors) all += " [" + e.to_string() + "]";
    return all;
  }
  return r.errors[0].file + "|" + r.errors[0].pointer + "|" + r.errors[0].message;
}

const std::string seed_range = "expected an integer in [0, 18446744073709551615]";

}  // namespace

TEST(ScenarioFile, LoadsTheDefaultScenarioIntoTypedValues) {
  const auto r = load_default_scenario();
  ASSERT_TRUE(r.value) << r.errors[0].to_string();
  EXPECT_FALSE(r.value->name.empty());
  EXPECT_EQ(r.value->seed, good()["seed"].get<std::uint64_t>());
  EXPECT_FALSE(r.value->plan.waves.empty());
  EXPECT_EQ(r.value->plan.start, r.value->start);  // the plan has no start of its own
  EXPECT_EQ(r.value->plan_origin.pointer, "/plan");
  EXPECT_GT(r.value->platform.api.faults.latency_ms_median, 0);
}

TEST(ScenarioFile, WrongTypeInTheFile) {
  auto doc = good();
  doc["name"] = 3;
  EXPECT_EQ(only_error(load(doc)), "s.json|/name|expected a string, found number 3");
}

TEST(ScenarioFile, OverflowingAndNegativeSeedsAreRefusedFromTheFileAndFromSet) {
  auto doc = good();
  doc["seed"] = json::parse("99999999999999999999999");
  EXPECT_EQ(only_error(load(doc)), "s.json|/seed|" + seed_range + ", found number 9.999999999999999e+22");
  doc["seed"] = -1;
  EXPECT_EQ(only_error(load(doc)), "s.json|/seed|" + seed_range + ", found number -1");
  EXPECT_EQ(only_error(load(good(), {"/seed=-1"})), "s.json|/seed|" + seed_range + ", found number -1");
  EXPECT_EQ(only_error(load(good(), {"/seed=99999999999999999999999"})),
            "s.json|/seed|" + seed_range + ", found number 9.999999999999999e+22");
}

TEST(ScenarioFile, SetSeedAbcIsAnErrorNotAnAbort) {
  EXPECT_EQ(only_error(load(good(), {"/seed=abc"})), "s.json|/seed|" + seed_range + ", found string \"abc\"");
}

TEST(ScenarioFile, SetProfilesToANumberIsAnError) {
  EXPECT_EQ(only_error(load(good(), {"/profiles=5"})), "s.json|/profiles|expected a string, found number 5");
}

TEST(ScenarioFile, UnknownKeyIsTheSameErrorInTheFileAndViaSet) {
  auto doc = good();
  doc["seeed"] = 5;
  const std::string expected =
      "s.json|/seeed|unknown key \"seeed\" (known keys: $schema, name, description, seed, start, population, "
      "package, platform, plan, profiles, expect, study)";
  EXPECT_EQ(only_error(load(doc)), expected);
  EXPECT_EQ(only_error(load(good(), {"/seeed=5"})), expected);
  EXPECT_EQ(only_error(load(good(), {"/platform/jitter=1"})).substr(0, 60),
            "s.json|/platform/jitter|unknown key \"jitter\" (known keys: co");
}

TEST(ScenarioFile, DeepNestingIsRefusedInTheFileAndInASetValue) {
  const std::string deep = std::string(70, '[') + std::string(70, ']');
  auto text = good().dump();
  text.insert(1, "\"description\": " + deep + ",");
  EXPECT_EQ(only_error(load_scenario_text(text, "s.json", ".", {})), "s.json||nested deeper than 64 levels");
  std::string error;
  EXPECT_FALSE(parse_override("/description=" + deep, error));
  EXPECT_NE(error.find("nested deeper than 64 levels"), std::string::npos) << error;
  // Shallow values that nest deep only together with their place in the document.
  const std::string d62 = std::string(62, '[') + std::string(62, ']');
  EXPECT_EQ(only_error(load(good(), {"/platform/faults/any/http_503=" + d62})), "s.json||nested deeper than 64 levels");
}

TEST(ScenarioFile, SeedFlagIsCheckedLikeTheFile) {
  std::vector<pushsim::input_error> errors;
  EXPECT_EQ(parse_seed_argument("42", "--seed", errors), 42u);
  EXPECT_EQ(parse_seed_argument("18446744073709551615", "--seed", errors), 18446744073709551615u);
  EXPECT_FALSE(parse_seed_argument("99999999999999999999999", "--seed", errors));
  EXPECT_FALSE(parse_seed_argument("-1", "--seed", errors));
  EXPECT_FALSE(parse_seed_argument("7abc", "--seed", errors));
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].to_string(), "--seed: " + seed_range + ", found \"99999999999999999999999\"");
  EXPECT_EQ(errors[1].to_string(), "--seed: " + seed_range + ", found \"-1\"");
  // A valid --seed replaces the file's seed after the overrides.
  const auto r = load(good(), {"/seed=5"}, 1234);
  ASSERT_TRUE(r.value);
  EXPECT_EQ(r.value->seed, 1234u);
}

TEST(ScenarioFile, ReportsEveryTopLevelMistakeWithItsPointer) {
  const auto r = load_scenario_text(
      R"({"name": 3, "seed": -1, "start": "tomorrow", "population": [], "package": {}, "colour": "red"})", "bad.json",
      ".", {});
  EXPECT_FALSE(r.value);
  auto has = [&](const std::string& pointer, const std::string& text) {
    for (const auto& e : r.errors) {
      if (e.pointer == pointer && e.message.find(text) != std::string::npos && e.file == "bad.json") return true;
    }
    return false;
  };
  EXPECT_TRUE(has("/name", "expected a string"));
  EXPECT_TRUE(has("/seed", seed_range));
  EXPECT_TRUE(has("/start", "ISO-8601"));
  EXPECT_TRUE(has("/population", "expected an object"));
  EXPECT_TRUE(has("/colour", "unknown key \"colour\""));
  EXPECT_TRUE(has("/plan", "missing"));
}

TEST(ScenarioFile, RejectsInvalidJsonWithThePosition) {
  const auto r = load_scenario_text("{\"name\": \"x\",\n \"seed\": }", "broken.json", ".", {});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].file, "broken.json");
  EXPECT_NE(r.errors[0].message.find("line 2"), std::string::npos) << r.errors[0].message;
}

TEST(ScenarioFile, AppliesSetOverridesBeforeParsing) {
  const auto r = load(good(), {"/seed=99", "/population/count=1000", "/name=renamed run"});
  ASSERT_TRUE(r.value) << r.errors[0].to_string();
  EXPECT_EQ(r.value->seed, 99u);
  EXPECT_EQ(r.value->population.count, 1000u);
  EXPECT_EQ(r.value->name, "renamed run");
}

TEST(ScenarioFile, RejectsBadOverrides) {
  std::string error;
  EXPECT_FALSE(parse_override("seed", error));
  EXPECT_NE(error.find("/json/pointer=value"), std::string::npos);
  EXPECT_FALSE(parse_override("seed=3", error));
  EXPECT_NE(error.find("not a JSON pointer"), std::string::npos);
  EXPECT_FALSE(parse_override("/name=\xA2\xA2", error));  // found by scenario_fuzz: aborted when shown
  EXPECT_NE(error.find("not valid UTF-8"), std::string::npos) << error;
  EXPECT_EQ(only_error(load(good(), {"/nowhere/at/all=1"})),
            "s.json|/nowhere/at/all|--set: the parent /nowhere/at does not exist");
}

TEST(ScenarioFile, ReadsAPlanFileRelativeToTheScenarioAndNamesItInErrors) {
  const auto dir = std::filesystem::temp_directory_path() / "pushsim_scenario_file_test";
  std::filesystem::create_directories(dir);
  auto doc = good();
  std::ofstream(dir / "plan.json") << doc["plan"].dump();
  doc["plan"] = "plan.json";
  std::ofstream(dir / "s.json") << doc.dump();
  const auto r = load_scenario_file(dir / "s.json");
  ASSERT_TRUE(r.value) << r.errors[0].to_string();
  EXPECT_EQ(r.value->plan_origin.file, (dir / "plan.json").string());
  EXPECT_EQ(r.value->plan_origin.pointer, "");
  // An override reaches into the plan file; the error names the plan file and its own pointer.
  const auto bad = load_scenario_file(dir / "s.json", {{set("/plan/seed=-3")}, {}});
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_EQ(bad.errors[0].file, (dir / "plan.json").string());
  EXPECT_EQ(bad.errors[0].pointer, "/seed");
  doc["plan"] = "missing.json";
  std::ofstream(dir / "s2.json") << doc.dump();
  const auto missing = load_scenario_file(dir / "s2.json");
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_EQ(missing.errors[0].pointer, "/plan");
  EXPECT_NE(missing.errors[0].message.find("cannot read the plan file"), std::string::npos);
  const auto none = load_scenario_file(dir / "nope.json");
  ASSERT_EQ(none.errors.size(), 1u);
  EXPECT_EQ(none.errors[0].message, "cannot read the file");
  std::filesystem::remove_all(dir);
}
