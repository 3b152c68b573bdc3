#include "pushsim/scheduler/journal_record.hpp"

#include <gtest/gtest.h>

#include "fake_push_api.hpp"
#include "pushsim/scheduler/executor.hpp"
#include "pushsim/scheduler/journal.hpp"

using namespace pushsim;
using namespace pushsim::scheduler;

namespace {

const time_point t0 = from_us(1'800'000'000'000'000);

// The record decoded from `text`, which must be what the record encodes to (journals written before must resume).
template <class Record>
Record round_trip(const Record& record, const std::string& text) {
  EXPECT_EQ(encode_journal_record(record), text);
  const auto decoded = decode_journal_record(text);
  EXPECT_TRUE(decoded.has_value()) << text;
  if (!decoded || !std::holds_alternative<Record>(*decoded)) {
    ADD_FAILURE() << "decoded to another record type: " << text;
    return {};
  }
  EXPECT_EQ(encode_journal_record(*decoded), text);
  return std::get<Record>(*decoded);
}

}  // namespace

TEST(JournalRecord, BeginRoundTrips) {
  const auto r =
      round_trip(journal_begin{"04tTARGET", 3, 33, ""}, R"({"orgs":33,"slots":3,"t":"begin","version":"04tTARGET"})");
  EXPECT_EQ(r.version, "04tTARGET");
  EXPECT_EQ(r.slots, 3u);
  EXPECT_EQ(r.orgs, 33u);
  EXPECT_EQ(r.pushsim_version, "");
}

TEST(JournalRecord, BeginNamesTheBuildThatWroteIt) {
  const auto r =
      round_trip(journal_begin{"04tTARGET", 3, 33, "0.1.0-g1766e51"},
                 R"({"orgs":33,"pushsim_version":"0.1.0-g1766e51","slots":3,"t":"begin","version":"04tTARGET"})");
  EXPECT_EQ(r.pushsim_version, "0.1.0-g1766e51");
}

TEST(JournalRecord, IntentsRoundTrip) {
  const auto c = round_trip(journal_create_intent{1, 0, t0},
                            R"({"id":1,"kind":"create","slot":0,"start":1800000000000000,"t":"intent"})");
  EXPECT_EQ(c.id, 1u);
  EXPECT_EQ(c.start, t0);
  const auto a =
      round_trip(journal_add_jobs_intent{8, 3, "0DV1", {"00Da", "00Db"}},
                 R"({"id":8,"kind":"add_jobs","orgs":["00Da","00Db"],"request":"0DV1","slot":3,"t":"intent"})");
  EXPECT_EQ(a.slot, 3);
  EXPECT_EQ(a.orgs, (std::vector<std::string>{"00Da", "00Db"}));
  const auto p = round_trip(journal_patch_intent{9, 3, "0DV1", "Canceled"},
                            R"({"id":9,"kind":"patch","request":"0DV1","slot":3,"status":"Canceled","t":"intent"})");
  EXPECT_EQ(p.request, "0DV1");
  EXPECT_EQ(p.status, "Canceled");
}

TEST(JournalRecord, ResultsRoundTrip) {
  const auto c = round_trip(journal_create_result{1, 0, "0DV1"},
                            R"({"id":1,"kind":"create","ok":true,"request":"0DV1","slot":0,"t":"result"})");
  EXPECT_EQ(c.request, "0DV1");
  const auto a = round_trip(
      journal_add_jobs_result{2, 0, "0DV1", 5, {{"A1003", "INVALID_OPERATION: Ineligible: org is Inactive"}}},
      R"({"created":5,"excluded":[["A1003","INVALID_OPERATION: Ineligible: org is Inactive"]],"id":2,)"
      R"("kind":"add_jobs","request":"0DV1","slot":0,"t":"result"})");
  EXPECT_EQ(a.created, 5);
  ASSERT_EQ(a.excluded.size(), 1u);
  EXPECT_EQ(a.excluded[0].first, "A1003");
  round_trip(journal_add_jobs_result{3, 0, "0DV1", 0, {}},
             R"({"created":0,"excluded":[],"id":3,"kind":"add_jobs","request":"0DV1","slot":0,"t":"result"})");
  const auto p = round_trip(journal_patch_result{9, 3}, R"({"id":9,"kind":"patch","ok":true,"slot":3,"t":"result"})");
  EXPECT_EQ(p.id, 9u);
}

TEST(JournalRecord, FailedCallsRoundTripForEveryKind) {
  const auto f = round_trip(
      journal_call_failed{4, 0, journal_call_kind::add_jobs, true, ": Service \"Unavailable\"\n"},
      R"({"error":": Service \"Unavailable\"\n","id":4,"kind":"add_jobs","ok":false,"retryable":true,"slot":0,"t":"result"})");
  EXPECT_EQ(f.error, ": Service \"Unavailable\"\n");
  const auto c = round_trip(
      journal_call_failed{5, 1, journal_call_kind::create, false, "INVALID_FIELD: bad"},
      R"({"error":"INVALID_FIELD: bad","id":5,"kind":"create","ok":false,"retryable":false,"slot":1,"t":"result"})");
  EXPECT_EQ(c.kind, journal_call_kind::create);
  EXPECT_FALSE(c.retryable);
  const auto p = round_trip(
      journal_call_failed{6, 2, journal_call_kind::patch, false, "INVALID_OPERATION: started"},
      R"({"error":"INVALID_OPERATION: started","id":6,"kind":"patch","ok":false,"retryable":false,"slot":2,"t":"result"})");
  EXPECT_EQ(p.kind, journal_call_kind::patch);
}

