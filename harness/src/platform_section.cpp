#include "pushsim/harness/platform_section.hpp"

#include "pushsim/base/time.hpp"

namespace pushsim::harness {

namespace {

using nlohmann::json;

// Reads the number member `key` of `obj` into out when present and valid.
void read_number(const json& obj, json_reader& r, const std::string& ptr, const char* key, double lo, double hi,
                 double& out) {
  if (const json* v = json_reader::member(obj, key)) {
    if (const auto x = r.number(*v, json_child_pointer(ptr, key), lo, hi)) out = *x;
  }
}

void read_pickup_delay(const json& j, json_reader& r, const std::string& ptr, mock_org::platform_config& cfg) {
  if (!r.object(j, ptr, {"min", "max"})) return;
  double lo = to_seconds(cfg.pickup_delay_min);
  double hi = to_seconds(cfg.pickup_delay_max);
  read_number(j, r, ptr, "min", 0, 86400, lo);
  read_number(j, r, ptr, "max", 0, 86400, hi);
  if (lo > hi) r.error(ptr + "/min", "min must not exceed max");
  cfg.pickup_delay_min = from_seconds(lo);
  cfg.pickup_delay_max = from_seconds(hi);
}

void read_noise(const json& j, json_reader& r, const std::string& ptr, mock_org::noise_config& c) {
  if (!r.object(j, ptr,
                {"unclassified_rate", "lock_base_rate", "lock_rate_per_active_user", "lock_rate_max",
                 "maintenance_fails_jobs", "post_install_cpu_budget_s", "base_duration_s", "duration_sigma",
                 "per_record_us", "early_failure_share"})) {
    return;
  }
  read_number(j, r, ptr, "unclassified_rate", 0, 1, c.unclassified_rate);
  read_number(j, r, ptr, "lock_base_rate", 0, 1, c.lock_base_rate);
  read_number(j, r, ptr, "lock_rate_per_active_user", 0, 1, c.lock_rate_per_active_user);
  read_number(j, r, ptr, "lock_rate_max", 0, 1, c.lock_rate_max);
  if (const json* v = json_reader::member(j, "maintenance_fails_jobs")) {
    if (const auto b = r.boolean(*v, ptr + "/maintenance_fails_jobs")) c.maintenance_fails_jobs = *b;
  }
  read_number(j, r, ptr, "post_install_cpu_budget_s", 0, 1e6, c.post_install_cpu_budget_s);
  read_number(j, r, ptr, "base_duration_s", 0, 1e6, c.base_duration_s);
  read_number(j, r, ptr, "duration_sigma", 0, 5, c.duration_sigma);
  read_number(j, r, ptr, "per_record_us", 0, 1e6, c.per_record_us);
  read_number(j, r, ptr, "early_failure_share", 0, 1, c.early_failure_share);
}

void read_telemetry(const json& j, json_reader& r, const std::string& ptr, mock_org::telemetry_config& c) {
  if (!r.object(j, ptr, {"triage_latency_s", "horizon_s", "per_user_hour", "floor_per_hour"})) return;
  read_number(j, r, ptr, "triage_latency_s", 0, 1e7, c.triage_latency_s);
  read_number(j, r, ptr, "horizon_s", 0, 1e8, c.horizon_s);
  if (const json* p = json_reader::member(j, "per_user_hour")) {
    const std::string pp = ptr + "/per_user_hour";
    if (r.object(*p, pp, {"low", "medium", "high", "critical"})) {
      read_number(*p, r, pp, "low", 0, 1e6, c.per_user_hour[1]);
      read_number(*p, r, pp, "medium", 0, 1e6, c.per_user_hour[2]);
      read_number(*p, r, pp, "high", 0, 1e6, c.per_user_hour[3]);
      read_number(*p, r, pp, "critical", 0, 1e6, c.per_user_hour[4]);
    }
  }
  if (const json* f = json_reader::member(j, "floor_per_hour")) {
    const std::string fp = ptr + "/floor_per_hour";
    if (r.object(*f, fp, {"saves_fail", "automation_errors", "integration_stops"})) {
      read_number(*f, r, fp, "saves_fail", 0, 1e6, c.floor_per_hour[1]);
      read_number(*f, r, fp, "automation_errors", 0, 1e6, c.floor_per_hour[2]);
      read_number(*f, r, fp, "integration_stops", 0, 1e6, c.floor_per_hour[3]);
    }
  }
}

void read_api(const json& j, json_reader& r, const std::string& ptr, world_api_settings& api) {
  if (!r.object(j, ptr, {"daily_requests_max", "status_spelling"})) return;
  if (const json* v = json_reader::member(j, "daily_requests_max")) {
    if (const auto n = r.int64(*v, ptr + "/daily_requests_max", 1, 1'000'000'000'000)) api.daily_requests_max = *n;
  }
  if (const json* v = json_reader::member(j, "status_spelling")) {
    if (*v == "InProgress" || *v == "In Progress") {
      api.spaced_status = *v == "In Progress";
    } else {
      r.expected(*v, ptr + "/status_spelling", "\"InProgress\" or \"In Progress\"");
    }
  }
}

}  // namespace

platform_section parse_platform_section(const json& j, json_reader& r, const std::string& pointer) {
  platform_section out;
  if (!r.object(j, pointer, {"concurrency_per_instance", "pickup_delay_s", "noise", "telemetry", "api", "faults"})) {
    return out;
  }
  if (const json* v = json_reader::member(j, "concurrency_per_instance")) {
    const auto n = r.int64(*v, pointer + "/concurrency_per_instance", 1, 1'000'000);
    if (n) out.platform.concurrency_per_instance = static_cast<std::uint32_t>(*n);
  }
  if (const json* v = json_reader::member(j, "pickup_delay_s")) {
    read_pickup_delay(*v, r, pointer + "/pickup_delay_s", out.platform);
  }
  if (const json* v = json_reader::member(j, "noise")) read_noise(*v, r, pointer + "/noise", out.platform.noise);
  if (const json* v = json_reader::member(j, "telemetry")) {
    read_telemetry(*v, r, pointer + "/telemetry", out.platform.telemetry);
  }
  if (const json* v = json_reader::member(j, "api")) read_api(*v, r, pointer + "/api", out.api);
  if (const json* v = json_reader::member(j, "faults")) {
    if (auto f = mock_org::api::parse_fault_config(*v, r, pointer + "/faults")) out.api.faults = *f;
  }
  return out;
}

}  // namespace pushsim::harness
