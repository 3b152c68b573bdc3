#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "pushsim/scheduler/planner.hpp"

namespace pushsim::scheduler {

std::string render_plan_json(const plan_result& r, std::span<const subscriber> subs, bool include_orgs) {
  using json = nlohmann::ordered_json;
  json out;
  out["subscribers"] = r.subscriber_count;
  out["planned_orgs"] = r.orgs.size();
  out["feasible"] = r.feasible();
  out["api_calls_estimate"] = r.api_calls_estimate;
  json waves = json::array();
  for (const auto& w : r.waves) {
    json jw;
    jw["name"] = w.name;
    jw["earliest_start"] = format_iso8601(w.earliest_start);
    jw["orgs"] = w.org_count;
    jw["slots"] = w.slots.size();
    jw["infeasible"] = w.infeasible_count;
    jw["first_start"] = w.first_start ? json(format_iso8601(*w.first_start)) : json(nullptr);
    jw["last_start"] = w.last_start ? json(format_iso8601(*w.last_start)) : json(nullptr);
    jw["api_calls_estimate"] = w.api_calls_estimate;
    json slots = json::array();
    for (const auto& s : w.slots) {
      json js;
      js["start"] = format_iso8601(s.start);
      js["org_count"] = s.orgs.size();
      if (r.follow_the_sun) js["region"] = to_string(s.region);
      if (include_orgs) {
        json keys = json::array();
        for (const auto o : s.orgs) keys.push_back(subs[r.orgs[o].subscriber_index].org_key);
        js["orgs"] = std::move(keys);
      }
      slots.push_back(std::move(js));
    }
    jw["slot_list"] = std::move(slots);
    waves.push_back(std::move(jw));
  }
  out["waves"] = std::move(waves);
  std::map<std::string_view, std::size_t> by_reason;
  for (const auto& e : r.excluded) ++by_reason[to_string(e.reason)];
  json reasons = json::object();
  for (const auto& [k, v] : by_reason) reasons[std::string(k)] = v;
  out["excluded_by_reason"] = std::move(reasons);
  json excluded = json::array();
  for (const auto& e : r.excluded) {
    excluded.push_back({{"org_key", subs[e.subscriber_index].org_key}, {"reason", to_string(e.reason)}});
  }
  out["excluded"] = std::move(excluded);
  json infeasible = json::array();
  for (const auto& x : r.infeasible) {
    infeasible.push_back({{"org_key", subs[x.subscriber_index].org_key},
                          {"wave", r.waves[x.wave].name},
                          {"reason", to_string(x.reason)}});
  }
  out["infeasible"] = std::move(infeasible);
  out["warnings"] = r.warnings;
  return out.dump(2) + "\n";
}

std::string render_plan_summary(const plan_result& r) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-16s %9s %7s %-21s %-21s %10s\n", "wave", "orgs", "slots", "first start",
                "last start", "api calls");
  out += line;
  for (const auto& w : r.waves) {
    std::snprintf(line, sizeof line, "%-16s %9zu %7zu %-21s %-21s %10llu\n", w.name.c_str(), w.org_count,
                  w.slots.size(), w.first_start ? format_iso8601(*w.first_start).c_str() : "-",
                  w.last_start ? format_iso8601(*w.last_start).c_str() : "-",
                  static_cast<unsigned long long>(w.api_calls_estimate));
    out += line;
  }
  std::snprintf(line, sizeof line, "planned %zu of %zu subscribers; API calls estimate %llu\n", r.orgs.size(),
                r.subscriber_count, static_cast<unsigned long long>(r.api_calls_estimate));
  out += line;
  std::map<std::string_view, std::size_t> by_reason;
  for (const auto& e : r.excluded) ++by_reason[to_string(e.reason)];
  for (const auto& [k, v] : by_reason) {
    std::snprintf(line, sizeof line, "excluded %-18s %zu\n", std::string(k).c_str(), v);
    out += line;
  }
  if (r.moved_out_of_maintenance > 0) {
    std::snprintf(line, sizeof line, "moved out of instance maintenance: %zu orgs\n", r.moved_out_of_maintenance);
    out += line;
  }
  if (!r.infeasible.empty()) {
    std::snprintf(line, sizeof line, "INFEASIBLE: %zu orgs have no allowed start before the deadline\n",
                  r.infeasible.size());
    out += line;
  }
  for (const auto& w : r.warnings) out += "warning: " + w + "\n";
  return out;
}

}  // namespace pushsim::scheduler
