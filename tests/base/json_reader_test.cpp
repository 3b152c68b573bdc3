#include "pushsim/base/json_reader.hpp"

#include <gtest/gtest.h>

using nlohmann::json;
using pushsim::input_error;
using pushsim::json_reader;

namespace {

// The one error a read recorded, as "file|pointer|message".
std::string only_error(const std::vector<input_error>& errors) {
  if (errors.size() != 1) return "errors: " + std::to_string(errors.size());
  return errors[0].file + "|" + errors[0].pointer + "|" + errors[0].message;
}

}  // namespace

TEST(JsonReader, WrongTypeNamesFilePointerAndWhatWasFound) {
  std::vector<input_error> errors;
  json_reader r("s.json", errors);
  EXPECT_FALSE(r.uint64(json("abc"), "/seed"));
  EXPECT_EQ(only_error(errors), "s.json|/seed|expected an integer in [0, 18446744073709551615], found string \"abc\"");
}

TEST(JsonReader, RefusesNegativeUnsignedAndOverflow) {
  std::vector<input_error> errors;
  json_reader r("s.json", errors);
  EXPECT_FALSE(r.uint64(json::parse("-1"), "/seed"));
  EXPECT_FALSE(r.uint64(json::parse("99999999999999999999999"), "/seed"));
  EXPECT_EQ(r.uint64(json::parse("18446744073709551615"), "/seed"), 18446744073709551615u);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].message, "expected an integer in [0, 18446744073709551615], found number -1");
  EXPECT_EQ(errors[1].message, "expected an integer in [0, 18446744073709551615], found number 9.999999999999999e+22");
}

TEST(JsonReader, IntegersRefuseFractionsAndOutOfRange) {
  std::vector<input_error> errors;
  json_reader r("p.json", errors);
  EXPECT_EQ(r.int64(json(3.0), "/n", 1, 5), 3);
  EXPECT_FALSE(r.int64(json(1.5), "/n", 1, 5));
  EXPECT_FALSE(r.int64(json(6), "/n", 1, 5));
  EXPECT_FALSE(r.int64(json::parse("9223372036854775808"), "/n"));
  EXPECT_FALSE(r.int64(json(1e300), "/n"));
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0].message, "expected an integer in [1, 5], found number 1.5");
  EXPECT_EQ(errors[1].message, "expected an integer in [1, 5], found number 6");
}

TEST(JsonReader, NumbersHaveRanges) {
  std::vector<input_error> errors;
  json_reader r("s.json", errors);
  EXPECT_EQ(r.number(json(0.5), "/p", 0, 1), 0.5);
  EXPECT_FALSE(r.number(json(2), "/p", 0, 1));
  EXPECT_FALSE(r.number(json(true), "/p", 0, 1));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(only_error({errors[0]}), "s.json|/p|expected a number in [0, 1], found number 2");
  EXPECT_EQ(errors[1].message, "expected a number in [0, 1], found true");
}

TEST(JsonReader, UnknownKeysAreErrorsNamingTheKnownOnes) {
  std::vector<input_error> errors;
  json_reader r("s.json", errors);
  EXPECT_TRUE(r.object(json::parse(R"({"min": 1, "mx": 2})"), "/delay", {"min", "max"}));
  EXPECT_EQ(only_error(errors), "s.json|/delay/mx|unknown key \"mx\" (known keys: min, max)");
}

TEST(JsonReader, NotAnObject) {
  std::vector<input_error> errors;
  json_reader r("s.json", errors);
  EXPECT_FALSE(r.object(json::array(), "/platform", {"a"}));
  EXPECT_EQ(only_error(errors), "s.json|/platform|expected an object, found an array");
}

TEST(JsonReader, KeysWithSlashesAreEscapedInPointers) {
  std::vector<input_error> errors;
  json_reader r("s.json", errors);
  r.object(json::parse(R"({"a/b": 1})"), "", {"x"});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].pointer, "/a~1b");
}

TEST(JsonReader, RefusesNestingDeeperThanTheLimit) {
  std::vector<input_error> errors;
  const std::string ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_TRUE(pushsim::parse_json_text(ok, "d.json", errors));
  const std::string deep = std::string(65, '[') + std::string(65, ']');
  EXPECT_FALSE(pushsim::parse_json_text(deep, "d.json", errors));
  EXPECT_EQ(only_error(errors), "d.json||nested deeper than 64 levels");
  // Brackets inside strings do not count.
  errors.clear();
  EXPECT_TRUE(pushsim::parse_json_text("\"" + std::string(100, '[') + "\"", "d.json", errors));
  EXPECT_TRUE(pushsim::json_deeper_than(json::parse(deep)));
  EXPECT_FALSE(pushsim::json_deeper_than(json::parse(ok)));
}

TEST(JsonReader, InvalidJsonNamesThePosition) {
  std::vector<input_error> errors;
  EXPECT_FALSE(pushsim::parse_json_text("{\"a\":\n }", "b.json", errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].file, "b.json");
  EXPECT_NE(errors[0].message.find("line 2"), std::string::npos) << errors[0].message;
}

TEST(JsonReader, ShowsAStringWithInvalidUtf8WithoutThrowing) {
  std::vector<input_error> errors;
  json_reader r("s.json", errors);
  EXPECT_FALSE(r.int64(json(std::string("\xA2")), "/n"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message.rfind("expected an integer", 0), 0u);
}

TEST(InputError, PrintsFilePointerMessage) {
  EXPECT_EQ((input_error{"s.json", "/seed", "bad"}).to_string(), "s.json: /seed: bad");
  EXPECT_EQ((input_error{"s.json", "", "bad"}).to_string(), "s.json: bad");
}
