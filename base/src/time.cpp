#include "pushsim/base/time.hpp"

#include <cmath>
#include <cstdio>

namespace pushsim {

duration from_seconds(double s) { return duration{static_cast<std::int64_t>(std::llround(s * 1e6))}; }

namespace {

struct civil {
  int year;
  unsigned month, day, hour, minute, second;
  std::int64_t micros;
};

civil split(time_point t) {
  using namespace std::chrono;
  const auto day_point = floor<days>(t);
  const year_month_day ymd{day_point};
  const auto in_day = t - day_point;  // microseconds in [0, 1 day)
  const auto us = in_day.count();
  return civil{static_cast<int>(ymd.year()),
               static_cast<unsigned>(ymd.month()),
               static_cast<unsigned>(ymd.day()),
               static_cast<unsigned>(us / 3'600'000'000LL),
               static_cast<unsigned>(us / 60'000'000LL % 60),
               static_cast<unsigned>(us / 1'000'000LL % 60),
               us % 1'000'000LL};
}

}  // namespace

std::string format_iso8601(time_point t) {
  const civil c = split(t);
  char buf[64];
  if (c.micros == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02u:%02u:%02uZ", c.year, c.month, c.day, c.hour, c.minute,
                  c.second);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02u:%02u:%02u.%06lldZ", c.year, c.month, c.day, c.hour, c.minute,
                  c.second, static_cast<long long>(c.micros));
  }
  return buf;
}

std::string format_salesforce(time_point t) {
  const civil c = split(t);
  if (c.year < 0 || c.year > 9999) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02u:%02u:%02u.%03lld+0000", c.year, c.month, c.day, c.hour,
                  c.minute, c.second, static_cast<long long>(c.micros / 1000));
    return buf;
  }
  // The common case digit by digit: pages of job rows format two times a row, and snprintf was 2% of a 1M run.
  std::string out = "0000-00-00T00:00:00.000+0000";
  const auto put = [&out](std::size_t at, unsigned long long v, int width) {
    for (int k = width - 1; k >= 0; --k, v /= 10)
      out[at + static_cast<std::size_t>(k)] = static_cast<char>('0' + v % 10);
  };
  put(0, static_cast<unsigned long long>(c.year), 4);
  put(5, c.month, 2);
  put(8, c.day, 2);
  put(11, c.hour, 2);
  put(14, c.minute, 2);
  put(17, c.second, 2);
  put(20, static_cast<unsigned long long>(c.micros / 1000), 3);
  return out;
}

namespace {

struct cursor {
  std::string_view s;
  std::size_t i = 0;
  std::string error;

  bool fail(const std::string& what) {
    if (error.empty()) error = what + " at character " + std::to_string(i + 1) + " of \"" + std::string(s) + "\"";
    return false;
  }
  bool at_end() const { return i >= s.size(); }
  char peek() const { return at_end() ? '\0' : s[i]; }
  bool digits(int count, int& out, const char* what) {
    out = 0;
    for (int k = 0; k < count; ++k) {
      if (at_end() || s[i] < '0' || s[i] > '9') return fail(std::string("expected ") + what);
      out = out * 10 + (s[i] - '0');
      ++i;
    }
    return true;
  }
  bool expect(char c, const char* what) {
    if (peek() != c) return fail(std::string("expected ") + what);
    ++i;
    return true;
  }
};

}  // namespace

parse_time_result parse_iso8601(std::string_view text) {
  using namespace std::chrono;
  cursor c{text, 0, {}};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  std::int64_t micros = 0;
  if (!c.digits(4, y, "a 4-digit year") || !c.expect('-', "'-' after the year") ||
      !c.digits(2, mo, "a 2-digit month") || !c.expect('-', "'-' after the month") ||
      !c.digits(2, d, "a 2-digit day")) {
    return {std::nullopt, c.error};
  }
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) {
    c.i = 0;
    c.fail("no such calendar date");
    return {std::nullopt, c.error};
  }
  std::int64_t offset_s = 0;
  if (!c.at_end()) {
    if (c.peek() != 'T' && c.peek() != 't' && c.peek() != ' ') {
      c.fail("expected 'T' between date and time");
      return {std::nullopt, c.error};
    }
    ++c.i;
    if (!c.digits(2, h, "a 2-digit hour") || !c.expect(':', "':' after the hour") ||
        !c.digits(2, mi, "2-digit minutes")) {
      return {std::nullopt, c.error};
    }
    if (c.peek() == ':') {
      ++c.i;
      if (!c.digits(2, sec, "2-digit seconds")) return {std::nullopt, c.error};
      if (c.peek() == '.' || c.peek() == ',') {
        ++c.i;
        int n = 0;
        std::int64_t frac = 0;
        while (!c.at_end() && c.peek() >= '0' && c.peek() <= '9') {
          if (n < 6) frac = frac * 10 + (c.peek() - '0');
          ++n;
          ++c.i;
        }
        if (n == 0) {
          c.fail("expected digits after the decimal point");
          return {std::nullopt, c.error};
        }
        for (int k = n; k < 6; ++k) frac *= 10;
        micros = frac;
      }
    }
    if (h > 23 || mi > 59 || sec > 60) {
      c.fail("hour, minute or second out of range");
      return {std::nullopt, c.error};
    }
    if (c.at_end()) {
      c.fail("expected a zone designator ('Z' or +HH:MM)");
      return {std::nullopt, c.error};
    }
    const char z = c.peek();
    if (z == 'Z' || z == 'z') {
      ++c.i;
    } else if (z == '+' || z == '-') {
      ++c.i;
      int oh = 0, om = 0;
      if (!c.digits(2, oh, "a 2-digit offset hour")) return {std::nullopt, c.error};
      if (c.peek() == ':') ++c.i;
      if (!c.at_end() && !c.digits(2, om, "2-digit offset minutes")) return {std::nullopt, c.error};
      if (oh > 23 || om > 59) {
        c.fail("zone offset out of range");
        return {std::nullopt, c.error};
      }
      offset_s = (oh * 3600 + om * 60) * (z == '-' ? -1 : 1);
    } else {
      c.fail("expected a zone designator ('Z' or +HH:MM)");
      return {std::nullopt, c.error};
    }
    if (!c.at_end()) {
      c.fail("unexpected trailing characters");
      return {std::nullopt, c.error};
    }
  }
  const sys_days day_point{ymd};
  const time_point t =
      time_point{day_point} + hours{h} + minutes{mi} + seconds{sec} + microseconds{micros} - seconds{offset_s};
  return {t, {}};
}

}  // namespace pushsim
