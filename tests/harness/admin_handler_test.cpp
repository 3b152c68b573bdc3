#include "pushsim/harness/admin_handler.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pushsim/harness/scenario_file.hpp"
#include "pushsim/harness/world.hpp"

using namespace pushsim;
using namespace pushsim::harness;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

constexpr const char* admin_token = "adm1n";

// A small world of the default scenario (40 orgs), optionally starting at `start`.
std::unique_ptr<world> small_world(const std::string& start = "") {
  std::vector<std::string> sets = {"/population/count=40"};
  if (!start.empty()) {
    sets.push_back("/start=" + start);
    sets.push_back("/plan/deadline=9999-12-31T00:00:00Z");  // the scenario (its plan too) must stay valid
  }
  scenario_overrides overrides;
  for (const std::string& s : sets) {
    std::string error;
    overrides.set.push_back(*parse_override(s, error));
  }
  load_result loaded = load_default_scenario(overrides);
  EXPECT_TRUE(loaded.value);
  return build_world(*loaded.value);
}

// A world, a pacing clock on a hand-moved wall clock, and the admin handler over both.
struct admin_fixture {
  explicit admin_fixture(double speed = 1.0, const std::string& start = "")
      : w(small_world(start)), clock(w->sim->now(), speed, [this] { return wall; }), handler(*w, clock, admin_token) {}

  rest_response call(const std::string& method, const std::string& target, const std::string& body = "",
                     const std::string& token = admin_token) {
    rest_request req;
    req.method = method;
    req.target = target;
    req.body = body;
    if (!token.empty()) {
      req.headers.emplace_back("Authorization", "Bearer " + token);
    }
    return handler.handle(req);
  }
  rest_response advance(const std::string& body) { return call("POST", "/pushsim/v1/time/advance", body); }
  std::string now_text() const { return format_iso8601(w->sim->now()); }

  sim::pacing_clock::wall_time wall{std::chrono::hours{1}};
  std::unique_ptr<world> w;
  sim::pacing_clock clock;
  admin_handler handler;
};

json body_of(const rest_response& r) { return json::parse(r.body); }

// Asserts a Salesforce-style error body: [{"message", "errorCode"}] with the message containing `words`.
void expect_error(const rest_response& r, int status, const std::string& code, const std::string& words) {
  EXPECT_EQ(r.status, status) << r.body;
  const json b = json::parse(r.body, nullptr, false);
  ASSERT_TRUE(b.is_array() && b.size() == 1) << r.body;
  EXPECT_EQ(b[0].value("errorCode", ""), code) << r.body;
  EXPECT_NE(b[0].value("message", "").find(words), std::string::npos) << r.body;
}

}  // namespace

TEST(AdminHandler, OwnsEveryPathUnderPushsim) {
  EXPECT_TRUE(admin_handler::owns("/pushsim/v1/time"));
  EXPECT_TRUE(admin_handler::owns("/pushsim/anything?x=1"));
  EXPECT_FALSE(admin_handler::owns("/services/data"));
  EXPECT_FALSE(admin_handler::owns("/pushsimulator"));
}

