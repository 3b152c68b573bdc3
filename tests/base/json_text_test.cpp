#include "pushsim/base/json_text.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace {

std::string as_literal(std::string_view s) {
  std::string out;
  pushsim::append_json_string(s, out);
  return out;
}

}  // namespace

TEST(JsonText, PlainTextIsOnlyQuoted) { EXPECT_EQ(as_literal("00D5e000000AbCd"), "\"00D5e000000AbCd\""); }

TEST(JsonText, QuotesBackslashesAndControlCharactersAreEscaped) {
  EXPECT_EQ(as_literal("a\"b\\c\nd\te\x01"), R"("a\"b\\c\nd\te\u0001")");
}

TEST(JsonText, EveryByteBelow128RoundTripsThroughAJsonParser) {
  std::string all;
  for (int c = 1; c < 128; ++c) all += static_cast<char>(c);
  all += "Zürich €";  // UTF-8 passes through untouched
  const auto parsed = nlohmann::json::parse(as_literal(all));
  EXPECT_EQ(parsed.get<std::string>(), all);
}

TEST(JsonText, PointerTokensEscapeTildeBeforeSlash) {
  EXPECT_EQ(pushsim::json_pointer_token("plain"), "plain");
  EXPECT_EQ(pushsim::json_pointer_token("a/b~c"), "a~1b~0c");
  EXPECT_EQ(pushsim::json_pointer_token("~1"), "~01");  // not mistaken for an escaped slash
}
