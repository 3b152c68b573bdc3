#pragma once
// Calendar time used everywhere in pushsim: UTC, microsecond resolution.
// Simulated time and real time share this type, so the scheduling core cannot tell them apart.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pushsim {

// A UTC instant with microsecond resolution.
using time_point = std::chrono::sys_time<std::chrono::microseconds>;
// A span of time in microseconds.
using duration = std::chrono::microseconds;

// Microseconds since the Unix epoch, and back.
constexpr std::int64_t to_us(time_point t) { return t.time_since_epoch().count(); }
constexpr time_point from_us(std::int64_t us) { return time_point{duration{us}}; }

// Seconds as a double (for reports), and a duration from seconds (rounded to the nearest microsecond).
constexpr double to_seconds(duration d) { return static_cast<double>(d.count()) / 1e6; }
duration from_seconds(double s);

// ISO-8601 in UTC: "2026-11-23T01:02:03Z", with ".ffffff" only when the microseconds are not zero.
std::string format_iso8601(time_point t);
// Salesforce's wire spelling: "2026-11-23T01:02:03.000+0000" (always milliseconds, +0000).
std::string format_salesforce(time_point t);

// The result of parsing: a time, or an error message saying what was wrong and at which character.
struct parse_time_result {
  std::optional<time_point> time;
  std::string error;
  explicit operator bool() const { return time.has_value(); }
};

// Parses ISO-8601 date-times: "YYYY-MM-DDTHH:MM[:SS[.f{1,9}]]" followed by "Z", "+HH:MM", "+HHMM" or "+HH"
// (a zone designator is required), also with ' ' for 'T'. Also accepts a bare date "YYYY-MM-DD" as midnight UTC.
// Fractions beyond microseconds are truncated.
parse_time_result parse_iso8601(std::string_view text);

}  // namespace pushsim
