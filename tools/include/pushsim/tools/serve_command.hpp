#pragma once
// serve_command: the runtime behind `pushsim serve`. Builds a world from a scenario, puts the REST handler
// (mock_org/api) behind the HTTP server, paces sim time to wall time and answers the admin endpoints.
//
// Pacing: sim time = anchor_sim + (wall - anchor_wall) * speed. Before every request the simulation is run up to
// the sim time of "now", so the handler always sees the paced clock; between requests one Asio timer (the
// server's pacer hook) fires at the wall time of the next sim event. Freezing stops the clock; advancing runs the
// simulation up to a sim time at once and re-anchors the clock there. Sim events run on the io thread only.
//
// Admin endpoints (Bearer admin token), JSON bodies:
//   GET  /pushsim/v1/time                       {"sim_time","speed","frozen","pending_events"}
//   POST /pushsim/v1/time/advance               {"seconds": S} or {"to": "ISO-8601"} -> same shape as GET
//   POST /pushsim/v1/time/freeze | unfreeze     -> same shape as GET
//   GET  /pushsim/v1/truth                      ground-truth summary + one row per touched org
//   GET  /pushsim/v1/stats                      server, simulation and handler counters
// Everything else goes to the REST handler.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace pushsim::tools {

// What `pushsim serve` was asked for (CLI flags, already parsed).
struct serve_options {
  std::optional<std::filesystem::path> scenario;  // nullopt: the built-in default scenario
  std::optional<std::uint64_t> seed;              // overrides the scenario's seed
  std::vector<std::string> overrides;             // "--set /ptr=value" arguments
  std::string bind = "127.0.0.1";
  std::uint16_t port = 0;                         // 0: the kernel picks one
  std::vector<std::string> tokens;                // API tokens (empty: one is generated)
  std::string admin_token;                        // empty: one is generated
  double speed = 1.0;                             // sim seconds per wall second (> 0)
  std::optional<bool> spaced_status;              // "In Progress" instead of "InProgress" (none: the scenario's)
};

// Exit codes of run_serve.
inline constexpr int serve_exit_ok = 0;
inline constexpr int serve_exit_input = 2;    // bad scenario or options
inline constexpr int serve_exit_runtime = 1;  // could not bind, ...

// Runs the server until SIGINT/SIGTERM. Prints the ready line (one JSON object) to `out` and flushes it; input
// errors as "file: /pointer: message" lines to `err`. Returns one of the serve_exit_* codes.
int run_serve(const serve_options& options, std::ostream& out, std::ostream& err);

}  // namespace pushsim::tools
