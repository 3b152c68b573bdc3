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

TEST(JsonText, AnEscapeAnywhereInLongTextIsFound) {
  // Long text is scanned a word at a time: an escape in any byte of any word, or in the tail, must be seen.
  for (const char special : {'"', '\\', '\n', '\x1f'}) {
    for (std::size_t at = 0; at < 40; ++at) {
      std::string text(40, 'x');
      text[at] = special;
      text += "\xc3\xa9";  // UTF-8 bytes (>= 0x80) are never escaped
      EXPECT_EQ(nlohmann::json::parse(as_literal(text)).get<std::string>(), text) << "at " << at;
      EXPECT_EQ(as_literal(text).size(), text.size() + 2 + (special == '\x1f' ? 5 : 1)) << "at " << at;
    }
  }
}

TEST(JsonText, PointerTokensEscapeTildeBeforeSlash) {
  EXPECT_EQ(pushsim::json_pointer_token("plain"), "plain");
  EXPECT_EQ(pushsim::json_pointer_token("a/b~c"), "a~1b~0c");
  EXPECT_EQ(pushsim::json_pointer_token("~1"), "~01");  // not mistaken for an escaped slash
}
