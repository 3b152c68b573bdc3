#include "pushsim/base/input_error.hpp"

namespace pushsim {

std::string input_error::to_string() const {
  std::string out;
  for (const std::string* part : {&file, &pointer, &message}) {
    if (part->empty()) continue;
    if (!out.empty()) out += ": ";
    out += *part;
  }
  return out;
}

}  // namespace pushsim
