#pragma once
// instance_table: Salesforce instances (pods) such as NA142, USA246S, EU45, AP24, interned to a small index,
// each with its region and its weekly maintenance window.
//
// A name is an instance if it is a known pod prefix followed by 1-4 digits and an optional trailing 'S'
// (Hyperforce sandbox pods). Prefixes: NA, USA, CS, UM, CAN (region NA); EU, EUR, UK, FRA, DEU (EU);
// AP, APAC, JP, AUS, IND, SGP (AP).
//
// Maintenance: each instance is down for 3 hours once every 4 weeks, on the weekend week given by a hash of its
// name: NA Sunday 04:00-07:00 UTC, EU Saturday 22:00 - Sunday 01:00 UTC, AP Saturday 13:00-16:00 UTC.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pushsim/base/time.hpp"

namespace pushsim::mock_org {

using instance_index = std::uint16_t;
enum class region : std::uint8_t { na, eu, ap };
inline constexpr std::size_t region_count = 3;
// "NA", "EU", "AP".
std::string_view to_string(region r);
std::optional<region> parse_region(std::string_view s);
// The region of a valid instance name; nullopt if the name is not an instance.
std::optional<region> instance_region(std::string_view name);

class instance_table {
 public:
  // Index of the instance, interning it; nullopt if the name is not a valid instance name.
  std::optional<instance_index> intern(std::string_view name);
  std::optional<instance_index> find(std::string_view name) const;
  std::string_view name(instance_index i) const { return entries_[i].name; }
  region region_of(instance_index i) const { return entries_[i].reg; }
  std::size_t size() const { return entries_.size(); }
  // True if the instance is in its maintenance window at t.
  bool in_maintenance(instance_index i, time_point t) const;
  // End of the maintenance window containing t (t itself if not in maintenance).
  time_point maintenance_end(instance_index i, time_point t) const;
  std::size_t memory_bytes() const;

 private:
  struct entry {
    std::string name;
    region reg;
    std::uint8_t maintenance_week;  // 0..3: which week of the 4-week cycle
  };
  std::vector<entry> entries_;
};

}  // namespace pushsim::mock_org
