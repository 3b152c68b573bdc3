#include "pushsim/mock_org/package_json.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

using namespace pushsim::mock_org;
using nlohmann::json;

namespace {
spec_error error_of(const std::string& text) {
  const auto r = parse_package_text(text);
  EXPECT_FALSE(r) << text;
  return r.error;
}
const char* minimal_objects = R"("objects": [{"name": "X__c", "fields": [{"name": "F__c", "type": "Text"}]}])";
}  // namespace

TEST(PackageJson, ExampleFileIsTheBuiltInExamplePackage) {
  std::ifstream in(std::string(PUSHSIM_SOURCE_DIR) + "/mock_org/data/example_package.json");
  std::stringstream ss;
  ss << in.rdbuf();
  const auto r = parse_package_text(ss.str());
  ASSERT_TRUE(r) << r.error.to_string();
  EXPECT_EQ(package_to_json(*r.value), package_to_json(default_example_package()));
  const auto& v24 = r.value->versions[*r.value->find_version({2, 4, 0})];
  EXPECT_EQ(v24.changes.size(), 7u);
  EXPECT_EQ(r.value->versions.back().state, release_state::beta);
}

TEST(PackageJson, RoundTrips) {
  const package p = default_example_package();
  const auto back = parse_package(package_to_json(p));
  ASSERT_TRUE(back) << back.error.to_string();
  EXPECT_EQ(back.value->fields.size(), p.fields.size());
  EXPECT_EQ(back.value->versions.size(), p.versions.size());
  EXPECT_EQ(package_to_json(*back.value), package_to_json(p));
}

TEST(PackageJson, BadInputNamesThePointer) {
  EXPECT_EQ(error_of(std::string("{") + minimal_objects + R"(, "versions": [{"number": "1.0"}], "colour": 1})").pointer,
            "/colour");
  EXPECT_EQ(error_of(std::string("{") + minimal_objects +
                     R"(, "versions": [{"number": "1.0", "changes": [{"kind": "explode"}]}]})")
                .pointer,
            "/versions/0/changes/0/kind");
  EXPECT_EQ(
      error_of(
          std::string("{") + minimal_objects +
          R"(, "versions": [{"number": "1.0", "changes": [{"kind": "field_type_change", "field": "X__c.Nope", "new_type": "Number"}]}]})")
          .pointer,
      "/versions/0/changes/0/field");
  EXPECT_EQ(
      error_of(
          std::string("{") + minimal_objects +
          R"(, "versions": [{"number": "1.0", "changes": [{"kind": "new_trigger", "object": "X__c", "field": "X__c.F__c"}]}]})")
          .pointer,
      "/versions/0/changes/0/field");
  EXPECT_EQ(
      error_of(std::string("{") + minimal_objects + R"(, "versions": [{"number": "2.0"}, {"number": "1.0"}]})").pointer,
      "/versions/1/number");
  EXPECT_EQ(
      error_of(
          R"({"objects": [{"name": "X__c", "fields": [{"name": "F__c", "type": "Blob"}]}], "versions": [{"number": "1.0"}]})")
          .pointer,
      "/objects/0/fields/0/type");
  EXPECT_EQ(error_of(R"({"objects": [], "versions": [{"number": "1.0"}]})").pointer, "/objects");
  EXPECT_EQ(
      error_of(std::string("{") + minimal_objects + R"(, "versions": [{"number": "1.0", "state": "Alpha"}]})").pointer,
      "/versions/0/state");
}
