#include "pushsim/scheduler/window_rules.hpp"

#include <date/tz.h>

#include "calendar.hpp"

namespace pushsim::scheduler {

// Zones looked up once by name (date::locate_zone searches the whole database).
struct window_rules::zone_cache {
  std::map<std::string, const date::time_zone*, std::less<>> by_name;
  const date::time_zone& find(std::string_view name) {
    if (const auto it = by_name.find(name); it != by_name.end()) return *it->second;
    const date::time_zone* tz = nullptr;
    try {
      tz = date::locate_zone(name);
    } catch (const std::exception&) {
      tz = date::locate_zone("UTC");
    }
    by_name.emplace(std::string(name), tz);
    return *tz;
  }
};

window_rules::window_rules(window_spec windows)
    : windows_(std::move(windows)), zones_(std::make_unique<zone_cache>()) {}

window_rules::~window_rules() = default;

bool window_rules::allowed(time_point t, std::string_view zone, int fiscal_start_month) {
  return detail::is_allowed(t, zones_->find(zone), fiscal_start_month, windows_);
}

}  // namespace pushsim::scheduler
