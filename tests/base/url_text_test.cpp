#include "pushsim/base/url_text.hpp"

#include <gtest/gtest.h>

using pushsim::url_decode;
using pushsim::url_encode;
using pushsim::url_encoded_size;

TEST(UrlText, EncodesEverythingButUnreserved) {
  EXPECT_EQ(url_encode("SELECT Id FROM X WHERE Name = 'a&b'"),
            "SELECT%20Id%20FROM%20X%20WHERE%20Name%20%3D%20%27a%26b%27");
  EXPECT_EQ(url_encode("a+b/c?d#e%"), "a%2Bb%2Fc%3Fd%23e%25");
  EXPECT_EQ(url_encode("Az09-_.~"), "Az09-_.~");
  EXPECT_EQ(url_encoded_size("a b\xc3\xbc"), url_encode("a b\xc3\xbc").size());
}

TEST(UrlText, DecodesWhatItEncodesAndKeepsMalformedEscapes) {
  EXPECT_EQ(url_decode("SELECT+Id%20FROM%2"), "SELECT Id FROM%2");
  EXPECT_EQ(url_decode("%zz%4a%4A"), "%zzJJ");
  const std::string tricky = "WHERE k IN ('a\\'b','\xc3\xbc') + 100%";
  EXPECT_EQ(url_decode(url_encode(tricky)), tricky);
}

TEST(UrlText, PlusIsASpaceOnlyInQueryStrings) {
  EXPECT_EQ(url_decode("a+b%2B"), "a b+");
  EXPECT_EQ(url_decode("a+b%2B", false), "a+b+");
}
