#pragma once
// run_process: runs a program (no shell) and collects its output; failures to start are values, not exceptions.

#include <string>
#include <variant>
#include <vector>

namespace pushsim::changes::detail {

struct process_output {
  int exit_code = 0;   // the program's exit status; 128 + N when killed by signal N
  std::string output;  // stdout and stderr, interleaved as written
};

// Runs argv[0] (looked up in PATH) with argv, stdin from /dev/null. An error string when it cannot be started.
std::variant<process_output, std::string> run_process(const std::vector<std::string>& argv);

}  // namespace pushsim::changes::detail
