#include "pushsim/push/journal_binding.hpp"

#include <gtest/gtest.h>

#include <string>
#include <variant>

namespace pushsim::push {
namespace {

journal_binding sample() {
  return journal_binding{"00D000000000001AAA", "033000000000001AAA", "04t000000000001AAA", plan_content_hash("{}"), {}};
}

std::string error_of(std::string_view text) {
  auto r = parse_bound_journal(text, "j");
  const auto* e = std::get_if<std::string>(&r);
  return e ? *e : std::string("(parsed)");
}

TEST(JournalBinding, PlanHashIsFnv1a64OfTheBytes) {
  EXPECT_EQ(plan_content_hash(""), "fnv1a64:cbf29ce484222325");
  EXPECT_EQ(plan_content_hash("a"), "fnv1a64:af63dc4c8601ec8c");
  EXPECT_NE(plan_content_hash("{}"), plan_content_hash("{} "));
}

TEST(JournalBinding, EncodesAndDecodesTheBindRecord) {
  const std::string line = encode_binding(sample());
  EXPECT_NE(line.find(R"("t":"bind")"), std::string::npos);
  auto back = decode_binding(line);
  ASSERT_TRUE(std::holds_alternative<journal_binding>(back)) << std::get<std::string>(back);
  EXPECT_EQ(std::get<journal_binding>(back), sample());
  auto missing = decode_binding(R"({"t":"bind","instance":"00D1","package":"0331","version":"04t1"})");
  ASSERT_TRUE(std::holds_alternative<std::string>(missing));
  EXPECT_EQ(std::get<std::string>(missing), "the bind record lacks \"plan\"");
}

TEST(JournalBinding, CarriesTheAdoptedRequestsAndRefusesAMalformedList) {
  journal_binding b = sample();
  EXPECT_EQ(encode_binding(b).find("adopted"), std::string::npos);  // absent when nothing was adopted
  b.adopted_request_ids = {"0DV000000000001AAA", "0DV000000000002AAA"};
  auto back = decode_binding(encode_binding(b));
  ASSERT_TRUE(std::holds_alternative<journal_binding>(back)) << std::get<std::string>(back);
  EXPECT_EQ(std::get<journal_binding>(back).adopted_request_ids, b.adopted_request_ids);
  EXPECT_TRUE(binding_mismatches(sample(), b).empty());  // adoption is a fact of the run, not of the push asked for
  const std::string head = R"({"t":"bind","instance":"00D1","package":"0331","version":"04t1","plan":"p","adopted":)";
  for (const char* bad : {R"("0DV1"})", R"([1]})", R"([""]})", R"({"a":1}})"}) {
    auto r = decode_binding(head + bad);
    ASSERT_TRUE(std::holds_alternative<std::string>(r)) << bad;
    EXPECT_EQ(std::get<std::string>(r), "the bind record's \"adopted\" is not a list of push request ids");
  }
}

TEST(JournalBinding, MismatchesNameEachFieldWithBothValues) {
  journal_binding now = sample();
  EXPECT_TRUE(binding_mismatches(sample(), now).empty());
  now.instance_org_id = "00D000000000009AAA";
  now.plan_hash = plan_content_hash("other");
  const auto differ = binding_mismatches(sample(), now);
  ASSERT_EQ(differ.size(), 2u);
  EXPECT_EQ(differ[0], "instance: journal 00D000000000001AAA vs now 00D000000000009AAA");
  EXPECT_EQ(differ[1], "plan: journal " + sample().plan_hash + " vs now " + now.plan_hash);
  now = sample();
  now.package_id = "033000000000002AAA";
  now.target_version_id = "04t000000000002AAA";
  const auto two = binding_mismatches(sample(), now);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].rfind("package: journal 033000000000001AAA vs now 033000000000002AAA", 0), 0u);
  EXPECT_EQ(two[1].rfind("target version: journal 04t000000000001AAA", 0), 0u);
}

TEST(JournalBinding, ResumeReadsOnlyABoundWellFormedJournal) {
  const std::string bind = encode_binding(sample()) + "\n";
  const std::string begin = R"({"t":"begin","version":"04t000000000001AAA","slots":1,"orgs":1})"
                            "\n";
  const std::string intent = R"({"t":"intent","id":7,"kind":"create","slot":0,"start":0})"
                             "\n";
  auto ok = parse_bound_journal(bind + begin + intent, "j");
  ASSERT_TRUE(std::holds_alternative<bound_journal>(ok)) << std::get<std::string>(ok);
  EXPECT_EQ(std::get<bound_journal>(ok).binding, sample());
  EXPECT_EQ(std::get<bound_journal>(ok).state.last_call_id, 7u);
  // A torn last line (the crash came mid-write) is tolerated.
  auto torn = parse_bound_journal(bind + begin + R"({"t":"inte)", "j");
  ASSERT_TRUE(std::holds_alternative<bound_journal>(torn));
  EXPECT_EQ(std::get<bound_journal>(torn).state.lines_ignored, 1u);
  // Anything else is refused.
  EXPECT_EQ(error_of(""), "journal j is empty: nothing to resume");
  EXPECT_EQ(error_of("\n\n"), "journal j is empty: nothing to resume");
  EXPECT_EQ(error_of(bind + "garbage\n" + begin), "journal j: line 2 is not a journal record");
  EXPECT_EQ(error_of(begin + intent), "journal j: line 1: the first record is not a bind record");
  EXPECT_EQ(error_of(bind +
                     R"({"t":"intent","id":"seven","kind":"create"})"
                     "\n" +
                     begin),
            "journal j: 1 lines the executor cannot read (only a torn last line may be)");
  EXPECT_EQ(error_of(std::string("\x13\xff\x01random bytes", 15)),
            "journal j: line 1: the first record is not a bind record");
}

TEST(JournalBinding, MissingJournalIsAnError) {
  auto r = read_bound_journal("/nonexistent/typo.journal");
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_EQ(std::get<std::string>(r), "no journal at /nonexistent/typo.journal: nothing to resume (check --journal)");
}

}  // namespace
}  // namespace pushsim::push
