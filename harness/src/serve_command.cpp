#include "pushsim/harness/serve_command.hpp"

#include <cmath>
#include <filesystem>
#include <memory>
#include <ostream>
#include <random>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "pushsim/base/time.hpp"
#include "pushsim/harness/admin_handler.hpp"
#include "pushsim/harness/scenario_file.hpp"
#include "pushsim/harness/world.hpp"
#include "pushsim/mock_org/api/api_handler.hpp"
#include "pushsim/mock_org/api/http_server.hpp"
#include "pushsim/mock_org/api/tls_identity.hpp"
#include "pushsim/sim/pacing_clock.hpp"

namespace pushsim::harness {
namespace {

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

// The serve runtime: owns the world, the pacing clock, both handlers and the server. Everything but the
// constructor and start() runs on the io thread.
class serve_runtime {
 public:
  serve_runtime(std::unique_ptr<world> w, mock_org::api::api_config config, std::string admin_token, double speed,
                mock_org::api::http_server_options server_options)
      : world_(std::move(w)),
        clock_(world_->sim->now(), speed),
        config_(std::move(config)),
        admin_(*world_, clock_, std::move(admin_token), [this] { return counters(); }),
        server_([this](const rest_request& req) { return on_request(req); }, std::move(server_options)) {
    server_.set_pacer([this] { return sim::next_wake(*world_->sim, clock_); },
                      [this] { sim::catch_up(*world_->sim, clock_); });
  }

  // Binds, then makes the REST handler (its instance URL names the bound port). Requests arrive only in run().
  boost::system::result<mock_org::api::bound_endpoint> start(const std::string& scheme, const std::string& host) {
    boost::system::result<mock_org::api::bound_endpoint> bound = server_.start();
    if (bound) {
      config_.instance_url = scheme + "://" + host + ":" + std::to_string(bound->port);
      rest_ = std::make_unique<mock_org::api::api_handler>(*world_->platform, config_);
    }
    return bound;
  }

  mock_org::api::http_server& server() { return server_; }

