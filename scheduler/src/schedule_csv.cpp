#include "pushsim/scheduler/schedule_csv.hpp"

#include <cstdio>
#include <map>

#include <date/tz.h>

#include "pushsim/base/csv_text.hpp"
#include "pushsim/base/time.hpp"

namespace pushsim::scheduler {

namespace {

std::string clock_text(int minutes) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", (minutes / 60) % 24, minutes % 60);
  return buf;
}

// The quiet-hours range holding local minute-of-day m ("22:00-04:00"), "any time" without quiet hours.
std::string window_of(const window_spec& w, int m) {
  if (w.quiet_hours.empty()) return "any time";
  for (const auto& r : w.quiet_hours) {
    const bool inside =
        r.start_min <= r.end_min ? (m >= r.start_min && m < r.end_min) : (m >= r.start_min || m < r.end_min);
    if (inside) return clock_text(r.start_min) + "-" + clock_text(r.end_min);
  }
  return "outside the quiet hours";
}

const date::time_zone* zone_named(const std::string& name, std::map<std::string, const date::time_zone*>& cache) {
  if (const auto it = cache.find(name); it != cache.end()) return it->second;
  const date::time_zone* tz = nullptr;
  try {
    tz = date::locate_zone(name);
  } catch (const std::exception&) {
    tz = date::locate_zone("UTC");
  }
  cache.emplace(name, tz);
  return tz;
}

}  // namespace

std::string render_schedule_csv(const plan_result& planned, std::span<const subscriber> subscribers, const plan& p) {
  std::string out = "OrgKey,OrgName,Wave,StartUtc,StartLocal,TimeZone,Window\n";
  std::map<std::string, const date::time_zone*> cache;
  for (const planned_org& o : planned.orgs) {
    const subscriber& s = subscribers[o.subscriber_index];
    const std::string& zone = planned.zones[o.zone];
    const auto local = zone_named(zone, cache)->to_local(std::chrono::floor<std::chrono::minutes>(o.start));
    const auto day = std::chrono::floor<std::chrono::days>(local);
    const int minute = static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(local - day).count());
    out += csv_field(s.org_key) + "," + csv_field(s.org_name) + "," + csv_field(planned.waves[o.wave].name) + "," +
           format_iso8601(o.start) + "," + date::format("%Y-%m-%d %H:%M", local) + "," + csv_field(zone) + "," +
           window_of(p.windows, minute) + "\n";
  }
  return out;
}

}  // namespace pushsim::scheduler
