#include "pushsim/mock_org/instance_table.hpp"

#include <array>

#include "pushsim/sim/random.hpp"

namespace pushsim::mock_org {
namespace {
struct prefix_region {
  std::string_view prefix;
  region reg;
};
// Longest prefixes first so "APAC" wins over "AP" and "EUR" over "EU".
constexpr std::array<prefix_region, 16> prefixes{{
    {"APAC", region::ap},
    {"USA", region::na},
    {"CAN", region::na},
    {"EUR", region::eu},
    {"FRA", region::eu},
    {"DEU", region::eu},
    {"AUS", region::ap},
    {"IND", region::ap},
    {"SGP", region::ap},
    {"NA", region::na},
    {"CS", region::na},
    {"UM", region::na},
    {"EU", region::eu},
    {"UK", region::eu},
    {"AP", region::ap},
    {"JP", region::ap},
}};
constexpr std::array<std::string_view, region_count> region_names{"NA", "EU", "AP"};
constexpr std::int64_t hour_us = 3'600'000'000;
constexpr std::int64_t week_us = 7 * 24 * hour_us;
// Window start within the week, counted from Thursday 1970-01-01 00:00 UTC (the epoch's weekday).
// NA: Sunday 04:00 UTC = Thursday + 3 days + 4 h; EU: Saturday 22:00; AP: Saturday 13:00. All 3 h.
constexpr std::array<std::int64_t, region_count> window_start_us{(3 * 24 + 4) * hour_us, (2 * 24 + 22) * hour_us,
                                                                 (2 * 24 + 13) * hour_us};
constexpr std::int64_t window_length_us = 3 * hour_us;
}  // namespace

std::string_view to_string(region r) { return region_names[static_cast<std::size_t>(r)]; }
std::optional<region> parse_region(std::string_view s) {
  for (std::size_t i = 0; i < region_count; ++i) {
    if (region_names[i] == s) return static_cast<region>(i);
  }
  return std::nullopt;
}

std::optional<region> instance_region(std::string_view name) {
  for (const auto& p : prefixes) {
    if (name.size() <= p.prefix.size() || name.substr(0, p.prefix.size()) != p.prefix) continue;
    std::string_view rest = name.substr(p.prefix.size());
    if (!rest.empty() && rest.back() == 'S') rest.remove_suffix(1);
    if (rest.empty() || rest.size() > 4) return std::nullopt;
    for (char c : rest) {
      if (c < '0' || c > '9') return std::nullopt;
    }
    return p.reg;
  }
  return std::nullopt;
}

std::optional<instance_index> instance_table::find(std::string_view name) const {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].name == name) return static_cast<instance_index>(i);
  }
  return std::nullopt;
}

std::optional<instance_index> instance_table::intern(std::string_view name) {
  if (auto i = find(name)) return i;
  const auto reg = instance_region(name);
  if (!reg || entries_.size() >= 0xFFFF) return std::nullopt;
  entries_.push_back(entry{std::string(name), *reg, static_cast<std::uint8_t>(sim::hash_name(name) % 4)});
  return static_cast<instance_index>(entries_.size() - 1);
}

namespace {
// Start of the window that could contain t (the one starting at or before t in the 4-week cycle), or -1.
std::int64_t window_start_containing(std::int64_t t_us, region reg, std::uint8_t week) {
  const std::int64_t cycle_us = 4 * week_us;
  const std::int64_t offset = window_start_us[static_cast<std::size_t>(reg)] + week * week_us;
  std::int64_t k = (t_us - offset) / cycle_us;
  if (t_us - offset < 0 && (t_us - offset) % cycle_us != 0) --k;
  const std::int64_t start = offset + k * cycle_us;
  return (t_us >= start && t_us < start + window_length_us) ? start : -1;
}
}  // namespace

bool instance_table::in_maintenance(instance_index i, time_point t) const {
  const entry& e = entries_[i];
  return window_start_containing(to_us(t), e.reg, e.maintenance_week) >= 0;
}

time_point instance_table::maintenance_end(instance_index i, time_point t) const {
  const entry& e = entries_[i];
  const std::int64_t s = window_start_containing(to_us(t), e.reg, e.maintenance_week);
  return s < 0 ? t : from_us(s + window_length_us);
}

std::size_t instance_table::memory_bytes() const { return entries_.capacity() * sizeof(entry); }

}  // namespace pushsim::mock_org