TEST(AdminHandler, GetTimeShowsTheClock) {
  admin_fixture f(60.0);
  const rest_response r = f.call("GET", "/pushsim/v1/time?verbose=1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "application/json;charset=UTF-8");
  const json b = body_of(r);
  EXPECT_EQ(b["sim_time"], f.now_text());
  EXPECT_EQ(b["speed"], 60.0);
  EXPECT_EQ(b["frozen"], false);
  EXPECT_EQ(b["pending_events"], f.w->sim->pending());
}

TEST(AdminHandler, AnswersAtThePacedSimTime) {
  admin_fixture f(60.0);
  const time_point start = f.w->sim->now();
  f.wall += 10s;
  const json b = body_of(f.call("GET", "/pushsim/v1/time"));
  EXPECT_EQ(b["sim_time"], format_iso8601(start + 600s));
  EXPECT_EQ(f.w->sim->now(), start + 600s);
}

TEST(AdminHandler, RefusesRequestsWithoutTheAdminToken) {
  admin_fixture f;
  expect_error(f.call("GET", "/pushsim/v1/time", "", ""), 401, "INVALID_SESSION_ID", "admin token");
  expect_error(f.call("GET", "/pushsim/v1/time", "", "t0k3n"), 401, "INVALID_SESSION_ID", "admin token");
  // Refused before routing: an unknown path or a wrong method says nothing about the routes.
  expect_error(f.call("GET", "/pushsim/v1/nope", "", ""), 401, "INVALID_SESSION_ID", "admin token");
  const time_point before = f.w->sim->now();
  expect_error(f.call("POST", "/pushsim/v1/time/advance", R"({"seconds": 60})", "wrong"), 401, "INVALID_SESSION_ID",
               "admin token");
  EXPECT_EQ(f.w->sim->now(), before);
}

TEST(AdminHandler, AnEmptyAdminTokenAcceptsNobody) {
  auto w = small_world();
  sim::pacing_clock clock(w->sim->now(), 1.0);
  admin_handler handler(*w, clock, "");
  rest_request req{"GET", "/pushsim/v1/time", {{"Authorization", "Bearer "}}, ""};
  expect_error(handler.handle(req), 401, "INVALID_SESSION_ID", "admin token");
}

TEST(AdminHandler, UnknownPathIs404AndWrongMethodIs405) {
  admin_fixture f;
  expect_error(f.call("GET", "/pushsim/v1/clock"), 404, "NOT_FOUND", "/pushsim/v1/clock");
  expect_error(f.call("GET", "/pushsim/v1/time/"), 404, "NOT_FOUND", "/pushsim/v1/time/");
  const rest_response get_advance = f.call("GET", "/pushsim/v1/time/advance");
  expect_error(get_advance, 405, "METHOD_NOT_ALLOWED", "'GET'");
  EXPECT_EQ(get_advance.header("Allow"), "POST");
  expect_error(f.call("POST", "/pushsim/v1/time"), 405, "METHOD_NOT_ALLOWED", "'POST'");
  expect_error(f.call("DELETE", "/pushsim/v1/truth"), 405, "METHOD_NOT_ALLOWED", "'DELETE'");
  expect_error(f.call("PUT", "/pushsim/v1/stats"), 405, "METHOD_NOT_ALLOWED", "'PUT'");
  expect_error(f.call("GET", "/pushsim/v1/time/freeze"), 405, "METHOD_NOT_ALLOWED", "'GET'");
  expect_error(f.call("GET", "/pushsim/v1/time/unfreeze"), 405, "METHOD_NOT_ALLOWED", "'GET'");
}

TEST(AdminHandler, APathWithInvalidUtf8StillGetsAJsonError) {
  admin_fixture f;
  const rest_response r = f.call("GET", "/pushsim/\xff\xfe");
  EXPECT_EQ(r.status, 404);
  EXPECT_FALSE(json::parse(r.body, nullptr, false).is_discarded()) << r.body;
}

TEST(AdminHandler, AdvanceBySecondsRunsTheSimulationAndReanchorsTheClock) {
  admin_fixture f;
  const time_point start = f.w->sim->now();
  const rest_response r = f.advance(R"({"seconds": 3600})");
  ASSERT_EQ(r.status, 200) << r.body;
  const json b = body_of(r);
  EXPECT_EQ(b["sim_time"], format_iso8601(start + 1h));
  EXPECT_TRUE(b.contains("events_run"));
  EXPECT_EQ(b["frozen"], false);
  f.wall += 5s;  // the clock runs on from the new time
  EXPECT_EQ(body_of(f.call("GET", "/pushsim/v1/time"))["sim_time"], format_iso8601(start + 1h + 5s));
}

TEST(AdminHandler, AdvanceToATimeMovesThere) {
  admin_fixture f;
  const time_point to = f.w->sim->now() + 24h + 30min;
  const rest_response r = f.advance(R"({"to": ")" + format_iso8601(to) + R"("})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["sim_time"], format_iso8601(to));
  EXPECT_EQ(f.w->sim->now(), to);
}

TEST(AdminHandler, AdvanceAcceptsExactlyTenYears) {
  EXPECT_EQ(advance_seconds_max, 315'576'000);  // 10 x 365.25 days
  admin_fixture by_seconds;
  const time_point start = by_seconds.w->sim->now();
  ASSERT_EQ(by_seconds.advance(R"({"seconds": 315576000})").status, 200);
  EXPECT_EQ(by_seconds.w->sim->now(), start + std::chrono::seconds{advance_seconds_max});
  admin_fixture by_to;
  const time_point to = by_to.w->sim->now() + std::chrono::seconds{advance_seconds_max};
  ASSERT_EQ(by_to.advance(R"({"to": ")" + format_iso8601(to) + R"("})").status, 200);
  EXPECT_EQ(by_to.w->sim->now(), to);
}

TEST(AdminHandler, FreezeStopsTheClockAndAdvanceStillMovesIt) {
  admin_fixture f(100.0);
  const rest_response frozen = f.call("POST", "/pushsim/v1/time/freeze");
  ASSERT_EQ(frozen.status, 200) << frozen.body;
  EXPECT_EQ(body_of(frozen)["frozen"], true);
  const time_point at = f.w->sim->now();
  f.wall += 1h;
  EXPECT_EQ(body_of(f.call("GET", "/pushsim/v1/time"))["sim_time"], format_iso8601(at));
  ASSERT_EQ(f.advance(R"({"seconds": 60})").status, 200);
  f.wall += 1h;
  const json after = body_of(f.call("GET", "/pushsim/v1/time"));
  EXPECT_EQ(after["sim_time"], format_iso8601(at + 60s));
  EXPECT_EQ(after["frozen"], true);
  const rest_response unfrozen = f.call("POST", "/pushsim/v1/time/unfreeze");
  EXPECT_EQ(body_of(unfrozen)["frozen"], false);
  f.wall += 2s;
  EXPECT_EQ(body_of(f.call("GET", "/pushsim/v1/time"))["sim_time"], format_iso8601(at + 60s + 200s));
}

TEST(AdminHandler, TruthSummarizesEveryOrg) {
  admin_fixture f;
  const rest_response r = f.call("GET", "/pushsim/v1/truth");
  ASSERT_EQ(r.status, 200) << r.body;
  const json b = body_of(r);
  EXPECT_EQ(b["summary"]["orgs"], 40);
  EXPECT_EQ(b["summary"]["untouched"], 40);
  EXPECT_TRUE(b["orgs"].is_array());
  EXPECT_TRUE(b["orgs"].empty());  // nothing pushed yet
  EXPECT_EQ(b["sim_time"], f.now_text());
  EXPECT_TRUE(b.contains("digest"));
}

TEST(AdminHandler, StatsReportTheServingCounters) {
  auto w = small_world();
  sim::pacing_clock clock(w->sim->now(), 1.0);
  admin_handler handler(*w, clock, admin_token, [] { return serve_counters{3, 1, 17, 2, 11, 4}; });
  const rest_response r = handler.handle({"GET", "/pushsim/v1/stats", {{"Authorization", "Bearer adm1n"}}, ""});
  ASSERT_EQ(r.status, 200) << r.body;
  const json b = body_of(r);
  EXPECT_EQ(b["server"]["connections_accepted"], 3);
  EXPECT_EQ(b["server"]["connections_open"], 1);
  EXPECT_EQ(b["server"]["requests_handled"], 17);
  EXPECT_EQ(b["server"]["errors_answered"], 2);
  EXPECT_EQ(b["api"]["usage_24h"], 11);
  EXPECT_EQ(b["api"]["faults_injected"], 4);
  EXPECT_EQ(b["simulation"]["pending_events"], w->sim->pending());
  EXPECT_EQ(b["platform"]["jobs"], 0);
}

// A refused advance: its status, errorCode and the words its message must contain.
struct refused_advance {
  std::string body;
  int status;
  std::string code;
  std::string words;
};

class AdminHandlerRefusesAdvance : public ::testing::TestWithParam<refused_advance> {};

TEST_P(AdminHandlerRefusesAdvance, WithAnErrorBodyAndWithoutMovingSimTime) {
  admin_fixture f;
  const time_point before = f.w->sim->now();
  const std::size_t pending = f.w->sim->pending();
  const std::uint64_t events = f.w->sim->events_processed();
  expect_error(f.advance(GetParam().body), GetParam().status, GetParam().code, GetParam().words);
  EXPECT_EQ(f.w->sim->now(), before);
  EXPECT_EQ(f.w->sim->pending(), pending);
  EXPECT_EQ(f.w->sim->events_processed(), events);
  // Still answering.
  EXPECT_EQ(f.call("GET", "/pushsim/v1/time").status, 200);
}

// The default scenario starts at 2026-11-27T18:00:00Z (ten years on: 2036-11-27T06:00:00Z).
INSTANTIATE_TEST_SUITE_P(
    Bodies, AdminHandlerRefusesAdvance,
    ::testing::Values(
        refused_advance{R"({"seconds": 1e18})", 400, "INVALID_FIELD", "/seconds: expected a number, 0 < seconds"},
        refused_advance{R"({"seconds": 1e400})", 400, "JSON_PARSER_ERROR", "body: expected"},
        refused_advance{R"({"seconds": 1e12})", 400, "INVALID_FIELD", "got 1000000000000"},
        refused_advance{R"({"seconds": 315576000.5})", 400, "INVALID_FIELD", "/seconds"},
        refused_advance{R"({"seconds": -5})", 400, "INVALID_FIELD", "got -5"},
        refused_advance{R"({"seconds": 0})", 400, "INVALID_FIELD", "got 0"},
        refused_advance{R"({"seconds": "3600"})", 400, "INVALID_FIELD", "/seconds: expected a number"},
        refused_advance{R"({"seconds": true})", 400, "INVALID_FIELD", "got a boolean"},
        refused_advance{R"({"seconds": null})", 400, "INVALID_FIELD", "got null"},
        refused_advance{R"({"seconds": [60]})", 400, "INVALID_FIELD", "/seconds"},
        refused_advance{R"({"seconds": 60, "to": "2026-12-01T00:00:00Z"})", 400, "INVALID_FIELD", "not both"},
        refused_advance{R"({"to": "2000-01-01T00:00:00Z"})", 400, "INVALID_FIELD",
                        "/to: 2000-01-01T00:00:00Z is not after"},
        refused_advance{R"({"to": "2026-11-27T18:00:00Z"})", 400, "INVALID_FIELD", "is not after"},
        refused_advance{R"({"to": "2036-11-27T06:00:01Z"})", 400, "INVALID_FIELD",
                        "/to: 2036-11-27T06:00:01Z is more than 10 years"},
        refused_advance{R"({"to": "9999-01-01T00:00:00Z"})", 400, "INVALID_FIELD", "more than 10 years"},
        refused_advance{R"({"to": "tomorrow"})", 400, "INVALID_FIELD", "/to: "},
        refused_advance{R"({"to": 1700000000})", 400, "INVALID_FIELD", "/to: expected an ISO-8601"},
        refused_advance{R"({})", 400, "REQUIRED_FIELD_MISSING", R"(expected {"seconds": S})"},
        refused_advance{R"({"secs": 60})", 400, "INVALID_FIELD", "/secs: unknown field"},
        refused_advance{R"({"seconds": 60, "speed": 2})", 400, "INVALID_FIELD", "/speed: unknown field"},
        refused_advance{"nope", 400, "JSON_PARSER_ERROR", "body: expected"},
        refused_advance{R"({"seconds": 60)", 400, "JSON_PARSER_ERROR", "body: expected"},
        refused_advance{"", 400, "JSON_PARSER_ERROR", "body: expected"},
        refused_advance{"[60]", 400, "JSON_PARSER_ERROR", "body: expected"},
        refused_advance{"3600", 400, "JSON_PARSER_ERROR", "body: expected"},
        refused_advance{std::string(100'000, '[') + std::string(100'000, ']'), 400, "JSON_PARSER_ERROR",
                        "body: expected"}));

TEST(AdminHandler, AdvanceNeverMovesSimTimePastTheClocksLastTime) {
  admin_fixture f(1.0, "9995-01-01T00:00:00Z");
  const time_point before = f.w->sim->now();
  expect_error(f.advance(R"({"seconds": 315576000})"), 400, "INVALID_FIELD",
               "/seconds: would move sim time past 9999-12-31T23:59:59Z");
  expect_error(f.advance(R"({"to": "9999-12-31T23:59:59.5Z"})"), 400, "INVALID_FIELD", "/to: would move");
  EXPECT_EQ(f.w->sim->now(), before);
  ASSERT_EQ(f.advance(R"({"to": "9999-12-31T23:59:59Z"})").status, 200);
  EXPECT_EQ(f.w->sim->now(), sim::pacing_clock::sim_time_max);
}