 private:
  mock_org::api::answer on_request(const rest_request& req) {
    sim::catch_up(*world_->sim, clock_);
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

  mock_org::api::answer route(const rest_request& req) {
    if (admin_handler::owns(req.target)) return admin_.handle(req);
    return rest_->respond(req);
  }

  serve_counters counters() const {
    const mock_org::api::http_server_stats hs = server_.stats();
    if (!rest_) {
      return {hs.connections_accepted, hs.connections_open, hs.requests_handled, hs.errors_answered, 0, 0};
    }
    return {hs.connections_accepted, hs.connections_open, hs.requests_handled,
            hs.errors_answered,      rest_->api_usage(),  rest_->faults_injected()};
  }

  std::unique_ptr<world> world_;
  sim::pacing_clock clock_;
  mock_org::api::api_config config_;
  std::unique_ptr<mock_org::api::api_handler> rest_;  // made by start()
  admin_handler admin_;
  mock_org::api::http_server server_;
};

void print_errors(const std::vector<input_error>& errors, std::ostream& err) {
  for (const input_error& e : errors) {
    err << e.to_string() << '\n';
  }
  err.flush();
}

// The scenario (with its overrides and seed) built into a world; nullptr after printing the errors.
std::unique_ptr<world> load_world(const serve_options& options, std::ostream& err) {
  scenario_overrides overrides;
  overrides.seed = options.seed;
  for (const std::string& a : options.overrides) {
    std::string error;
    std::optional<json_override> o = parse_override(a, error);
    if (!o) {
      err << "--set " << a << ": " << error << '\n';
      return nullptr;
    }
    overrides.set.push_back(std::move(*o));
  }
  load_result loaded =
      options.scenario ? load_scenario_file(*options.scenario, overrides) : load_default_scenario(overrides);
  if (!loaded.value) {
    print_errors(loaded.errors, err);
    return nullptr;
  }
  return build_world(*loaded.value);
}

// The REST handler's settings from the flags and the world's platform section.
mock_org::api::api_config make_api_config(const serve_options& options, const world& w) {
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
  config.spaced_status = options.spaced_status.value_or(w.api.spaced_status);
  config.daily_api_requests_max = w.api.daily_requests_max;
  config.faults = w.api.faults;  // parsed with the scenario
  return config;
}

mock_org::api::http_server_options make_server_options(const serve_options& options,
                                                       const mock_org::api::api_config& config) {
  mock_org::api::http_server_options server_options;
  server_options.bind_address = options.bind;
  server_options.port = options.port;
  server_options.uri_bytes_max = config.uri_bytes_max;
  server_options.header_bytes_max = config.header_bytes_max;
  server_options.body_bytes_max = config.body_bytes_max;
  return server_options;
}

// The generated TLS identity of a `serve --tls` without --tls-cert; its directory is removed with it.
struct generated_tls {
  mock_org::api::tls_identity id;
  generated_tls() = default;
  generated_tls(const generated_tls&) = delete;
  generated_tls& operator=(const generated_tls&) = delete;
  ~generated_tls() {
    std::error_code ec;
    std::filesystem::remove_all(id.directory, ec);
  }
};

// Fills server_options.tls from the flags (generating an identity for host when no certificate is given);
// false after printing an error.
bool set_up_tls(const serve_options& options, const std::string& host,
                mock_org::api::http_server_options& server_options, std::unique_ptr<generated_tls>& generated,
                std::ostream& err) {
  if (!options.tls && options.tls_cert.empty() && options.tls_key.empty()) return true;
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    err << "--tls-cert and --tls-key go together\n";
    return false;
  }
  if (!options.tls_cert.empty()) {
    server_options.tls = mock_org::api::tls_files{options.tls_cert, options.tls_key};
    return true;
  }
  mock_org::api::tls_identity_result made = mock_org::api::make_tls_identity(host);
  if (!made.value) {
    err << "pushsim serve: --tls: " << made.error << '\n';
    return false;
  }
  generated = std::make_unique<generated_tls>();
  generated->id = *std::move(made.value);
  server_options.tls = mock_org::api::tls_files{generated->id.certificate_chain_file, generated->id.private_key_file};
  return true;
}

}  // namespace

int serve_command(const serve_options& options, std::ostream& out, std::ostream& err) {
  if (!(options.speed > 0) || !std::isfinite(options.speed)) {
    err << "--speed: expected a number > 0\n";
    return serve_exit_input;
  }
  std::unique_ptr<world> w = load_world(options, err);
  if (!w) {
    return serve_exit_input;
  }
  std::optional<mock_org::api::api_config> config = make_api_config(options, *w);
  const std::string admin_token = options.admin_token.empty() ? make_token("admin-") : options.admin_token;
  const std::string first_token = config->tokens.front();
  mock_org::api::http_server_options server_options = make_server_options(options, *config);
  const bool ipv6 = options.bind.find(':') != std::string::npos;
  const std::string host = ipv6 ? "[" + options.bind + "]" : options.bind;
  std::unique_ptr<generated_tls> generated;
  if (!set_up_tls(options, options.bind, server_options, generated, err)) return serve_exit_input;
  const std::string scheme = server_options.tls ? "https" : "http";
  const std::size_t org_count = w->orgs ? w->orgs->size() : 0;
  const time_point start = w->sim->now();

  auto runtime = std::make_unique<serve_runtime>(std::move(w), std::move(*config), admin_token, options.speed,
                                                 std::move(server_options));
  const boost::system::result<mock_org::api::bound_endpoint> bound = runtime->start(scheme, host);
  if (!bound) {
    err << "pushsim serve: cannot " << (scheme == "https" ? "load the TLS files or " : "") << "listen on "
        << options.bind << ":" << options.port << ": " << bound.error().message() << '\n';
    return serve_exit_runtime;
  }
  runtime->server().stop_on_signals();

  nlohmann::ordered_json ready;  // keys in the documented order
  ready["url"] = scheme + "://" + host + ":" + std::to_string(bound->port);
  ready["port"] = bound->port;
  ready["token"] = first_token;
  ready["admin_token"] = admin_token;
  ready["sim_time"] = format_iso8601(start);
  ready["orgs"] = org_count;
  if (generated) ready["ca_file"] = generated->id.ca_file;
  out << ready.dump() << '\n';
  out.flush();

  runtime->server().run();
  return serve_exit_ok;
}

}  // namespace pushsim::harness
