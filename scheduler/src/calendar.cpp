#include "calendar.hpp"

#include <algorithm>

namespace pushsim::scheduler::detail {

namespace {

using namespace std::chrono;

sys_days last_day_of(int y, int m) { return sys_days{year{y} / month{static_cast<unsigned>(m)} / last}; }

bool is_business_day(sys_days d) {
  const unsigned wd = weekday{d}.c_encoding();
  return wd != 0 && wd != 6;
}

// Is this local date allowed (weekday, avoided dates, fiscal quarter end)?
bool day_allowed(sys_days d, int fiscal_start_month, const window_spec& w) {
  const unsigned wd = weekday{d}.c_encoding();
  if ((w.avoid_weekdays_mask >> wd) & 1u) return false;
  if (!w.avoid_dates.empty() && std::binary_search(w.avoid_dates.begin(), w.avoid_dates.end(), d)) return false;
  if (w.quarter_end_business_days > 0 && in_quarter_end_blackout(d, fiscal_start_month, w.quarter_end_business_days)) {
    return false;
  }
  return true;
}

bool time_allowed(int minute_of_day, const window_spec& w) {
  if (w.quiet_hours.empty()) return true;
  for (const auto& r : w.quiet_hours) {
    if (r.start_min < r.end_min) {
      if (minute_of_day >= r.start_min && minute_of_day < r.end_min) return true;
    } else if (minute_of_day >= r.start_min || minute_of_day < r.end_min) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool in_quarter_end_blackout(sys_days local_date, int fiscal_start_month, int n) {
  if (n <= 0) return false;
  const year_month_day ymd{local_date};
  const int y = static_cast<int>(ymd.year());
  const int m = static_cast<int>(static_cast<unsigned>(ymd.month()));
  const int fm = fiscal_start_month >= 1 && fiscal_start_month <= 12 ? fiscal_start_month : 1;
  const int into_quarter = ((m - fm) % 3 + 3) % 3;  // 0, 1 or 2 months into the quarter
  int end_month = m + (2 - into_quarter);
  int end_year = y;
  if (end_month > 12) {
    end_month -= 12;
    ++end_year;
  }
  const sys_days quarter_end = last_day_of(end_year, end_month);
  // Quick reject: n business days span at most n + 2 * (n / 5 + 1) calendar days.
  if ((quarter_end - local_date).count() > n + 2 * (n / 5 + 1) + 2) return false;
  int business = 0;
  for (sys_days d = local_date; d <= quarter_end; d += days{1}) {
    if (is_business_day(d)) ++business;
  }
  return business <= n;
}

std::vector<std::uint32_t> allowed_cells(const slot_grid& grid, const date::time_zone& zone, int fiscal_start_month,
                                         const window_spec& w) {
  std::vector<std::uint32_t> out;
  if (grid.cells == 0) return out;
  std::vector<freeze_period> freezes = w.freezes;
  std::sort(freezes.begin(), freezes.end(),
            [](const freeze_period& a, const freeze_period& b) { return a.start < b.start; });
  std::size_t freeze_i = 0;
  const auto first = date::sys_seconds{duration_cast<seconds>(grid.origin.time_since_epoch())};
  date::sys_info info = zone.get_info(first);
  sys_days cached_day{days{std::numeric_limits<int>::min() / 2}};
  bool cached_day_ok = false;
  for (std::uint32_t k = 0; k < grid.cells; ++k) {
    const time_point t = grid.at(k);
    // Freeze periods (sorted by start): skip those that ended.
    while (freeze_i < freezes.size() && freezes[freeze_i].end <= t) ++freeze_i;
    bool frozen = false;
    for (std::size_t f = freeze_i; f < freezes.size() && freezes[f].start <= t; ++f) {
      if (t < freezes[f].end) {
        frozen = true;
        break;
      }
    }
    if (frozen) continue;
    const auto ts = date::sys_seconds{duration_cast<seconds>(t.time_since_epoch())};
    if (ts >= info.end || ts < info.begin) info = zone.get_info(ts);
    // Local wall clock: t + offset. Instants in a spring-forward gap do not exist; instants in a fall-back
    // repeat map to the same wall time twice and are both judged by it.
    const auto local = t + duration_cast<microseconds>(info.offset);
    const sys_days d = floor<days>(local);
    if (d != cached_day) {
      cached_day = d;
      cached_day_ok = day_allowed(d, fiscal_start_month, w);
    }
    if (!cached_day_ok) continue;
    const int minute = static_cast<int>(duration_cast<minutes>(local - d).count());
    if (!time_allowed(minute, w)) continue;
    out.push_back(k);
  }
  return out;
}

bool is_allowed(time_point t, const date::time_zone& zone, int fiscal_start_month, const window_spec& w) {
  for (const auto& f : w.freezes) {
    if (t >= f.start && t < f.end) return false;
  }
  const auto ts = date::sys_seconds{duration_cast<seconds>(t.time_since_epoch())};
  const auto info = zone.get_info(ts);
  const auto local = t + duration_cast<microseconds>(info.offset);
  const sys_days d = floor<days>(local);
  return day_allowed(d, fiscal_start_month, w) &&
         time_allowed(static_cast<int>(duration_cast<minutes>(local - d).count()), w);
}

}  // namespace pushsim::scheduler::detail
