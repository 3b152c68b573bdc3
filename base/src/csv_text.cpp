#include "pushsim/base/csv_text.hpp"

namespace pushsim {

std::string csv_field(std::string_view text, csv_quoting quoting) {
  if (quoting == csv_quoting::when_needed && text.find_first_of(",\"\r\n") == std::string_view::npos) {
    return std::string(text);
  }
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (const char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace pushsim
