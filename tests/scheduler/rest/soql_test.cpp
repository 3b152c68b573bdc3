#include "pushsim/scheduler/rest/soql.hpp"

#include <gtest/gtest.h>

#include "pushsim/base/url_text.hpp"

using namespace pushsim::scheduler::rest;
using pushsim::url_encode;

TEST(Soql, QuotesAndEscapesLiterals) {
  EXPECT_EQ(soql_quote("00D000000000001"), "'00D000000000001'");
  EXPECT_EQ(soql_quote("O'Brien"), R"('O\'Brien')");
  EXPECT_EQ(soql_quote(R"(a\b)"), R"('a\\b')");
  EXPECT_EQ(soql_quote("x\ny\"z"), R"('x\ny\"z')");
  EXPECT_EQ(soql_quote(R"(\')"), R"('\\\'')");
  EXPECT_EQ(soql_in_list({"a", "b'c"}), R"(('a','b\'c'))");
}

TEST(Soql, ChunksInListsUnderTheLimit) {
  std::vector<std::string> ids;
  ids.reserve(1000);
  for (int i = 0; i < 1000; ++i) ids.push_back("0DV00000000" + std::to_string(10000 + i));
  const std::size_t fixed = 200, limit = 2000;
  const auto chunks = chunk_in_list(ids, fixed, limit);
  ASSERT_GT(chunks.size(), 1u);
  std::vector<std::string> joined;
  for (const auto& c : chunks) {
    EXPECT_LE(fixed + url_encode(soql_in_list(c)).size(), limit);
    joined.insert(joined.end(), c.begin(), c.end());
  }
  EXPECT_EQ(joined, ids);  // order kept, nothing lost, nothing repeated
  // A value longer than the limit gets a chunk of its own.
  const auto big = chunk_in_list({"a", std::string(3000, 'x'), "b"}, fixed, limit);
  ASSERT_EQ(big.size(), 3u);
  EXPECT_EQ(big[1].size(), 1u);
}
