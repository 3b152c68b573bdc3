#pragma once
// serve_command: `pushsim serve` as a library function (tools/ only maps flags onto it). Builds a world from a
// scenario, puts the REST handler (mock_org/api) and the admin handler (harness/admin_handler.hpp, routes and
// bounds documented there) behind the HTTP server, and paces sim time to wall time (sim/pacing_clock.hpp).
//
// Pacing: sim time = anchor_sim + (wall - anchor_wall) * speed. Before every request the simulation is run up to
// the sim time of "now", so the handlers always see the paced clock; between requests one Asio timer (the
// server's pacer hook) fires at the wall time of the next sim event. Freezing stops the clock; advancing runs the
// simulation up to a sim time at once and re-anchors the clock there. Sim events run on the io thread only.
// Every path under /pushsim/ goes to the admin handler, everything else to the REST handler.

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace pushsim::harness {

// What `pushsim serve` was asked for (CLI flags, already parsed).
struct serve_options {
  std::optional<std::filesystem::path> scenario;  // nullopt: the built-in default scenario
  std::optional<std::uint64_t> seed;              // overrides the scenario's seed
  std::vector<std::string> overrides;             // "--set /ptr=value" arguments
  std::string bind = "127.0.0.1";
  std::uint16_t port = 0;             // 0: the kernel picks one
  std::vector<std::string> tokens;    // API tokens (empty: one is generated)
  std::string admin_token;            // empty: one is generated
  double speed = 1.0;                 // sim seconds per wall second (> 0)
  std::optional<bool> spaced_status;  // "In Progress" instead of "InProgress" (none: the scenario's)
  bool tls = false;                   // serve https (implied by tls_cert)
  std::string tls_cert;               // PEM chain, leaf first (empty with tls: a generated pair)
  std::string tls_key;                // PEM key of tls_cert (required with it)
};

// Exit codes of serve_command.
inline constexpr int serve_exit_ok = 0;
inline constexpr int serve_exit_input = 2;    // bad scenario or options
inline constexpr int serve_exit_runtime = 1;  // could not bind, ...

// Runs the server until SIGINT/SIGTERM. Prints the ready line (one JSON object:
// {"url","port","token","admin_token","sim_time","orgs"[,"ca_file"]}) to `out` and flushes it; with TLS the url
// is https and, for a generated certificate, ca_file is the CA clients must trust (removed at exit); input errors as
// "file: /pointer: message" lines to `err`. Returns one of the serve_exit_* codes.
int serve_command(const serve_options& options, std::ostream& out, std::ostream& err);

}  // namespace pushsim::harness
