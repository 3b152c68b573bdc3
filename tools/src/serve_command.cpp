#include "pushsim/tools/serve_command.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "pushsim/base/assert.hpp"
#include "pushsim/base/time.hpp"
#include "pushsim/harness/scenario_file.hpp"
#include "pushsim/harness/world.hpp"
#include "pushsim/mock_org/api/api_handler.hpp"
#include "pushsim/mock_org/api/http_server.hpp"

namespace pushsim::tools {
namespace {

using steady = std::chrono::steady_clock;
using json = nlohmann::json;

// A random 32-byte token as 64 hex characters (not part of any simulated result, so not seeded).
std::string make_token(std::string_view prefix) {
  std::random_device rd;
  static constexpr char hex[] = "0123456789abcdef";
  std::string s(prefix);
  for (int i = 0; i < 16; ++i) {
    const unsigned v = rd();
    for (int b = 0; b < 4; ++b) {
      s.push_back(hex[(v >> (b * 8)) & 0xF]);
    }
  }
  return s;
}

rest_response json_response(int status, const json& body) {
  rest_response r;
  r.status = status;
  r.set_header("Content-Type", "application/json;charset=UTF-8");
  r.body = body.dump();
  return r;
}

rest_response admin_error(int status, std::string_view code, std::string_view message) {
  return json_response(status, json::array({{{"errorCode", code}, {"message", message}}}));
}

// The path of a request target without its query string.
std::string_view path_of(std::string_view target) {
  const auto q = target.find('?');
  return q == std::string_view::npos ? target : target.substr(0, q);
}

// The serve runtime: owns the world, the handler, the server and the sim clock. Everything but the constructor
// runs on the io thread.
class serve_runtime {
 public:
  serve_runtime(std::unique_ptr<harness::world> w, mock_org::api::api_config config, std::string admin_token,
                double speed, mock_org::api::http_server_options server_options)
      : world_(std::move(w)),
        admin_token_(std::move(admin_token)),
        speed_(speed),
        config_(std::move(config)),
        server_([this](const rest_request& req) { return on_request(req); }, std::move(server_options)) {
    anchor_wall_ = steady::now();
    anchor_sim_ = sim().now();
    server_.set_pacer([this] { return next_wake(); }, [this] { catch_up(); });
  }

  // Binds, then makes the handler (its instance URL names the bound port). Requests arrive only in run().
  boost::system::result<mock_org::api::bound_endpoint> start(const std::string& host) {
    boost::system::result<mock_org::api::bound_endpoint> bound = server_.start();
    if (bound) {
      config_.instance_url = "http://" + host + ":" + std::to_string(bound->port);
      handler_ = std::make_unique<mock_org::api::api_handler>(*world_->platform, config_);
    }
    return bound;
  }

  mock_org::api::http_server& server() { return server_; }
  sim::simulation& sim() { return *world_->sim; }
  const harness::world& world() const { return *world_; }

 private:
  // The sim time the clock shows at wall time `wall`.
  time_point paced_time(steady::time_point wall) const {
    if (frozen_) {
      return anchor_sim_;
    }
    const double wall_s = std::chrono::duration<double>(wall - anchor_wall_).count();
    return anchor_sim_ + from_seconds(std::max(0.0, wall_s) * speed_);
  }

  // Runs every sim event up to the paced clock and moves sim time there.
  void catch_up() {
    const time_point target = paced_time(steady::now());
    if (target > sim().now()) {
      sim().run_until(target);
    }
  }

  // Wall time of the next sim event (nullopt: frozen or nothing scheduled).
  std::optional<steady::time_point> next_wake() {
    if (frozen_) {
      return std::nullopt;
    }
    const auto next = sim().next_event_time();
    if (!next) {
      return std::nullopt;
    }
    const double sim_s = to_seconds(*next - anchor_sim_);
    const double wall_s = std::max(0.0, sim_s / speed_);
    // Cap far-future wakes (a wake at a huge offset would overflow steady_clock).
    const double capped_s = std::min(wall_s, 86'400.0 * 365);
    return anchor_wall_ + std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(capped_s));
  }

