#include "pushsim/harness/admin_handler.hpp"

#include <array>
#include <cmath>
#include <optional>
#include <utility>
#include <variant>

#include "pushsim/base/json_text.hpp"
#include "pushsim/base/time.hpp"
#include "pushsim/harness/truth_json.hpp"

namespace pushsim::harness {

using json = nlohmann::json;

namespace {

// A refused admin request, as Salesforce words one: status, errorCode, message, and the field when there is one.
struct admin_error {
  int status = 400;
  std::string code;
  std::string message;
  std::vector<std::string> fields;
};

rest_response json_response(int status, const json& body) {
  rest_response r;
  r.status = status;
  r.set_header("Content-Type", "application/json;charset=UTF-8");
  // Invalid UTF-8 from the request (a path) is replaced, not thrown.
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

rest_response error_response(const admin_error& e) {
  json one = {{"message", e.message}, {"errorCode", e.code}};
  if (!e.fields.empty()) {
    one["fields"] = e.fields;
  }
  return json_response(e.status, json::array({std::move(one)}));
}

// The path of a request target without its query string.
std::string_view path_of(std::string_view target) {
  const auto q = target.find('?');
  return q == std::string_view::npos ? target : target.substr(0, q);
}

constexpr std::string_view advance_shape = R"(expected {"seconds": S} or {"to": "ISO-8601"})";
const std::string seconds_bound = "0 < seconds <= " + std::to_string(advance_seconds_max) + " (10 years)";

admin_error field_error(const std::string& field, std::string message) {
  return {400, "INVALID_FIELD", "/" + json_pointer_token(field) + ": " + std::move(message), {field}};
}

// "a string", "a boolean", ... or the number itself: what a refusal says it got.
std::string what_was_given(const json& v) {
  if (v.is_number()) {
    return v.dump();
  }
  return std::string(v.is_string() ? "a string" : v.is_boolean() ? "a boolean" : v.is_null() ? "null" : v.type_name());
}

std::variant<time_point, admin_error> target_of_seconds(const json& v, time_point now) {
  const double s = v.is_number() ? v.get<double>() : 0;
  if (!v.is_number() || !std::isfinite(s) || !(s > 0) || s > static_cast<double>(advance_seconds_max)) {
    return field_error("seconds", "expected a number, " + seconds_bound + "; got " + what_was_given(v));
  }
  return now + from_seconds(s);
}

std::variant<time_point, admin_error> target_of_to(const json& v, time_point now) {
  if (!v.is_string()) {
    return field_error("to", "expected an ISO-8601 date-time string; got " + what_was_given(v));
  }
  const parse_time_result t = parse_iso8601(v.get<std::string>());
  if (!t) {
    return field_error("to", t.error);
  }
  if (*t.time <= now) {
    return field_error("to", format_iso8601(*t.time) + " is not after the current sim time " + format_iso8601(now));
  }
  if (*t.time - now > std::chrono::seconds{advance_seconds_max}) {
    return field_error("to", format_iso8601(*t.time) + " is more than 10 years (" +
                                 std::to_string(advance_seconds_max) + " s) after the current sim time " +
                                 format_iso8601(now));
  }
  return *t.time;
}

// The sim time an advance body asks for (parsed once, here), or why it is refused.
std::variant<time_point, admin_error> advance_target(std::string_view body, time_point now) {
  const json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return admin_error{400, "JSON_PARSER_ERROR", "body: " + std::string(advance_shape), {}};
  }
  for (const auto& [key, value] : j.items()) {
    if (key != "seconds" && key != "to") {
      return field_error(key, "unknown field; " + std::string(advance_shape));
    }
  }
  const bool has_seconds = j.contains("seconds");
  const bool has_to = j.contains("to");
  if (has_seconds && has_to) {
    return admin_error{400, "INVALID_FIELD", R"(body: give "seconds" or "to", not both)", {"seconds", "to"}};
  }
  if (!has_seconds && !has_to) {
    return admin_error{400, "REQUIRED_FIELD_MISSING", "body: " + std::string(advance_shape), {"seconds", "to"}};
  }
  std::variant<time_point, admin_error> target =
      has_seconds ? target_of_seconds(j["seconds"], now) : target_of_to(j["to"], now);
  if (const time_point* t = std::get_if<time_point>(&target); t && *t > sim::pacing_clock::sim_time_max) {
    return field_error(has_seconds ? "seconds" : "to",
                       "would move sim time past " + format_iso8601(sim::pacing_clock::sim_time_max));
  }
  return target;
}

}  // namespace

struct admin_handler::route {
  std::string_view path;
  std::string_view method;
  rest_response (admin_handler::*answer)(const rest_request&);
};

admin_handler::admin_handler(world& w, sim::pacing_clock& clock, std::string admin_token,
                             std::function<serve_counters()> counters)
    : world_(w), clock_(clock), admin_token_(std::move(admin_token)), counters_(std::move(counters)) {}

bool admin_handler::owns(std::string_view target) { return path_of(target).starts_with("/pushsim/"); }

bool admin_handler::authorized(const rest_request& req) const {
  const std::string_view auth = req.header("Authorization");
  return !admin_token_.empty() && auth.starts_with("Bearer ") && auth.substr(7) == admin_token_;
}

rest_response admin_handler::handle(const rest_request& req) {
  static constexpr std::array<route, 6> routes{{
      {"/pushsim/v1/time", "GET", &admin_handler::get_time},
      {"/pushsim/v1/time/advance", "POST", &admin_handler::post_advance},
      {"/pushsim/v1/time/freeze", "POST", &admin_handler::post_freeze},
      {"/pushsim/v1/time/unfreeze", "POST", &admin_handler::post_unfreeze},
      {"/pushsim/v1/truth", "GET", &admin_handler::get_truth},
      {"/pushsim/v1/stats", "GET", &admin_handler::get_stats},
  }};
  sim::catch_up(*world_.sim, clock_);
  if (!authorized(req)) {
    return error_response({401, "INVALID_SESSION_ID", "admin endpoints need the admin token (Bearer)", {}});
  }
  const std::string_view path = path_of(req.target);
  for (const route& r : routes) {
    if (r.path != path) {
      continue;
    }
    if (r.method != req.method) {
      rest_response refused =
          error_response({405,
                          "METHOD_NOT_ALLOWED",
                          "HTTP method '" + req.method + "' not allowed here; use " + std::string(r.method),
                          {}});
      refused.set_header("Allow", std::string(r.method));
      return refused;
    }
    return (this->*r.answer)(req);
  }
  return error_response({404, "NOT_FOUND", "no admin endpoint " + std::string(path), {}});
}

json admin_handler::time_json() const {
  json j;
  j["sim_time"] = format_iso8601(world_.sim->now());
  j["speed"] = clock_.speed();
  j["frozen"] = clock_.frozen();
  j["pending_events"] = world_.sim->pending();
  return j;
}

rest_response admin_handler::get_time(const rest_request&) { return json_response(200, time_json()); }

rest_response admin_handler::post_advance(const rest_request& req) {
  const std::variant<time_point, admin_error> target = advance_target(req.body, world_.sim->now());
  if (const admin_error* e = std::get_if<admin_error>(&target)) {
    return error_response(*e);
  }
  const std::uint64_t events = world_.sim->run_until(std::get<time_point>(target));
  clock_.reanchor(world_.sim->now());
  json out = time_json();
  out["events_run"] = events;
  return json_response(200, out);
}

rest_response admin_handler::post_freeze(const rest_request&) {
  clock_.freeze();
  sim::catch_up(*world_.sim, clock_);  // the clock froze a moment after the last catch-up
  return json_response(200, time_json());
}

rest_response admin_handler::post_unfreeze(const rest_request&) {
  clock_.unfreeze();
  return json_response(200, time_json());
}

rest_response admin_handler::get_truth(const rest_request&) { return json_response(200, truth_json(world_)); }

rest_response admin_handler::get_stats(const rest_request&) {
  const serve_counters c = counters_ ? counters_() : serve_counters{};
  const sim::simulation& s = *world_.sim;
  const mock_org::platform& p = *world_.platform;
  json j;
  j["sim_time"] = format_iso8601(s.now());
  j["server"] = {{"connections_accepted", c.connections_accepted},
                 {"connections_open", c.connections_open},
                 {"requests_handled", c.requests_handled},
                 {"errors_answered", c.errors_answered}};
  j["simulation"] = {
      {"events_processed", s.events_processed()}, {"pending_events", s.pending()}, {"digest", s.digest_hex()}};
  j["platform"] = {{"requests", p.requests().size()},
                   {"jobs", p.jobs().size()},
                   {"errors", p.errors().size()},
                   {"jobs_running", p.jobs_running()},
                   {"jobs_finished", p.jobs_finished()}};
  j["api"] = {{"usage_24h", c.api_usage_24h}, {"faults_injected", c.faults_injected}};
  return json_response(200, j);
}

}  // namespace pushsim::harness
