#include "pushsim/mock_org/platform_json.hpp"

#include "json_reader.hpp"

namespace pushsim::mock_org {

using detail::child;
using detail::json;
using detail::reader;

parse_result<platform_config> parse_platform_config(const json& j, std::string_view pointer) {
  reader r;
  platform_config c;
  const std::string base(pointer);
  auto done = [&]() -> parse_result<platform_config> {
    if (r.failed) return {std::nullopt, r.err};
    return {c, {}};
  };
  auto num = [&](const json& obj, const std::string& ptr, const char* key, double lo, double hi, double& out) {
    return !obj.contains(key) || r.number(obj[key], child(ptr, key), lo, hi, out);
  };
  if (!r.object(j, base, {"concurrency_per_instance", "pickup_delay_s", "noise", "telemetry"})) return done();
  if (j.contains("concurrency_per_instance")) {
    std::int64_t n = 0;
    if (!r.integer(j["concurrency_per_instance"], child(base, "concurrency_per_instance"), 1, 1'000'000, n)) {
      return done();
    }
    c.concurrency_per_instance = static_cast<std::uint32_t>(n);
  }
  if (j.contains("pickup_delay_s")) {
    const json& p = j["pickup_delay_s"];
    const std::string pp = child(base, "pickup_delay_s");
    double lo = to_seconds(c.pickup_delay_min);
    double hi = to_seconds(c.pickup_delay_max);
    if (!r.object(p, pp, {"min", "max"}) || !num(p, pp, "min", 0, 30 * 86400.0, lo) ||
        !num(p, pp, "max", 0, 30 * 86400.0, hi)) {
      return done();
    }
    if (lo > hi) {
      r.fail(child(pp, "min"), "min is larger than max");
      return done();
    }
    c.pickup_delay_min = from_seconds(lo);
    c.pickup_delay_max = from_seconds(hi);
  }
  if (j.contains("noise")) {
    const json& n = j["noise"];
    const std::string np = child(base, "noise");
    noise_config& o = c.noise;
    if (!r.object(n, np,
                  {"unclassified_rate", "lock_base_rate", "lock_rate_per_active_user", "lock_rate_max",
                   "maintenance_fails_jobs", "post_install_cpu_budget_s", "base_duration_s", "duration_sigma",
                   "per_record_us", "early_failure_share"}) ||
        !num(n, np, "unclassified_rate", 0, 1, o.unclassified_rate) ||
        !num(n, np, "lock_base_rate", 0, 1, o.lock_base_rate) ||
        !num(n, np, "lock_rate_per_active_user", 0, 1, o.lock_rate_per_active_user) ||
        !num(n, np, "lock_rate_max", 0, 1, o.lock_rate_max) ||
        !num(n, np, "post_install_cpu_budget_s", 0, 1e7, o.post_install_cpu_budget_s) ||
        !num(n, np, "base_duration_s", 0, 1e6, o.base_duration_s) ||
        !num(n, np, "duration_sigma", 0, 5, o.duration_sigma) ||
        !num(n, np, "per_record_us", 0, 1e6, o.per_record_us) ||
        !num(n, np, "early_failure_share", 0, 1, o.early_failure_share)) {
      return done();
    }
    if (n.contains("maintenance_fails_jobs") &&
        !r.boolean(n["maintenance_fails_jobs"], child(np, "maintenance_fails_jobs"), o.maintenance_fails_jobs)) {
      return done();
    }
  }
  if (j.contains("telemetry")) {
    const json& t = j["telemetry"];
    const std::string tp = child(base, "telemetry");
    telemetry_config& o = c.telemetry;
    double horizon_days = o.horizon_s / 86400.0;
    if (!r.object(t, tp, {"per_user_hour", "floor_per_hour", "triage_latency_s", "horizon_days"}) ||
        !num(t, tp, "triage_latency_s", 0, 30 * 86400.0, o.triage_latency_s) ||
        !num(t, tp, "horizon_days", 0, 365, horizon_days)) {
      return done();
    }
    o.horizon_s = horizon_days * 86400.0;
    if (t.contains("per_user_hour")) {
      const json& p = t["per_user_hour"];
      const std::string pp = child(tp, "per_user_hour");
      if (!r.object(p, pp, {"low", "medium", "high", "critical"}) ||
          !num(p, pp, "low", 0, 1e6, o.per_user_hour[1]) || !num(p, pp, "medium", 0, 1e6, o.per_user_hour[2]) ||
          !num(p, pp, "high", 0, 1e6, o.per_user_hour[3]) || !num(p, pp, "critical", 0, 1e6, o.per_user_hour[4])) {
        return done();
      }
    }
    if (t.contains("floor_per_hour")) {
      const json& p = t["floor_per_hour"];
      const std::string pp = child(tp, "floor_per_hour");
      if (!r.object(p, pp, {"saves_fail", "automation_errors", "integration_stops"}) ||
          !num(p, pp, "saves_fail", 0, 1e6, o.floor_per_hour[1]) ||
          !num(p, pp, "automation_errors", 0, 1e6, o.floor_per_hour[2]) ||
          !num(p, pp, "integration_stops", 0, 1e6, o.floor_per_hour[3])) {
        return done();
      }
    }
  }
  return done();
}

}  // namespace pushsim::mock_org
