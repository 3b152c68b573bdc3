#include "pushsim/base/rest_message.hpp"

#include <gtest/gtest.h>

using namespace pushsim;

TEST(RestMessage, HeadersAreCaseInsensitive) {
  rest_response r;
  r.set_header("Content-Type", "application/json");
  r.set_header("content-type", "text/csv");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.header("CONTENT-TYPE"), "text/csv");
  EXPECT_EQ(r.header("Missing"), "");
  EXPECT_TRUE(iequals("PackagePushJob", "packagepushjob"));
  EXPECT_FALSE(iequals("PackagePushJob", "PackagePushJo"));
}
