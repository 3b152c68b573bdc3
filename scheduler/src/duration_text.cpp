#include "pushsim/scheduler/duration_text.hpp"

#include <cstdint>
#include <string>

namespace pushsim::scheduler {

std::optional<duration> parse_duration_text(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t total_s = 0;
  std::size_t i = 0;
  bool any_unit = false;
  while (i < text.size()) {
    std::int64_t value = 0;
    const std::size_t digits_start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      value = value * 10 + (text[i] - '0');
      if (value > 1'000'000'000'000LL) return std::nullopt;
      ++i;
    }
    if (i == digits_start) return std::nullopt;
    if (i == text.size()) {
      if (any_unit) return std::nullopt;  // "1h30" is ambiguous
      total_s += value;
      break;
    }
    std::int64_t unit_s = 0;
    switch (text[i]) {
      case 's': unit_s = 1; break;
      case 'm': unit_s = 60; break;
      case 'h': unit_s = 3600; break;
      case 'd': unit_s = 86400; break;
      case 'w': unit_s = 7 * 86400; break;
      default: return std::nullopt;
    }
    ++i;
    any_unit = true;
    total_s += value * unit_s;
  }
  return duration{total_s * 1'000'000};
}

std::string format_duration_text(duration d) {
  std::int64_t s = d.count() / 1'000'000;
  if (s == 0) return "0s";
  std::string out;
  const std::pair<std::int64_t, char> units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
  for (const auto& [unit_s, c] : units) {
    if (s >= unit_s) {
      out += std::to_string(s / unit_s);
      out += c;
      s %= unit_s;
    }
  }
  return out;
}

}  // namespace pushsim::scheduler
