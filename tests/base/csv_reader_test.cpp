#include "pushsim/base/csv_reader.hpp"

#include <gtest/gtest.h>

namespace pushsim {
namespace {

std::vector<std::vector<std::string>> read_all(csv_reader& r) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::string_view> f;
  while (r.next(f)) out.emplace_back(f.begin(), f.end());
  return out;
}

TEST(CsvReader, ReadsBomCrlfQuotedCommasQuotesAndNewlines) {
  const std::string text = "\xEF\xBB\xBFOrgKey,OrgName\r\n00D1,\"Acme, \"\"Inc\"\"\r\nEurope\"\r\n00D2,x\n";
  csv_reader r(text);
  std::vector<std::string_view> f;
  ASSERT_TRUE(r.next(f));
  EXPECT_EQ(r.line(), 1u);
  EXPECT_EQ(f[0], "OrgKey");
  ASSERT_TRUE(r.next(f));
  EXPECT_EQ(r.line(), 2u);
  EXPECT_EQ(f[1], "Acme, \"Inc\"\r\nEurope");
  ASSERT_TRUE(r.next(f));
  EXPECT_EQ(r.line(), 4u);  // the quoted line break counts
  EXPECT_EQ(f[0], "00D2");
  EXPECT_FALSE(r.next(f));
  EXPECT_FALSE(r.error());
}

TEST(CsvReader, LastRecordWithoutLineBreakAndEmptyFields) {
  csv_reader r("a,,\"\"\nb");
  const auto rows = read_all(r);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "", ""}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"b"}));
}

TEST(CsvReader, UnterminatedQuoteNamesLineAndColumn) {
  csv_reader r("a,b\nx,\"open\nmore\n");
  read_all(r);
  ASSERT_TRUE(r.error());
  EXPECT_EQ(r.error()->line, 2u);
  EXPECT_EQ(r.error()->column, 2u);
}

TEST(CsvReader, StrayQuotesAreErrors) {
  csv_reader a("a,b\"c\n");
  read_all(a);
  ASSERT_TRUE(a.error());
  EXPECT_EQ(a.error()->column, 2u);
  csv_reader b("x\n\"a\"b,c\n");
  read_all(b);
  ASSERT_TRUE(b.error());
  EXPECT_EQ(b.error()->line, 2u);
  EXPECT_EQ(b.error()->column, 1u);
}

}  // namespace
}  // namespace pushsim
