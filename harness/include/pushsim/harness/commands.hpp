#pragma once
// The `pushsim run` and `pushsim compare` commands as library functions: tools/ only maps flags onto these.
// Exit codes: 0 ok, 1 an expectation failed (or an invariant broke), 2 bad input or an output that cannot be
// written. Every output path is checked before the run (its folder exists and is writable; it is a regular file
// or nothing yet, not an input, not another output; a symlink is followed), so on exit 2 nothing is written;
// after a complete run the reports are written as one set, each atomically (pushsim/base/output_file.hpp).

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "pushsim/base/redactor.hpp"

namespace pushsim::harness {

struct run_arguments {
  std::optional<std::string> scenario;  // a scenario file; none: the built-in default
  std::vector<std::string> set;         // "--set /json/pointer=value" arguments
  std::optional<std::uint64_t> seed;
  std::string json_path, csv_path, junit_path, html_path;
  std::string schedule_csv_path;  // one row per planned org: start in UTC and local time, wave, window
  bool progress = false;          // draw a progress bar on err (a TTY)
  redact_flags redact;            // org keys and names pseudonymised in stdout and every file (not the digest)
};
int run_command(const run_arguments& args, std::ostream& out, std::ostream& err);

struct compare_arguments {
  std::optional<std::string> scenario;
  std::vector<std::string> plans;         // plan files, each run against the same world and seed; none: the scenario's
  std::vector<std::string> gate_actions;  // "--gate-action halt|pause:4h": each plan once per action
  std::vector<std::string> set;
  std::optional<std::uint64_t> seed;
  std::string json_path;
  redact_flags redact;  // the comparison names no org; violation texts on err are pseudonymised
};
int compare_command(const compare_arguments& args, std::ostream& out, std::ostream& err);

}  // namespace pushsim::harness