  void reanchor() {
    anchor_wall_ = steady::now();
    anchor_sim_ = sim().now();
  }

  rest_response on_request(const rest_request& req) {
    catch_up();
    // Clients that keep the instance URL with a trailing slash send "//services/data/..."; Salesforce's front end
    // answers those as "/services/data/...", so the extra leading slashes are dropped before routing.
    if (req.target.starts_with("//")) {
      rest_request fixed = req;
      const std::size_t first = fixed.target.find_first_not_of('/');
      fixed.target.erase(0, first == std::string::npos ? fixed.target.size() - 1 : first - 1);
      return route(fixed);
    }
    return route(req);
  }

  rest_response route(const rest_request& req) {
    const std::string_view path = path_of(req.target);
    if (path.starts_with("/pushsim/")) {
      return on_admin(req, path);
    }
    return handler_->handle(req);
  }

  json time_json() {
    json j;
    j["sim_time"] = format_iso8601(sim().now());
    j["speed"] = speed_;
    j["frozen"] = frozen_;
    j["pending_events"] = sim().pending();
    return j;
  }

  rest_response on_admin(const rest_request& req, std::string_view path) {
    const std::string_view auth = req.header("Authorization");
    if (!auth.starts_with("Bearer ") || auth.substr(7) != admin_token_) {
      return admin_error(401, "INVALID_SESSION_ID", "admin endpoints need the admin token (Bearer)");
    }
    const bool get = req.method == "GET";
    const bool post = req.method == "POST";
    if (path == "/pushsim/v1/time" && get) {
      return json_response(200, time_json());
    }
    if (path == "/pushsim/v1/time/advance" && post) {
      return advance(req.body);
    }
    if (path == "/pushsim/v1/time/freeze" && post) {
      frozen_ = true;
      reanchor();
      return json_response(200, time_json());
    }
    if (path == "/pushsim/v1/time/unfreeze" && post) {
      frozen_ = false;
      reanchor();
      return json_response(200, time_json());
    }
    if (path == "/pushsim/v1/truth" && get) {
      return json_response(200, truth_json());
    }
    if (path == "/pushsim/v1/stats" && get) {
      return json_response(200, stats_json());
    }
    if (path == "/pushsim/v1/time" || path == "/pushsim/v1/time/advance" || path == "/pushsim/v1/time/freeze" ||
        path == "/pushsim/v1/time/unfreeze" || path == "/pushsim/v1/truth" || path == "/pushsim/v1/stats") {
      return admin_error(405, "METHOD_NOT_ALLOWED", "HTTP method '" + req.method + "' not allowed here");
    }
    return admin_error(404, "NOT_FOUND", "no admin endpoint " + std::string(path));
  }

  rest_response advance(const std::string& body) {
    const json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      return admin_error(400, "JSON_PARSER_ERROR", "body: expected {\"seconds\": S} or {\"to\": \"ISO-8601\"}");
    }
    time_point target = sim().now();
    if (j.contains("seconds")) {
      if (!j["seconds"].is_number() || j["seconds"].get<double>() < 0 || !std::isfinite(j["seconds"].get<double>())) {
        return admin_error(400, "INVALID_FIELD", "/seconds: expected a number >= 0");
      }
      target = sim().now() + from_seconds(j["seconds"].get<double>());
    } else if (j.contains("to")) {
      if (!j["to"].is_string()) {
        return admin_error(400, "INVALID_FIELD", "/to: expected an ISO-8601 date-time string");
      }
      const parse_time_result t = parse_iso8601(j["to"].get<std::string>());
      if (!t) {
        return admin_error(400, "INVALID_FIELD", "/to: " + t.error);
      }
      if (*t.time < sim().now()) {
        return admin_error(400, "INVALID_FIELD", "/to: " + format_iso8601(*t.time) +
                                                     " is before the current sim time " + format_iso8601(sim().now()));
      }
      target = *t.time;
    } else {
      return admin_error(400, "REQUIRED_FIELD_MISSING", "body: expected \"seconds\" or \"to\"");
    }
    const std::uint64_t events = sim().run_until(target);
    reanchor();
    json out = time_json();
    out["events_run"] = events;
    return json_response(200, out);
  }

