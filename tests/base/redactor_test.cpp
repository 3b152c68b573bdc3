#include "pushsim/base/redactor.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

namespace pushsim {
namespace {

bool looks_like_org_key(const std::string& s) {
  if (s.size() != 15 || !s.starts_with("00D")) return false;
  for (const char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

TEST(Redactor, SameKeySameSaltGivesSamePseudonym) {
  const redactor a("partner salt"), b("partner salt");
  EXPECT_EQ(a.org_key("00D5g0000A0gbpA"), b.org_key("00D5g0000A0gbpA"));
  EXPECT_EQ(a.org_name("Summit Software"), b.org_name("Summit Software"));
}

TEST(Redactor, KeyPseudonymIsAnOrgIdAndNotTheKey) {
  const redactor r("s");
  const auto p = r.org_key("00D5g0000A0gbpA");
  EXPECT_TRUE(looks_like_org_key(p)) << p;
  EXPECT_NE(p, "00D5g0000A0gbpA");
}

TEST(Redactor, EighteenCharacterIdMapsLikeItsFifteenCharacterForm) {
  const redactor r("s");
  EXPECT_EQ(r.org_key("00D5g0000A0gbpAEAQ"), r.org_key("00D5g0000A0gbpA"));
}

TEST(Redactor, DistinctKeysAndNamesGetDistinctPseudonyms) {
  const redactor r("s");
  std::set<std::string> keys, names;
  for (int i = 0; i < 20000; ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "00D5g0000%06d", i);
    keys.insert(r.org_key(key));
    names.insert(r.org_name("Org number " + std::to_string(i)));
  }
  EXPECT_EQ(keys.size(), 20000u);
  EXPECT_EQ(names.size(), 20000u);
}

TEST(Redactor, PseudonymsDependOnTheSalt) {
  EXPECT_NE(redactor("salt one").org_key("00D5g0000A0gbpA"), redactor("salt two").org_key("00D5g0000A0gbpA"));
  EXPECT_NE(redactor("salt one").org_name("Summit Software"), redactor("salt two").org_name("Summit Software"));
}

TEST(Redactor, NamePseudonymIsANameWithoutTheOriginal) {
  const auto p = redactor("s").org_name("Summit Software");
  EXPECT_TRUE(p.starts_with("Org ")) << p;
  EXPECT_EQ(p.size(), 16u);
  EXPECT_EQ(p.find("Summit"), std::string::npos);
  EXPECT_EQ(redactor("s").org_name(""), "");
  EXPECT_EQ(redactor("s").org_key(""), "");
}

// stderr under --redact: whole lines go through the redactor, a partial line on flush, the rest when destroyed;
// an id split over two writes is still replaced because a line is held until its newline.
TEST(Redactor, RedactingBufferRedactsEveryLineWrittenThroughIt) {
  const redactor r("salt");
  std::ostringstream sink;
  {
    redacting_buffer buffer(sink, r);
    std::ostream err(&buffer);
    err << "job for 00D5g000004"
        << "AcmE failed\n"
        << "retrying 00D5g000004AcmEAAA" << std::flush;
    EXPECT_EQ(sink.str(),
              "job for " + r.org_key("00D5g000004AcmE") + " failed\nretrying " + r.org_key("00D5g000004AcmE"));
    err << "\ndone with 00D5g000004BcmE";
  }
  EXPECT_EQ(sink.str().find("00D5g000004"), std::string::npos) << sink.str();
  EXPECT_NE(sink.str().find("done with " + r.org_key("00D5g000004BcmE")), std::string::npos) << sink.str();
}

TEST(Redactor, TextLosesEveryOrgIdAndTheOrgsName) {
  const redactor r("s");
  const std::string message =
      "Summit Software: please include this ErrorId: 1000514748-3 (00D5g0000A0gbpA); parent 00D5g0000B1xyzQEAQ; "
      "Summit Softwares and build 00D5g0000A0gbpAX stay";
  const auto out = r.text(message, "Summit Software");
  EXPECT_EQ(out.find("00D5g0000A0gbpA)"), std::string::npos) << out;
  EXPECT_EQ(out.find("00D5g0000B1xyzQ"), std::string::npos) << out;
  EXPECT_NE(out.find(r.org_key("00D5g0000A0gbpA")), std::string::npos) << out;
  EXPECT_NE(out.find(r.org_key("00D5g0000B1xyzQ")), std::string::npos) << out;
  EXPECT_TRUE(out.starts_with(r.org_name("Summit Software") + ":")) << out;
  EXPECT_NE(out.find("Summit Softwares"), std::string::npos) << out;  // not the whole name: kept
  EXPECT_NE(out.find("00D5g0000A0gbpAX"), std::string::npos) << out;  // 16 characters: not an id
  EXPECT_NE(out.find("1000514748-3"), std::string::npos) << out;
}

class RedactorSalt : public ::testing::Test {
 protected:
  void SetUp() override { ::unsetenv(redact_salt_env); }
  void TearDown() override {
    ::unsetenv(redact_salt_env);
    std::filesystem::remove(path_);
  }
  std::string write(const std::string& text) {
    std::ofstream(path_, std::ios::binary) << text;
    return path_.string();
  }
  std::filesystem::path path_ = std::filesystem::temp_directory_path() / "pushsim_redactor_test_salt";
};

// The redactor of these flags (the test fails when there is none).
redactor made(const redact_flags& flags) {
  auto r = make_redactor(flags);
  if (auto* why = std::get_if<std::string>(&r)) ADD_FAILURE() << *why;
  auto* made = std::get_if<std::optional<redactor>>(&r);
  return made && *made ? **made : redactor("not made");
}

TEST_F(RedactorSalt, WithoutRedactThereIsNone) {
  const auto r = make_redactor(redact_flags{});
  ASSERT_TRUE(std::holds_alternative<std::optional<redactor>>(r));
  EXPECT_FALSE(std::get<std::optional<redactor>>(r).has_value());
}

TEST_F(RedactorSalt, FileSaltIsTrimmedAndStable) {
  const auto r = made({true, write("  partner salt\n")});
  EXPECT_EQ(r.org_key("00D5g0000A0gbpA"), redactor("partner salt").org_key("00D5g0000A0gbpA"));
}

TEST_F(RedactorSalt, EnvironmentSaltIsUsedWithoutAFile) {
  ::setenv(redact_salt_env, "env salt", 1);
  EXPECT_EQ(made({true, std::nullopt}).org_name("Acme"), redactor("env salt").org_name("Acme"));
}

TEST_F(RedactorSalt, RandomSaltDiffersBetweenRedactors) {
  EXPECT_NE(made({true, std::nullopt}).org_key("00D5g0000A0gbpA"),
            made({true, std::nullopt}).org_key("00D5g0000A0gbpA"));
}

TEST_F(RedactorSalt, EmptyOrUnreadableSaltIsAMessage) {
  const auto empty = make_redactor({true, write(" \n")});
  ASSERT_TRUE(std::holds_alternative<std::string>(empty));
  EXPECT_NE(std::get<std::string>(empty).find("empty"), std::string::npos);
  const auto missing = make_redactor({true, std::string("/nonexistent/salt")});
  ASSERT_TRUE(std::holds_alternative<std::string>(missing));
  EXPECT_NE(std::get<std::string>(missing).find("/nonexistent/salt"), std::string::npos);
  ::setenv(redact_salt_env, "", 1);
  EXPECT_TRUE(std::holds_alternative<std::string>(make_redactor({true, std::nullopt})));
}

}  // namespace
}  // namespace pushsim
