#include "pushsim/push/snapshot.hpp"

#include <gtest/gtest.h>

#include <string>
#include <variant>

namespace pushsim::push {
namespace {

namespace sch = pushsim::scheduler;

const char* const two_rows = R"([["00D000000000001AAA","Acme","Production","Active","NA45","i","04t000000000001AAA"],)"
                             R"(["00D000000000002AAA","Beta, \"Inc\"","Sandbox","Trial","EU12","u",""]])";

std::string error_of(std::string_view text) {
  auto r = parse_snapshot(text, "s.json");
  const auto* e = std::get_if<std::string>(&r);
  return e ? *e : std::string("(parsed)");
}

TEST(Snapshot, RoundTripsEveryField) {
  auto first = parse_snapshot(two_rows, "s.json");
  ASSERT_TRUE(std::holds_alternative<std::vector<sch::subscriber>>(first)) << std::get<std::string>(first);
  const auto& subs = std::get<std::vector<sch::subscriber>>(first);
  ASSERT_EQ(subs.size(), 2u);
  EXPECT_EQ(subs[1].org_name, "Beta, \"Inc\"");
  EXPECT_EQ(subs[1].installed, sch::installed_status::uninstalled);
  EXPECT_EQ(subs[0].installed_version_id, "04t000000000001");  // held in its 15-character form
  auto again = parse_snapshot(snapshot_text(subs), "s.json");
  ASSERT_TRUE(std::holds_alternative<std::vector<sch::subscriber>>(again));
  EXPECT_EQ(snapshot_text(std::get<std::vector<sch::subscriber>>(again)), snapshot_text(subs));
}

TEST(Snapshot, MalformedInputIsAnErrorNotSkippedRows) {
  EXPECT_NE(error_of("").find("not a subscriber snapshot"), std::string::npos);
  EXPECT_NE(error_of("{}").find("not a subscriber snapshot"), std::string::npos);
  EXPECT_NE(error_of(R"([["00D1","a"]])").find("s.json: /0: expected an array of 7 strings"), std::string::npos);
  EXPECT_NE(error_of(R"([["00D1","a","Production","Active","NA1","i",7]])").find("/0:"), std::string::npos);
  EXPECT_NE(error_of(R"([["00D1","a","Production","Active","NA1","x",""]])").find("installed status"),
            std::string::npos);
  // One bad row among good ones fails the whole snapshot, naming the row.
  const std::string bad_second = R"([["00D000000000001AAA","Acme","Production","Active","NA45","i",""],)"
                                 R"(["00D000000000002AAA","B","Galaxy","Active","NA45","i",""]])";
  EXPECT_NE(error_of(bad_second).find("s.json: /1:"), std::string::npos) << error_of(bad_second);
}

TEST(Snapshot, MissingFileIsAnError) {
  auto r = read_snapshot_file("/nonexistent/dir/x.subscribers.json");
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_NE(std::get<std::string>(r).find("no subscriber snapshot at /nonexistent/dir/x.subscribers.json"),
            std::string::npos);
}

}  // namespace
}  // namespace pushsim::push
