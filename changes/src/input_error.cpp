#include "pushsim/changes/input_error.hpp"

namespace pushsim::changes {

std::string input_error::str() const {
  if (file.empty()) return message;
  if (line == 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ": " + message;
}

}  // namespace pushsim::changes
