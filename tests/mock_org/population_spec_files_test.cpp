// The shipped example spec parses, and the JSON Schema documents exactly the keys the parser accepts.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "pushsim/mock_org/population_spec.hpp"

using namespace pushsim::mock_org;
using nlohmann::json;

namespace {
std::string read(const std::string& rel) {
  std::ifstream in(std::string(PUSHSIM_SOURCE_DIR) + "/" + rel);
  EXPECT_TRUE(in.good()) << rel;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
std::set<std::string> keys_of(const json& props) {
  std::set<std::string> out;
  for (auto it = props.begin(); it != props.end(); ++it) out.insert(it.key());
  return out;
}
}  // namespace

TEST(PopulationSpecFiles, ExampleSpecParsesAndHonoursItsPinnedOrgs) {
  const package pkg = default_example_package();
  const auto r = parse_population_spec_text(read("mock_org/data/example_population.json"), pkg);
  ASSERT_TRUE(r) << r.error.to_string();
  EXPECT_EQ(r.value->count, 50000u);
  ASSERT_EQ(r.value->orgs.size(), 2u);
  const population p = generate_population(*r.value, pkg, 1);
  EXPECT_EQ(p.name(0), "Northwind Traders");
  EXPECT_EQ(p.parent(1), 0u);
  EXPECT_TRUE(p.heavy_customizer(0));
}

TEST(PopulationSpecFiles, SchemaListsEveryKeyTheParserAccepts) {
  const json schema = json::parse(read("scenarios/schema/population.schema.json"));
  EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
  const json& props = schema["properties"];
  EXPECT_EQ(keys_of(props),
            (std::set<std::string>{"count", "orgs", "from", "mix", "users", "records", "customization"}));
  EXPECT_EQ(keys_of(props["mix"]["properties"]),
            (std::set<std::string>{"type", "status", "edition", "instance", "time_zones", "fiscal_year_start_month",
                                   "installed_version", "features", "push_blocked", "always_fails"}));
  EXPECT_EQ(
      keys_of(props["customization"]["properties"]),
      (std::set<std::string>{"heavy_segment", "validation_rule", "trigger", "flow", "custom_fields", "integration"}));
  EXPECT_EQ(
      keys_of(schema["$defs"]["pinned_org"]["properties"]),
      (std::set<std::string>{"key", "name", "type", "status", "parent", "instance", "time_zone",
                             "fiscal_year_start_month", "edition", "installed_version", "push_blocked", "always_fails",
                             "heavy_customizer", "users", "records", "features", "customizations"}));
  // Every key the schema lists is accepted by the parser (a key it did not know would be an error).
  const package pkg = default_example_package();
  for (const auto& k : keys_of(props["mix"]["properties"])) {
    json j = json::parse(read("mock_org/data/example_population.json"));
    ASSERT_TRUE(j["mix"].contains(k)) << "the example spec should use every mix key: " << k;
  }
}
