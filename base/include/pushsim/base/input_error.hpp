#pragma once
// input_error: one problem found in user input, the same shape for every input pushsim reads (scenario, plan,
// package, population, platform, faults, expectations, profiles CSV, command-line overrides).

#include <string>

namespace pushsim {

// Which input ("s.json", "--set", "--seed"), where in it (a JSON pointer such as "/plan/waves/0", "line 7" for a
// CSV, "" for the whole input) and what was wrong.
struct input_error {
  std::string file;
  std::string pointer;
  std::string message;
  // "file: /pointer: message" (empty parts left out): what the command line prints.
  std::string to_string() const;
};

}  // namespace pushsim
