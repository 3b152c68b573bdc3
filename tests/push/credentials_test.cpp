#include "pushsim/push/credentials.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pushsim::push {
namespace {

TEST(Credentials, RefusesEveryControlCharacterWithoutEchoingTheValue) {
  EXPECT_FALSE(control_character_error("--token", "00Dxx!AQ4AQ.abc_DEF-123").has_value());
  for (const std::string& bad :
       {std::string("s3cr3t\r\nX-Injected: 1"), std::string("s3cr3t\n"), std::string("s3\0cr3t", 7),
        std::string("s3\tcr3t"), std::string("s3\x7f"), std::string("\x1b[31ms3")}) {
    const auto why = control_character_error("--token", bad);
    ASSERT_TRUE(why.has_value()) << bad;
    EXPECT_EQ(why->rfind("--token contains a control character (0x", 0), 0u) << *why;
    EXPECT_EQ(why->find("s3"), std::string::npos) << "the secret is echoed: " << *why;
  }
  EXPECT_EQ(*control_character_error("--instance-url", "http://x\r\n"),
            "--instance-url contains a control character (0x0d at position 9): refused before any connection");
}

TEST(Credentials, PackageIdMustLookLikeAMetadataPackageId) {
  EXPECT_TRUE(looks_like_salesforce_id("033000000000001AAA", "033"));
  EXPECT_TRUE(looks_like_salesforce_id("033000000000001", "033"));
  EXPECT_FALSE(looks_like_salesforce_id("04t000000000001AAA", "033"));
  EXPECT_FALSE(looks_like_salesforce_id("033' OR Id != '", "033"));
  EXPECT_FALSE(looks_like_salesforce_id("0330000000000'1AAA", "033"));
  EXPECT_FALSE(looks_like_salesforce_id("", "033"));
}

}  // namespace
}  // namespace pushsim::push
