#include "pushsim/harness/world.hpp"

#include "pushsim/mock_org/package_json.hpp"
#include "pushsim/mock_org/population_spec.hpp"
#include "pushsim/sim/random.hpp"

namespace pushsim::harness {

namespace {

// Strict reader of one JSON object: every key must be read; leftovers are "unknown key" errors.
class object_reader {
 public:
  object_reader(const nlohmann::json& j, std::string pointer, std::string file, std::vector<input_error>& errors)
      : j_(j), pointer_(std::move(pointer)), file_(std::move(file)), errors_(errors) {
    if (!j_.is_object()) error("", std::string("expected an object, found ") + j_.type_name());
  }
  ~object_reader() {
    if (!j_.is_object()) return;
    for (const auto& [k, v] : j_.items()) {
      bool seen = false;
      for (const auto& s : seen_) seen = seen || s == k;
      if (!seen) {
        std::string known;
        for (const auto& s : seen_) known += (known.empty() ? "" : ", ") + s;
        error("/" + pointer_token(k), "unknown key '" + k + "' (known keys: " + known + ")");
      }
    }
  }
  object_reader(const object_reader&) = delete;
  object_reader& operator=(const object_reader&) = delete;

  void number(const char* key, double& out, double lo, double hi) {
    const auto* v = find(key);
    if (!v) return;
    if (!v->is_number()) {
      error(std::string("/") + key, "expected a number, found " + v->dump());
    } else if (v->get<double>() < lo || v->get<double>() > hi) {
      error(std::string("/") + key, "expected a number in [" + fmt(lo) + ", " + fmt(hi) + "], found " + v->dump());
    } else {
      out = v->get<double>();
    }
  }
  void boolean(const char* key, bool& out) {
    const auto* v = find(key);
    if (!v) return;
    if (!v->is_boolean()) {
      error(std::string("/") + key, "expected true or false, found " + v->dump());
    } else {
      out = v->get<bool>();
    }
  }
  const nlohmann::json* find(const char* key) {
    seen_.emplace_back(key);
    if (!j_.is_object()) return nullptr;
    const auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  std::string child(const char* key) const { return pointer_ + "/" + key; }
  void error(const std::string& sub, const std::string& message) {
    errors_.push_back(input_error{file_, pointer_ + sub, message});
  }

 private:
  static std::string fmt(double v) {
    std::string s = nlohmann::json(v).dump();
    return s;
  }
  const nlohmann::json& j_;
  std::string pointer_;
  std::string file_;
  std::vector<input_error>& errors_;
  std::vector<std::string> seen_;
};

void read_platform(const nlohmann::json& j, const std::string& file, mock_org::platform_config& cfg,
                   world_api_settings& api, std::vector<input_error>& errors) {
  object_reader r(j, "/platform", file, errors);
  double concurrency = cfg.concurrency_per_instance;
  r.number("concurrency_per_instance", concurrency, 1, 1e6);
  cfg.concurrency_per_instance = static_cast<std::uint32_t>(concurrency);
  if (const auto* p = r.find("pickup_delay_s")) {
    object_reader pr(*p, r.child("pickup_delay_s"), file, errors);
    double lo = to_seconds(cfg.pickup_delay_min), hi = to_seconds(cfg.pickup_delay_max);
    pr.number("min", lo, 0, 86400);
    pr.number("max", hi, 0, 86400);
    if (lo > hi) pr.error("", "min must not exceed max");
    cfg.pickup_delay_min = from_seconds(lo);
    cfg.pickup_delay_max = from_seconds(hi);
  }
  if (const auto* n = r.find("noise")) {
    object_reader nr(*n, r.child("noise"), file, errors);
    auto& c = cfg.noise;
    nr.number("unclassified_rate", c.unclassified_rate, 0, 1);
    nr.number("lock_base_rate", c.lock_base_rate, 0, 1);
    nr.number("lock_rate_per_active_user", c.lock_rate_per_active_user, 0, 1);
    nr.number("lock_rate_max", c.lock_rate_max, 0, 1);
    nr.boolean("maintenance_fails_jobs", c.maintenance_fails_jobs);
    nr.number("post_install_cpu_budget_s", c.post_install_cpu_budget_s, 0, 1e6);
    nr.number("base_duration_s", c.base_duration_s, 0, 1e6);
    nr.number("duration_sigma", c.duration_sigma, 0, 5);
    nr.number("per_record_us", c.per_record_us, 0, 1e6);
    nr.number("early_failure_share", c.early_failure_share, 0, 1);
  }
  if (const auto* t = r.find("telemetry")) {
    object_reader tr(*t, r.child("telemetry"), file, errors);
    tr.number("triage_latency_s", cfg.telemetry.triage_latency_s, 0, 1e7);
    tr.number("horizon_s", cfg.telemetry.horizon_s, 0, 1e8);
  }
  if (const auto* a = r.find("api")) {
    object_reader ar(*a, r.child("api"), file, errors);
    double max = static_cast<double>(api.daily_requests_max);
    ar.number("daily_requests_max", max, 1, 1e12);
    api.daily_requests_max = static_cast<std::int64_t>(max);
    if (const auto* s = ar.find("status_spelling")) {
      if (s->is_string() && s->get<std::string>() == "InProgress") {
        api.spaced_status = false;
      } else if (s->is_string() && s->get<std::string>() == "In Progress") {
        api.spaced_status = true;
      } else {
        ar.error("/status_spelling", "expected \"InProgress\" or \"In Progress\", found " + s->dump());
      }
    }
  }
  if (const auto* f = r.find("faults")) {
    if (!f->is_object()) {
      r.error("/faults", std::string("expected an object, found ") + f->type_name());
    } else {
      api.faults = *f;
    }
  }
}

}  // namespace

world_result build_world(const scenario_document& doc, std::optional<std::uint64_t> seed,
                         std::optional<std::uint64_t> population_seed) {
  world_result out;
  const auto& j = doc.json;
  auto w = std::make_unique<world>();
  w->seed = seed.value_or(j.value("seed", std::uint64_t{0}));
  w->start = *parse_iso8601(j.at("start").get<std::string>()).time;  // checked by load_scenario_*
  w->scenario_name = j.value("name", std::string());

  auto pkg = mock_org::parse_package(j.at("package"), "/package");
  if (!pkg) {
    out.errors.push_back(input_error{doc.file, pkg.error.pointer, pkg.error.message});
    return out;
  }
  w->pkg = std::move(*pkg.value);
  auto spec = mock_org::parse_population_spec(j.at("population"), w->pkg, "/population");
  if (!spec) {
    out.errors.push_back(input_error{doc.file, spec.error.pointer, spec.error.message});
  }
  mock_org::platform_config cfg;
  if (j.contains("platform")) read_platform(j["platform"], doc.file, cfg, w->api, out.errors);
  if (!out.errors.empty()) return out;

  const sim::rng_streams streams(w->seed);
  w->sim = std::make_unique<sim::simulation>(w->start);
  w->orgs = std::make_unique<mock_org::population>(
      mock_org::generate_population(*spec.value, w->pkg,
                                    sim::rng_streams(population_seed.value_or(w->seed)).seed_for("population")));
  w->platform = std::make_unique<mock_org::platform>(*w->sim, *w->orgs, w->pkg, cfg, streams.seed_for("platform"));
  out.value = std::move(w);
  return out;
}

}  // namespace pushsim::harness
