#pragma once
// admin_handler: the admin API of `pushsim serve` as a pure handler (no sockets), over a world's simulation and
// the pacing clock that paces it. Every answer first runs the simulation up to the paced clock (sim::catch_up).
//
// Routes (each needs "Authorization: Bearer <admin token>", else 401 INVALID_SESSION_ID):
//   GET  /pushsim/v1/time                     {"sim_time","speed","frozen","pending_events"}
//   POST /pushsim/v1/time/advance             {"seconds": S} or {"to": "ISO-8601"} -> GET's shape + "events_run"
//   POST /pushsim/v1/time/freeze | unfreeze   -> GET's shape
//   GET  /pushsim/v1/truth                    the ground truth (harness/truth_json.hpp)
//   GET  /pushsim/v1/stats                    {"sim_time","server","simulation","platform","api"} counters
// Any other path under /pushsim/: 404 NOT_FOUND; a known path with another method: 405 METHOD_NOT_ALLOWED.
//
// Advance takes exactly one of
//   "seconds": a JSON number (not a string, not a boolean), 0 < S <= advance_seconds_max;
//   "to":      an ISO-8601 date-time string strictly after the current sim time, at most advance_seconds_max
//              after it;
// and never moves sim time past sim::pacing_clock::sim_time_max. Anything else (malformed JSON, a body that is not
// an object, an unknown key, both keys, neither) is a 400 and leaves the sim time and its events as they were.
// Error bodies are Salesforce's: [{"message","errorCode","fields"?}], the message naming the field.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "pushsim/base/rest_message.hpp"
#include "pushsim/harness/world.hpp"
#include "pushsim/sim/pacing_clock.hpp"

namespace pushsim::harness {

// The longest single time advance, in seconds: 10 Julian years (10 x 365.25 days = 315,576,000 s).
inline constexpr std::int64_t advance_seconds_max = 315'576'000;

// Counters of the serving side that GET /pushsim/v1/stats reports; the admin handler reads them, never owns them.
struct serve_counters {
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_open = 0;
  std::uint64_t requests_handled = 0;
  std::uint64_t errors_answered = 0;  // answered by the HTTP server itself (400/413/414/431)
  std::int64_t api_usage_24h = 0;     // authenticated REST calls in the last 24 h of sim time
  std::uint64_t faults_injected = 0;  // REST calls answered with a seeded fault
};

class admin_handler {
 public:
  // All references must outlive the handler. admin_token: the accepted Bearer token (empty: every request is
  // refused). counters: read for /stats (none: zeros).
  admin_handler(world& w, sim::pacing_clock& clock, std::string admin_token,
                std::function<serve_counters()> counters = {});

  // True when the request target's path is under /pushsim/ (this handler answers it, whatever the method).
  static bool owns(std::string_view target);

  // Answers one admin request (never throws, never asserts on the request).
  rest_response handle(const rest_request& req);

 private:
  struct route;
  rest_response get_time(const rest_request& req);
  rest_response post_advance(const rest_request& req);
  rest_response post_freeze(const rest_request& req);
  rest_response post_unfreeze(const rest_request& req);
  rest_response get_truth(const rest_request& req);
  rest_response get_stats(const rest_request& req);
  nlohmann::json time_json() const;
  bool authorized(const rest_request& req) const;

  world& world_;
  sim::pacing_clock& clock_;
  std::string admin_token_;
  std::function<serve_counters()> counters_;
};

}  // namespace pushsim::harness