  std::string version_text(mock_org::version_index v) const {
    if (v == mock_org::not_installed || v >= world_->pkg.versions.size()) {
      return "";
    }
    return world_->pkg.versions[v].number.str();
  }

  json truth_json() const {
    const mock_org::platform& p = *world_->platform;
    const mock_org::ground_truth& truth = p.truth();
    const mock_org::ground_truth::summary s = truth.summarize();
    json sum;
    sum["orgs"] = truth.size();
    sum["upgraded"] = s.upgraded;
    sum["failed"] = s.failed;
    sum["broken"] = s.broken;
    sum["untouched"] = s.untouched;
    sum["users_disrupted"] = s.users_disrupted;
    json by_type = json::object();
    for (std::size_t i = 0; i < s.failed_by_type.size(); ++i) {
      if (s.failed_by_type[i] != 0) {
        by_type[std::string(mock_org::to_string(static_cast<mock_org::error_type>(i)))] = s.failed_by_type[i];
      }
    }
    sum["failed_by_type"] = std::move(by_type);
    json by_cause = json::object();
    for (std::size_t i = 0; i < s.broken_by_cause.size(); ++i) {
      if (s.broken_by_cause[i] != 0) {
        by_cause[std::string(mock_org::to_string(static_cast<mock_org::break_cause>(i)))] = s.broken_by_cause[i];
      }
    }
    sum["broken_by_cause"] = std::move(by_cause);

    json rows = json::array();
    for (mock_org::org_index i = 0; i < truth.size(); ++i) {
      const mock_org::org_truth& t = truth.at(i);
      if (t.st == mock_org::org_truth::state::untouched && t.attempts == 0) {
        continue;
      }
      json r;
      r["org"] = p.orgs().key(i).str18();
      r["state"] = std::string(mock_org::to_string(t.st));
      if (t.st == mock_org::org_truth::state::failed) {
        r["error_type"] = std::string(mock_org::to_string(t.error));
      }
      if (t.st == mock_org::org_truth::state::broken) {
        r["cause"] = std::string(mock_org::to_string(t.cause));
        r["severity"] = std::string(mock_org::to_string(t.sev));
      }
      r["version_before"] = version_text(t.version_before);
      r["version_after"] = version_text(t.version_after);
      r["attempts"] = t.attempts;
      r["active_users"] = t.active_users;
      if (t.last_job != 0) {
        r["last_job"] = mock_org::platform::job_id_string(t.last_job);
        r["time"] = format_iso8601(from_us(t.time_us));
      }
      rows.push_back(std::move(r));
    }
    json out;
    out["sim_time"] = format_iso8601(sim_now());
    out["summary"] = std::move(sum);
    out["orgs"] = std::move(rows);
    out["digest"] = truth.digest();
    return out;
  }

  time_point sim_now() const { return world_->sim->now(); }

  json stats_json() {
    const mock_org::api::http_server_stats hs = server_.stats();
    const mock_org::platform& p = *world_->platform;
    json j;
    j["sim_time"] = format_iso8601(sim().now());
    j["server"] = {{"connections_accepted", hs.connections_accepted},
                   {"connections_open", hs.connections_open},
                   {"requests_handled", hs.requests_handled},
                   {"errors_answered", hs.errors_answered}};
    j["simulation"] = {{"events_processed", sim().events_processed()},
                       {"pending_events", sim().pending()},
                       {"digest", sim().digest_hex()}};
    j["platform"] = {{"requests", p.requests().size()},
                     {"jobs", p.jobs().size()},
                     {"errors", p.errors().size()},
                     {"jobs_running", p.jobs_running()},
                     {"jobs_finished", p.jobs_finished()}};
    j["api"] = {{"usage_24h", handler_->api_usage()}, {"faults_injected", handler_->faults_injected()}};
    return j;
  }