TEST(JournalRecord, HaltRoundTrips) {
  const auto h = round_trip(journal_halt{"1 failed orgs exceed 0", from_us(1800004051597745)},
                            R"({"at":1800004051597745,"reason":"1 failed orgs exceed 0","t":"halt"})");
  EXPECT_EQ(h.reason, "1 failed orgs exceed 0");
}

TEST(JournalRecord, MissingFieldsReadAsDefaults) {
  const auto halt = decode_journal_record(R"({"t":"halt","reason":"failure rate"})");
  ASSERT_TRUE(halt && std::holds_alternative<journal_halt>(*halt));
  EXPECT_EQ(std::get<journal_halt>(*halt).at, time_point{});
  const auto create = decode_journal_record(R"({"t":"result","id":3,"kind":"create","slot":1})");
  ASSERT_TRUE(create && std::holds_alternative<journal_call_failed>(*create));  // no "ok": not a success
  EXPECT_FALSE(std::get<journal_call_failed>(*create).retryable);
}

TEST(JournalRecord, UnreadableLinesDecodeToNothing) {
  for (const char* line : {R"({"t":"intent","id":4,"kind":"pat)", "[1,2]", R"({"id":4})",
                           R"({"t":"intent","id":4,"kind":"query","slot":0})", R"({"t":"bogus"})",
                           R"({"t":"intent","id":"4","kind":"create","slot":0})",
                           R"({"t":"result","id":4,"kind":"create","ok":"yes","slot":0})"}) {
    EXPECT_FALSE(decode_journal_record(line).has_value()) << line;
  }
}

// What the executor writes: every line of a run with job-creation failures, an ineligible org, a transient job
// failure re-pushed and a halt that cancels a request decodes and encodes back to the same text.
TEST(JournalRecord, EveryLineAnExecutorWritesReencodesToItself) {
  executor_config cfg;
  cfg.version_id = "04tTARGET";
  cfg.batch_size = 7;
  cfg.gates.max_failed_orgs = 0;
  cfg.retry.job_retry_delay = std::chrono::minutes{2};
  cfg.prepare_ahead = std::chrono::minutes{90};
  std::vector<push_slot> slots{{0, t0, {"A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8"}, {}},
                               {1, t0 + std::chrono::hours{1}, {"B1", "B2", "B3"}, {}},
                               {1, t0 + std::chrono::hours{2}, {"C1", "C2"}, {}}};
  scheduler::testing::fake_push_api api;
  api.orgs["A2"].ineligible = "Ineligible: org is Inactive";
  api.orgs["A5"].fail_types = {"LockingFailure"};
  api.orgs["B2"].fail_types = {"ApexTestFailure"};
  int n = 0;
  api.inject = [&n](const api_call& c, std::int64_t) -> std::optional<api_error> {
    if (!std::holds_alternative<add_jobs>(c) || ++n % 3 != 0) return std::nullopt;
    return api_error{api_error::kind_t::transient, 503, "UNKNOWN_EXCEPTION", "Service Unavailable"};
  };
  memory_journal journal;
  executor ex(cfg, slots, &journal);
  scheduler::testing::fake_driver d{ex, api, t0 - std::chrono::hours{1}};
  d.run();
  ASSERT_TRUE(ex.halted());
  std::set<std::size_t> kinds;
  for (const auto& line : journal.lines) {
    const auto record = decode_journal_record(line);
    ASSERT_TRUE(record.has_value()) << line;
    EXPECT_EQ(encode_journal_record(*record), line);
    kinds.insert(record->index());
  }
  EXPECT_EQ(kinds.size(), std::variant_size_v<journal_record>);  // every record type was written
}
