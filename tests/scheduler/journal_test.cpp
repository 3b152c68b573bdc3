#include "pushsim/scheduler/journal.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>

#include "fake_push_api.hpp"
#include "pushsim/scheduler/executor.hpp"
#include "pushsim/scheduler/journal_record.hpp"

using namespace pushsim;
using namespace pushsim::scheduler;
using pushsim::scheduler::testing::fake_driver;
using pushsim::scheduler::testing::fake_push_api;

namespace {

const time_point t0 = from_us(1'800'000'000'000'000);

std::vector<std::string> keys(const std::string& prefix, int n) {
  std::vector<std::string> v;
  v.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) v.push_back(prefix + std::to_string(1000 + i));
  return v;
}

// A journal that keeps only its first `keep` lines: the process "dies" when it tries to write the next one.
class crashing_journal final : public journal_sink {
 public:
  explicit crashing_journal(std::size_t keep) : keep_(keep) {}
  void append(std::string_view line) override {
    if (lines.size() < keep_) {
      lines.emplace_back(line);
    } else {
      crashed = true;
    }
  }
  std::vector<std::string> lines;
  bool crashed = false;

 private:
  std::size_t keep_;
};

executor_config crash_config() {
  executor_config c;
  c.version_id = "04tTARGET";
  c.batch_size = 7;
  c.prepare_ahead = std::chrono::minutes{10};
  c.bake_time = std::chrono::minutes{5};
  c.polling.min_interval = std::chrono::seconds{30};
  c.retry.backoff_base = std::chrono::seconds{1};
  return c;
}

std::vector<push_slot> crash_slots() {
  push_slot a{0, t0, keys("A", 12), {}};
  push_slot b{1, t0 + std::chrono::hours{1}, keys("B", 16), {}};
  push_slot c{1, t0 + std::chrono::hours{2}, keys("C", 5), {}};
  return {a, b, c};
}

void setup_api(fake_push_api& api) {
  api.orgs["A1003"].ineligible = "Ineligible: org is Inactive";
  api.orgs["B1010"].ineligible = "Ineligible: not installed";
  // Every fourth job-creation call fails transiently.
  auto n = std::make_shared<int>(0);
  api.inject = [n](const api_call& c, std::int64_t) -> std::optional<api_error> {
    if (std::holds_alternative<add_jobs>(c) && ++*n % 4 == 0) {
      api_error e;
      e.kind = api_error::kind_t::transient;
      e.http_status = 503;
      e.message = "Service Unavailable";
      return e;
    }
    return std::nullopt;
  };
}

}  // namespace

TEST(Journal, ReadsIntentsResultsAndSkipsATornLine) {
  std::vector<std::string> lines{
      R"({"t":"begin","version":"04t"})",
      R"({"t":"intent","id":1,"kind":"create","slot":0,"start":1000000})",
      R"({"t":"result","id":1,"kind":"create","slot":0,"ok":true,"request":"0DV1"})",
      R"({"t":"intent","id":2,"kind":"create","slot":1,"start":2000000})",
      R"({"t":"intent","id":3,"kind":"add_jobs","slot":0,"request":"0DV1","orgs":["a","b"]})",
      R"({"t":"result","id":3,"kind":"add_jobs","slot":0,"request":"0DV1","created":1,"excluded":[["b","Ineligible: x"]]})",
      R"({"t":"halt","reason":"failure rate"})",
      R"({"t":"intent","id":4,"kind":"pat)"};
  const auto st = read_journal(lines);
  EXPECT_EQ(st.slot_requests.at(0), "0DV1");
  EXPECT_EQ(st.unconfirmed_creates.at(1), from_us(2000000));
  EXPECT_EQ(st.excluded_orgs.at("b"), "Ineligible: x");
  EXPECT_TRUE(st.halted);
  EXPECT_EQ(st.halt_reason, "failure rate");
  EXPECT_EQ(st.last_call_id, 3u);
  EXPECT_EQ(st.lines_ignored, 1u);
}

TEST(Journal, FileJournalAppendsDurableLines) {
  char path[] = "/tmp/pushsim_journal_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    file_journal j(path);
    ASSERT_TRUE(j.ok()) << j.error();
    j.append(R"({"t":"intent","id":1,"kind":"create","slot":0,"start":5})");
    j.append(R"({"t":"result","id":1,"kind":"create","slot":0,"ok":true,"request":"0DV9"})");
  }
  const auto st = read_journal_file(path);
  EXPECT_EQ(st.lines_read, 2u);
  EXPECT_EQ(st.slot_requests.at(0), "0DV9");
  std::remove(path);
}