  std::unique_ptr<harness::world> world_;
  std::string admin_token_;
  double speed_;
  bool frozen_ = false;
  steady::time_point anchor_wall_;
  time_point anchor_sim_{};
  mock_org::api::api_config config_;
  std::unique_ptr<mock_org::api::api_handler> handler_;  // made by start()
  mock_org::api::http_server server_;
};

void print_errors(const std::vector<harness::input_error>& errors, std::ostream& err) {
  for (const harness::input_error& e : errors) {
    err << e.to_string() << '\n';
  }
  err.flush();
}

}  // namespace

int run_serve(const serve_options& options, std::ostream& out, std::ostream& err) {
  if (!(options.speed > 0) || !std::isfinite(options.speed)) {
    err << "--speed: expected a number > 0\n";
    return serve_exit_input;
  }
  harness::scenario_overrides overrides;
  overrides.seed = options.seed;
  for (const std::string& a : options.overrides) {
    std::string error;
    std::optional<harness::json_override> o = harness::parse_override(a, error);
    if (!o) {
      err << "--set " << a << ": " << error << '\n';
      return serve_exit_input;
    }
    overrides.set.push_back(std::move(*o));
  }
  harness::load_result loaded = options.scenario ? harness::load_scenario_file(*options.scenario, overrides)
                                                 : harness::load_default_scenario(overrides);
  if (!loaded.value) {
    print_errors(loaded.errors, err);
    return serve_exit_input;
  }
  std::unique_ptr<harness::world> w = harness::build_world(*loaded.value);

  mock_org::api::api_config config;
  // Every REST version a current Salesforce instance still answers (31.0 .. 66.0): real clients pin old ones
  // (the Salesforce CLI asks for sobjects/User with v51.0 at login).
  config.versions.clear();
  for (int v = 31; v <= 66; ++v) {
    config.versions.push_back(std::to_string(v) + ".0");
  }
  config.tokens = options.tokens;
  if (config.tokens.empty()) {
    // Salesforce session-id shape "<org id>!<token>" (the Salesforce CLI checks it).
    config.tokens.push_back(make_token(config.partner.org_id + "!"));
  }
  config.spaced_status = options.spaced_status.value_or(w->api.spaced_status);
  config.daily_api_requests_max = w->api.daily_requests_max;
  config.faults = w->api.faults;
  const std::string admin_token = options.admin_token.empty() ? make_token("admin-") : options.admin_token;
  const std::string first_token = config.tokens.front();

  mock_org::api::http_server_options server_options;
  server_options.bind_address = options.bind;
  server_options.port = options.port;
  server_options.uri_bytes_max = config.uri_bytes_max;
  server_options.header_bytes_max = config.header_bytes_max;
  server_options.body_bytes_max = config.body_bytes_max;

  const bool ipv6 = options.bind.find(':') != std::string::npos;
  const std::string host = ipv6 ? "[" + options.bind + "]" : options.bind;

  const std::size_t org_count = w->orgs ? w->orgs->size() : 0;
  auto runtime = std::make_unique<serve_runtime>(std::move(w), std::move(config), admin_token, options.speed,
                                                 std::move(server_options));
  const boost::system::result<mock_org::api::bound_endpoint> bound = runtime->start(host);
  if (!bound) {
    err << "pushsim serve: cannot listen on " << options.bind << ":" << options.port << ": "
        << bound.error().message() << '\n';
    return serve_exit_runtime;
  }
  runtime->server().stop_on_signals();

  nlohmann::ordered_json ready;  // keys in the documented order
  ready["url"] = "http://" + host + ":" + std::to_string(bound->port);
  ready["port"] = bound->port;
  ready["token"] = first_token;
  ready["admin_token"] = admin_token;
  ready["sim_time"] = format_iso8601(runtime->sim().now());
  ready["orgs"] = org_count;
  out << ready.dump() << '\n';
  out.flush();

  runtime->server().run();
  return serve_exit_ok;
}

}  // namespace pushsim::tools
