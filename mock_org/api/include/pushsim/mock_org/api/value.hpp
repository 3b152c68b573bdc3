#pragma once
// A field value as SOQL sees it: null, boolean, integer, double, string, datetime (UTC, microseconds) or date.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "pushsim/base/time.hpp"

namespace pushsim::mock_org::api {

// A calendar date without time or zone (Salesforce "date" fields), as days since 1970-01-01.
struct date_value {
  std::chrono::sys_days day;
  friend bool operator==(const date_value&, const date_value&) = default;
};

// One SOQL value. The alternative order is part of the API: index() names the kind.
using value = std::variant<std::monostate, bool, std::int64_t, double, std::string, time_point, date_value>;

// True when v holds no value (SOQL null).
inline bool is_null(const value& v) { return std::holds_alternative<std::monostate>(v); }

// ASCII case-insensitive equality, as Salesforce compares names and text.
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x == y) continue;
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}
// ASCII case-insensitive three-way comparison (<0, 0, >0).
int icompare(std::string_view a, std::string_view b);

// The 18-character form of a 15-character Salesforce Id (appends the case-encoding checksum); other input is
// returned unchanged. SOQL compares Ids in their 18-character form, so 15-character literals match too.
std::string salesforce_id18(std::string_view id);

// "2026-11-23" for a date value.
std::string format_date(date_value d);

}  // namespace pushsim::mock_org::api
