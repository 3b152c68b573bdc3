#include "pushsim/mock_org/api/value.hpp"

#include <cstdio>

namespace pushsim::mock_org::api {

namespace {
inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

int icompare(std::string_view a, std::string_view b) {
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = static_cast<unsigned char>(lower(a[i]));
    const auto y = static_cast<unsigned char>(lower(b[i]));
    if (x != y) return x < y ? -1 : 1;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

std::string salesforce_id18(std::string_view id) {
  std::string out(id);
  if (id.size() != 15) return out;
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
  for (int chunk = 0; chunk < 3; ++chunk) {
    unsigned bits = 0;
    for (int i = 0; i < 5; ++i) {
      const char c = id[static_cast<std::size_t>(chunk) * 5 + static_cast<std::size_t>(i)];
      if (c >= 'A' && c <= 'Z') bits |= 1u << i;
    }
    out += alphabet[bits];
  }
  return out;
}

std::string format_date(date_value d) {
  const std::chrono::year_month_day ymd{d.day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

}  // namespace pushsim::mock_org::api