// Runs the scenario once to count journal lines, then for every line: crash after it (with the in-flight
// calls either lost or executed by the server), resume against the same API state and check the end state.
void crash_at_every_line(const executor_config& cfg, const std::vector<push_slot>& slots,
                         const std::function<void(fake_push_api&)>& setup,
                         const std::function<void(const executor_report&, const fake_push_api&)>& check) {
  memory_journal full;
  {
    executor ex(cfg, slots, &full);
    fake_push_api api;
    setup(api);
    fake_driver d{ex, api, t0 - std::chrono::hours{1}};
    d.run();
    ASSERT_TRUE(ex.done());
    {
      SCOPED_TRACE("run without a crash");
      check(ex.report(), api);
    }
  }
  ASSERT_GT(full.lines.size(), 20u);
  int crash_points = 0;
  for (std::size_t keep = 1; keep <= full.lines.size(); ++keep) {
    for (const bool server_got_in_flight : {false, true}) {
      SCOPED_TRACE("crash after line " + std::to_string(keep) + (server_got_in_flight ? " (in-flight executed)" : ""));
      fake_push_api api;
      setup(api);
      crashing_journal cj(keep);
      time_point crash_time;
      {
        executor ex(cfg, slots, &cj);
        fake_driver d{ex, api, t0 - std::chrono::hours{1}};
        d.keep_going = [&] { return !cj.crashed; };
        d.run();
        crash_time = d.now;
        if (!d.stopped && !cj.crashed) continue;  // the run ended before this line was reached
        if (server_got_in_flight) {
          // The calls whose intent made it to disk may have reached the server.
          std::set<std::uint64_t> intents;
          for (const auto& line : cj.lines) {
            const auto r = decode_journal_record(line);
            ASSERT_TRUE(r.has_value()) << line;
            if (const auto* c = std::get_if<journal_create_intent>(&*r)) intents.insert(c->id);
            if (const auto* a = std::get_if<journal_add_jobs_intent>(&*r)) intents.insert(a->id);
            if (const auto* p = std::get_if<journal_patch_intent>(&*r)) intents.insert(p->id);
          }
          for (const auto& c : d.unanswered) {
            if (intents.contains(c.id)) (void)api.handle(c.call, crash_time);
          }
        }
      }
      ++crash_points;
      memory_journal after;
      after.lines = cj.lines;
      executor ex(cfg, slots, &after);
      ex.resume(read_journal(cj.lines));
      fake_driver d{ex, api, crash_time + std::chrono::seconds{5}};
      d.run();
      ASSERT_TRUE(ex.done());
      check(ex.report(), api);
      for (const auto& req : api.requests) {
        EXPECT_TRUE(req.status != "Created" && req.status != "Pending") << req.id << " " << req.status;
      }
    }
  }
  EXPECT_GE(crash_points, 20);
}

TEST(Journal, ResumeAfterACrashAtEveryLineIsExactlyOnce) {
  crash_at_every_line(crash_config(), crash_slots(), setup_api, [](const executor_report& r, const fake_push_api& api) {
    const auto per_org = api.jobs_per_org();
    std::int64_t upgraded = 0;
    for (const auto& o : r.orgs) {
      if (o.org_key == "A1003" || o.org_key == "B1010") {
        EXPECT_EQ(o.state, org_final_state::excluded) << o.org_key;
        EXPECT_FALSE(per_org.contains(o.org_key));
        continue;
      }
      upgraded += o.state == org_final_state::upgraded;
      EXPECT_EQ(o.state, org_final_state::upgraded) << o.org_key << ": " << o.message;
      ASSERT_TRUE(per_org.contains(o.org_key)) << o.org_key;
      EXPECT_EQ(per_org.at(o.org_key), 1) << o.org_key;
    }
    EXPECT_EQ(upgraded, 31);
  });
}

// The same with a transient job failure in wave 0 (re-pushed once) and a failure in wave 1 that halts the
// run while the last slot's request is already Pending (it must be canceled, never pushed twice).
TEST(Journal, ResumeAfterACrashKeepsRepushesAndHalts) {
  auto cfg = crash_config();
  cfg.gates.max_failed_orgs = 0;
  cfg.retry.job_retry_delay = std::chrono::minutes{2};
  cfg.prepare_ahead = std::chrono::minutes{90};
  auto setup = [](fake_push_api& api) {
    setup_api(api);
    api.orgs["A1005"].fail_types = {"LockingFailure"};
    api.orgs["B1012"].fail_types = {"ApexTestFailure"};
  };
  crash_at_every_line(cfg, crash_slots(), setup, [](const executor_report& r, const fake_push_api& api) {
    const auto per_org = api.jobs_per_org();
    EXPECT_TRUE(r.halted);
    for (const auto& o : r.orgs) {
      const int jobs = per_org.contains(o.org_key) ? per_org.at(o.org_key) : 0;
      if (o.org_key == "A1003" || o.org_key == "B1010") {
        EXPECT_EQ(o.state, org_final_state::excluded);
        EXPECT_EQ(jobs, 0);
      } else if (o.org_key == "A1005") {
        EXPECT_EQ(o.state, org_final_state::upgraded) << o.message;
        EXPECT_EQ(jobs, 2);  // failed once (transient), re-pushed once
      } else if (o.org_key == "B1012") {
        EXPECT_EQ(o.state, org_final_state::failed);
        EXPECT_EQ(o.error_type, "ApexTestFailure");
        EXPECT_EQ(jobs, 1);
      } else if (o.org_key[0] != 'C') {
        EXPECT_EQ(o.state, org_final_state::upgraded) << o.org_key;
        EXPECT_EQ(jobs, 1) << o.org_key;
      } else {
        EXPECT_TRUE(o.state == org_final_state::canceled || o.state == org_final_state::not_pushed)
            << o.org_key << " " << to_string(o.state);
        EXPECT_LE(jobs, 1) << o.org_key;
      }
    }
    std::int64_t c_canceled = 0;
    for (const auto& j : api.jobs) {
      if (j.org_key[0] != 'C') continue;
      EXPECT_EQ(j.status, "Canceled");
      ++c_canceled;
    }
    EXPECT_EQ(c_canceled, 5);  // C's request was Pending when the gate halted the run
  });
}
