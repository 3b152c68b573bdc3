#include "pushsim/push/credentials.hpp"

#include <cstdio>

namespace pushsim::push {

std::optional<std::string> control_character_error(std::string_view flag, std::string_view value) {
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c == 0x7f) {
      char code[8];
      std::snprintf(code, sizeof code, "0x%02x", c);
      return std::string(flag) + " contains a control character (" + code + " at position " + std::to_string(i + 1) +
             "): refused before any connection";
    }
  }
  return std::nullopt;
}

bool looks_like_salesforce_id(std::string_view id, std::string_view key_prefix) {
  if (id.size() != 15 && id.size() != 18) return false;
  if (id.substr(0, key_prefix.size()) != key_prefix) return false;
  for (const char ch : id) {
    const bool alnum = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
    if (!alnum) return false;
  }
  return true;
}

}  // namespace pushsim::push
