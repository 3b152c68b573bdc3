#include "pushsim/mock_org/zone_table.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <climits>
#include <cstdint>
#include <exception>

namespace pushsim::mock_org {
namespace {
const date::time_zone* locate(std::string_view name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}
}  // namespace

zone_table::zone_table() { entries_.reserve(64); }

bool zone_table::exists(std::string_view iana_name) { return locate(iana_name) != nullptr; }

std::optional<zone_index> zone_table::find(std::string_view iana_name) const {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].name == iana_name) return static_cast<zone_index>(i);
  }
  return std::nullopt;
}

std::optional<zone_index> zone_table::intern(std::string_view iana_name) {
  if (auto z = find(iana_name)) return z;
  const date::time_zone* tz = locate(iana_name);
  if (tz == nullptr || entries_.size() >= 0xFFFF) return std::nullopt;
  entries_.push_back(entry{std::string(iana_name), tz, 0, 0, 0, INT64_MIN, 0, 0, 0, 0, 0});
  return static_cast<zone_index>(entries_.size() - 1);
}

std::int32_t zone_table::utc_offset_s(zone_index z, time_point t) const {
  const entry& e = entries_[z];
  const std::int64_t s = to_us(t) / 1'000'000 - (to_us(t) % 1'000'000 < 0 ? 1 : 0);
  if (s >= e.begin_s && s < e.end_s) return e.offset_s;
  const auto info = e.zone->get_info(date::sys_seconds{std::chrono::seconds{s}});
  e.begin_s = info.begin.time_since_epoch().count();
  e.end_s = info.end.time_since_epoch().count();
  e.offset_s = static_cast<std::int32_t>(info.offset.count());
  return e.offset_s;
}

std::size_t zone_table::memory_bytes() const {
  std::size_t n = entries_.capacity() * sizeof(entry);
  for (const auto& e : entries_) n += e.name.capacity() > 15 ? e.name.capacity() + 1 : 0;
  return n;
}

civil_time zone_table::civil(zone_index z, time_point t) const {
  constexpr std::int64_t day_us = 86'400'000'000;
  const std::int64_t local = local_us(z, t);
  const entry& e = entries_[z];
  if (e.day_start_local_us != INT64_MIN && local >= e.day_start_local_us && local < e.day_start_local_us + day_us) {
    const std::int64_t rem = local - e.day_start_local_us;
    return civil_time{e.day_year,
                      e.day_month,
                      e.day_day,
                      e.day_weekday,
                      static_cast<unsigned>(rem / 3'600'000'000),
                      static_cast<unsigned>((rem / 60'000'000) % 60),
                      e.day_last};
  }
  const civil_time c = to_civil(local);
  std::int64_t day = local / day_us;
  if (local % day_us < 0) --day;
  e.day_start_local_us = day * day_us;
  e.day_year = c.year;
  e.day_month = static_cast<std::uint8_t>(c.month);
  e.day_day = static_cast<std::uint8_t>(c.day);
  e.day_weekday = static_cast<std::uint8_t>(c.weekday);
  e.day_last = static_cast<std::uint8_t>(c.last_day_of_month);
  return c;
}

civil_time to_civil(std::int64_t local_us) {
  constexpr std::int64_t day_us = 86'400'000'000;
  std::int64_t days = local_us / day_us;
  std::int64_t rem = local_us % day_us;
  if (rem < 0) {
    rem += day_us;
    --days;
  }
  const date::sys_days sd{date::days{days}};
  const date::year_month_day ymd{sd};
  const date::weekday wd{sd};
  civil_time c{};
  c.year = static_cast<int>(ymd.year());
  c.month = static_cast<unsigned>(ymd.month());
  c.day = static_cast<unsigned>(ymd.day());
  c.weekday = wd.c_encoding();
  c.hour = static_cast<unsigned>(rem / 3'600'000'000);
  c.minute = static_cast<unsigned>((rem / 60'000'000) % 60);
  c.last_day_of_month =
      static_cast<unsigned>(date::year_month_day_last{ymd.year(), date::month_day_last{ymd.month()}}.day());
  return c;
}

}  // namespace pushsim::mock_org
