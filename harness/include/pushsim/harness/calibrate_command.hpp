#pragma once
// `pushsim calibrate HISTORY... [--json platform.json] [--last-pushes K] [--scenario S]`: reads push history (and
// optionally subscriber, license and usage-log exports for users) as `pushsim import` does, fits the platform's
// noise (harness/calibration.hpp) and prints each figure with its evidence. --json writes
// {"platform": <a scenario's platform section>, "evidence": {...}}: the "platform" object goes into a scenario
// unchanged. Exit codes: 0 ok, 2 bad input (file, line and column printed) or a history with no ended job; on
// exit 2 nothing is written.

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "pushsim/harness/calibration.hpp"

namespace pushsim::harness {

struct calibrate_arguments {
  std::vector<std::string> files;
  std::optional<std::string> scenario;  // whose package the files are read against (default: the built-in one)
  std::string json_path;                // empty: no file written
  std::size_t last_pushes = 2;          // k: an org failing every one of its last k pushes is pinned (k >= 2)
};
int calibrate_command(const calibrate_arguments& args, std::ostream& out, std::ostream& err);

// The fitted values with their evidence counts, as the command prints them.
void print_calibration(const calibration& c, std::ostream& out);

}  // namespace pushsim::harness
