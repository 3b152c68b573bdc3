#pragma once
// zone_table: interned IANA time zones. Orgs store a small index, not a name. Local-time questions (UTC offset,
// local hour, weekday) are answered from a one-entry cache per zone, so repeated lookups cost a comparison.
// Not thread-safe (the cache is mutable).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pushsim/base/time.hpp"

namespace date {
class time_zone;
}

namespace pushsim::mock_org {

using zone_index = std::uint16_t;

// Civil fields of a local time given in microseconds since the local epoch.
struct civil_time {
  int year;
  unsigned month;    // 1..12
  unsigned day;      // 1..31
  unsigned weekday;  // 0 = Sunday .. 6 = Saturday
  unsigned hour;     // 0..23
  unsigned minute;
  unsigned last_day_of_month;
};
civil_time to_civil(std::int64_t local_us);

class zone_table {
 public:
  zone_table();
  // Index of the zone, interning it on first use; nullopt if the tz database does not know the name.
  std::optional<zone_index> intern(std::string_view iana_name);
  // Index of an already interned zone.
  std::optional<zone_index> find(std::string_view iana_name) const;
  std::string_view name(zone_index z) const { return entries_[z].name; }
  std::size_t size() const { return entries_.size(); }
  // Offset of local time from UTC at t, in seconds (DST included).
  std::int32_t utc_offset_s(zone_index z, time_point t) const;
  // Local wall-clock time at t as microseconds since the local epoch (use with the civil helpers below).
  std::int64_t local_us(zone_index z, time_point t) const {
    return to_us(t) + std::int64_t{utc_offset_s(z, t)} * 1'000'000;
  }
  // Local civil time at t (cached per zone by local day: a hit costs a division).
  civil_time civil(zone_index z, time_point t) const;
  // True if the zone name exists in the tz database (does not intern it).
  static bool exists(std::string_view iana_name);
  // Bytes held (for memory accounting).
  std::size_t memory_bytes() const;

 private:
  struct entry {
    std::string name;
    const date::time_zone* zone;
    mutable std::int64_t begin_s;  // cached sys_info range [begin_s, end_s) and its offset
    mutable std::int64_t end_s;
    mutable std::int32_t offset_s;
    mutable std::int64_t day_start_local_us;  // cached local day [start, start + 1 day) and its civil fields
    mutable std::int32_t day_year;
    mutable std::uint8_t day_month, day_day, day_weekday, day_last;
  };
  std::vector<entry> entries_;
};

}  // namespace pushsim::mock_org
