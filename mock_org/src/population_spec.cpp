#include "pushsim/mock_org/population_spec.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <initializer_list>

#include <nlohmann/json.hpp>

#include "pushsim/base/assert.hpp"
#include "json_reader.hpp"

namespace pushsim::mock_org {

using nlohmann::json;

namespace {

using detail::child;
using detail::reader;

template <class T>
std::function<std::optional<T>(const std::string&, const std::string&)> enum_resolver(
    reader& r, std::optional<T> (*parse)(std::string_view), const std::string& what) {
  return [&r, parse, what](const std::string& key, const std::string& kp) -> std::optional<T> {
    auto v = parse(key);
    if (!v) r.fail(kp, "unknown " + what + " \"" + key + "\"");
    return v;
  };
}

std::optional<version_index> resolve_version(reader& r, const package& pkg, const std::string& text,
                                             const std::string& ptr) {
  if (text == "none") return not_installed;
  const auto num = parse_version_number(text);
  if (!num) {
    r.fail(ptr, "expected a version \"major.minor[.patch]\" or \"none\", got \"" + text + "\"");
    return std::nullopt;
  }
  const auto v = pkg.find_version(*num);
  if (!v) r.fail(ptr, "the package has no version " + num->str());
  return v;
}

// Per-field or per-object propensities: {"default": p, "fields": {"Obj.Field": p}} / {"objects": {"Obj": p}}.
bool parse_propensity(reader& r, const json& j, const std::string& ptr, const package& pkg, bool per_field,
                      std::vector<double>& out, const std::vector<std::string_view>& extra_keys,
                      const std::function<bool(const std::string& key, const json& v, const std::string& p)>& extra) {
  const char* list_key = per_field ? "fields" : "objects";
  std::vector<std::string> keys = {"default", list_key};
  for (auto e : extra_keys) keys.emplace_back(e);
  if (!r.object(j, ptr, keys)) return false;
  if (j.contains("default")) {
    double d = 0;
    if (!r.probability(j["default"], child(ptr, "default"), d)) return false;
    std::fill(out.begin(), out.end(), d);
  }
  if (j.contains(list_key)) {
    const std::string lp = child(ptr, list_key);
    const json& m = j[list_key];
    if (!m.is_object()) return r.fail(lp, "expected an object, found " + detail::json_found(m));
    for (auto it = m.begin(); it != m.end(); ++it) {
      const std::string kp = child(lp, it.key());
      std::optional<std::uint16_t> idx;
      if (per_field) {
        idx = pkg.find_field(it.key());
        if (!idx) return r.fail(kp, "the package has no managed field \"" + it.key() + "\" (write Object.Field)");
      } else {
        idx = pkg.find_object(it.key());
        if (!idx) return r.fail(kp, "the package has no managed object \"" + it.key() + "\"");
      }
      if (!r.probability(it.value(), kp, out[*idx])) return false;
    }
  }
  for (auto e : extra_keys) {
    const std::string key(e);
    if (j.contains(key) && !extra(key, j[key], child(ptr, key))) return false;
  }
  return true;
}

bool parse_pinned_org(reader& r, const json& j, const std::string& ptr, const package& pkg, org& o) {
  if (!r.object(j, ptr,
                {"key", "name", "type", "status", "parent", "instance", "time_zone", "fiscal_year_start_month",
                 "edition", "installed_version", "push_blocked", "always_fails", "heavy_customizer", "users", "records",
                 "features", "customizations"})) {
    return false;
  }
  std::string s;
  if (!j.contains("key")) return r.fail(ptr, "a pinned org needs a \"key\" (its 15- or 18-character org id)");
  if (!r.string(j["key"], child(ptr, "key"), s)) return false;
  const auto key = parse_org_key(s);
  if (!key)
    return r.fail(child(ptr, "key"), "expected an org id: \"00D\" + 12 or 15 letters/digits, got \"" + s + "\"");
  o.key = *key;
  if (j.contains("name") && !r.string(j["name"], child(ptr, "name"), o.name)) return false;
  if (j.contains("type")) {
    if (!r.string(j["type"], child(ptr, "type"), s)) return false;
    const auto t = parse_org_type(s);
    if (!t) return r.fail(child(ptr, "type"), "expected \"Production\" or \"Sandbox\", got \"" + s + "\"");
    o.type = *t;
  }
  if (j.contains("status")) {
    if (!r.string(j["status"], child(ptr, "status"), s)) return false;
    const auto st = parse_org_status(s);
    if (!st) return r.fail(child(ptr, "status"), "expected Active, Demo, Free, Inactive or Trial, got \"" + s + "\"");
    o.status = *st;
  }
  if (j.contains("parent")) {
    if (!r.string(j["parent"], child(ptr, "parent"), s)) return false;
    const auto p = parse_org_key(s);
    if (!p) return r.fail(child(ptr, "parent"), "expected an org id, got \"" + s + "\"");
    o.parent = *p;
  }
  if (j.contains("instance")) {
    if (!r.string(j["instance"], child(ptr, "instance"), s)) return false;
    if (!instance_region(s)) return r.fail(child(ptr, "instance"), "unknown instance \"" + s + "\"");
    o.instance = s;
  }
  if (j.contains("time_zone")) {
    if (!r.string(j["time_zone"], child(ptr, "time_zone"), s)) return false;
    if (!zone_table::exists(s)) return r.fail(child(ptr, "time_zone"), "unknown IANA time zone \"" + s + "\"");
    o.time_zone = s;
  }
  std::int64_t n = 0;
  if (j.contains("fiscal_year_start_month")) {
    if (!r.integer(j["fiscal_year_start_month"], child(ptr, "fiscal_year_start_month"), 1, 12, n)) return false;
    o.fiscal_year_start_month = static_cast<std::uint8_t>(n);
  }
  if (j.contains("edition")) {
    if (!r.string(j["edition"], child(ptr, "edition"), s)) return false;
    const auto e = parse_edition(s);
    if (!e) return r.fail(child(ptr, "edition"), "unknown edition \"" + s + "\"");
    o.edition = *e;
  }
  if (j.contains("installed_version")) {
    if (j["installed_version"].is_null()) {
      o.installed_version = not_installed;
    } else {
      if (!r.string(j["installed_version"], child(ptr, "installed_version"), s)) return false;
      const auto v = resolve_version(r, pkg, s, child(ptr, "installed_version"));
      if (!v) return false;
      o.installed_version = *v;
    }
  } else {
    o.installed_version = static_cast<version_index>(pkg.versions.size() >= 2 ? pkg.versions.size() - 2 : 0);
  }
  if (j.contains("push_blocked") && !r.boolean(j["push_blocked"], child(ptr, "push_blocked"), o.push_blocked)) {
    return false;
  }
  if (j.contains("always_fails") && !r.boolean(j["always_fails"], child(ptr, "always_fails"), o.always_fails)) {
    return false;
  }
  if (j.contains("heavy_customizer") &&
      !r.boolean(j["heavy_customizer"], child(ptr, "heavy_customizer"), o.heavy_customizer)) {
    return false;
  }
  if (j.contains("users")) {
    if (!r.integer(j["users"], child(ptr, "users"), 0, 10'000'000, n)) return false;
    o.users = static_cast<std::uint32_t>(n);
  }
  o.records.assign(pkg.objects.size(), 0);
  if (j.contains("records")) {
    const std::string rp = child(ptr, "records");
    if (!j["records"].is_object()) return r.fail(rp, "expected an object {\"Object\": record count}");
    for (auto it = j["records"].begin(); it != j["records"].end(); ++it) {
      const auto obj = pkg.find_object(it.key());
      if (!obj) return r.fail(child(rp, it.key()), "the package has no managed object \"" + it.key() + "\"");
      if (!r.integer(it.value(), child(rp, it.key()), 0, 4'000'000'000, n)) return false;
      o.records[*obj] = static_cast<std::uint32_t>(n);
    }
  }
  if (j.contains("features")) {
    const std::string fp = child(ptr, "features");
    if (!j["features"].is_array()) return r.fail(fp, "expected an array of feature names");
    for (std::size_t i = 0; i < j["features"].size(); ++i) {
      if (!r.string(j["features"][i], child(fp, i), s)) return false;
      const auto f = parse_platform_feature(s);
      if (!f) return r.fail(child(fp, i), "unknown platform feature \"" + s + "\"");
      o.features = static_cast<feature_set>(o.features | feature_bit(*f));
    }
  }
  if (j.contains("customizations")) {
    const std::string cp = child(ptr, "customizations");
    if (!j["customizations"].is_array()) return r.fail(cp, "expected an array");
    for (std::size_t i = 0; i < j["customizations"].size(); ++i) {
      const json& c = j["customizations"][i];
      const std::string ip = child(cp, i);
      if (!r.object(c, ip, {"kind", "field", "object", "count", "api_version"})) return false;
      if (!c.contains("kind")) return r.fail(ip, "a customization needs a \"kind\"");
      if (!r.string(c["kind"], child(ip, "kind"), s)) return false;
      customization cu;
      if (s == "validation_rule" || s == "trigger" || s == "flow") {
        cu.kind = s == "validation_rule" ? customization_kind::validation_rule
                  : s == "trigger"       ? customization_kind::trigger
                                         : customization_kind::flow;
        if (!c.contains("field")) return r.fail(ip, "a " + s + " needs a \"field\" (Object.Field)");
        if (!r.string(c["field"], child(ip, "field"), s)) return false;
        const auto f = pkg.find_field(s);
        if (!f) return r.fail(child(ip, "field"), "the package has no managed field \"" + s + "\"");
        cu.target = *f;
      } else if (s == "custom_fields" || s == "integration") {
        const bool cf = s == "custom_fields";
        cu.kind = cf ? customization_kind::custom_fields : customization_kind::integration;
        if (!c.contains("object")) return r.fail(ip, "a " + s + " needs an \"object\"");
        if (!r.string(c["object"], child(ip, "object"), s)) return false;
        const auto ob = pkg.find_object(s);
        if (!ob) return r.fail(child(ip, "object"), "the package has no managed object \"" + s + "\"");
        cu.target = *ob;
        const char* vk = cf ? "count" : "api_version";
        if (!c.contains(vk)) return r.fail(ip, std::string("needs \"") + vk + "\"");
        if (!r.integer(c[vk], child(ip, vk), cf ? 1 : 1, cf ? 10'000 : 999, n)) return false;
        cu.value = static_cast<std::uint16_t>(n);
      } else {
        return r.fail(child(ip, "kind"),
                      "expected validation_rule, trigger, flow, custom_fields or integration, got \"" + s + "\"");
      }
      o.customizations.push_back(cu);
    }
  }
  return true;
}

}  // namespace

population_spec default_population_spec(const package& pkg) {
  population_spec s;
  s.count = 10'000;
  s.type_mix = {{org_type::production, 0.72}, {org_type::sandbox, 0.28}};
  s.status_mix = {{org_status::active, 0.82},
                  {org_status::trial, 0.06},
                  {org_status::demo, 0.03},
                  {org_status::free, 0.04},
                  {org_status::inactive, 0.05}};
  s.edition_mix = {{edition::enterprise, 0.55},
                   {edition::unlimited, 0.20},
                   {edition::professional, 0.15},
                   {edition::performance, 0.03},
                   {edition::developer, 0.07}};
  s.instance_mix = {{"NA142", 3}, {"NA174", 2}, {"USA246", 3}, {"USA544S", 1}, {"CS42", 2}, {"EU45", 2},
                    {"EU32", 2},  {"UK12", 1},  {"AP24", 1},   {"JP12", 1},    {"AUS8", 1}};
  s.time_zones[static_cast<std::size_t>(region::na)] = {{"America/New_York", 0.35},
                                                        {"America/Chicago", 0.25},
                                                        {"America/Denver", 0.08},
                                                        {"America/Los_Angeles", 0.30},
                                                        {"America/Toronto", 0.02}};
  s.time_zones[static_cast<std::size_t>(region::eu)] = {{"Europe/London", 0.30}, {"Europe/Paris", 0.20},
                                                        {"Europe/Berlin", 0.25}, {"Europe/Amsterdam", 0.10},
                                                        {"Europe/Madrid", 0.10}, {"Europe/Dublin", 0.05}};
  s.time_zones[static_cast<std::size_t>(region::ap)] = {
      {"Asia/Tokyo", 0.30}, {"Australia/Sydney", 0.30}, {"Asia/Singapore", 0.20}, {"Asia/Kolkata", 0.20}};
  s.fiscal_month_weights = {0.70, 0.08, 0.0, 0.08, 0.0, 0.0, 0.10, 0.0, 0.0, 0.04, 0.0, 0.0};
  // Installed versions: most orgs on the newest released versions, a tail on old ones, a few uninstalled.
  {
    std::vector<version_index> released;
    for (std::size_t v = 0; v < pkg.versions.size(); ++v) {
      if (pkg.versions[v].state == release_state::released) released.push_back(static_cast<version_index>(v));
    }
    // Leave the newest released version out: it is the usual push target.
    if (released.size() > 1) released.pop_back();
    double w = 0.45;
    double total = 0.0;
    // NOLINTNEXTLINE(modernize-loop-convert): clang 14 cannot parse libstdc++ 12's reverse_view
    for (auto it = released.rbegin(); it != released.rend(); ++it) {
      s.version_mix.emplace_back(*it, w);
      total += w;
      w *= 0.5;
    }
    s.version_mix.emplace_back(not_installed, total * 0.03);
    double sum = 0.0;
    for (auto& [v, wt] : s.version_mix) sum += wt;
    for (auto& [v, wt] : s.version_mix) wt /= sum;
  }
  s.feature_probability = {0.18, 0.12, 0.35, 0.08, 0.15, 0.04, 0.10, 0.07};
  s.push_blocked_probability = 0.01;
  s.always_fails_probability = 0.004;
  s.records_per_user.assign(pkg.objects.size(), 20.0);
  s.custom_fields_probability.assign(pkg.objects.size(), 0.10);
  s.integration_probability.assign(pkg.objects.size(), 0.01);
  for (auto& p : s.field_propensity) p.assign(pkg.fields.size(), 0.0);
  std::fill(s.field_propensity[0].begin(), s.field_propensity[0].end(), 0.010);
  std::fill(s.field_propensity[1].begin(), s.field_propensity[1].end(), 0.005);
  std::fill(s.field_propensity[2].begin(), s.field_propensity[2].end(), 0.010);
  s.integration_api_versions = {{25, 0.03}, {30, 0.05}, {41, 0.12}, {48, 0.20}, {54, 0.25}, {58, 0.20}, {60, 0.15}};
  auto set_field = [&](std::size_t kind, std::string_view name, double p) {
    if (auto f = pkg.find_field(name)) s.field_propensity[kind][*f] = p;
  };
  auto set_obj = [&](std::vector<double>& v, std::string_view name, double p) {
    if (auto o = pkg.find_object(name)) v[*o] = p;
  };
  auto set_records = [&](std::string_view name, double per_user) {
    if (auto o = pkg.find_object(name)) s.records_per_user[*o] = per_user;
  };
  set_records("Opportunity", 120);
  set_records("rrd__Revenue_Schedule__c", 300);
  set_records("rrd__Forecast__c", 4);
  set_records("rrd__Dashboard_Config__c", 0.2);
  set_records("rrd__Rollup_Log__c", 50);
  set_field(0, "Opportunity.rrd__Forecast_Category__c", 0.06);
  set_field(0, "rrd__Forecast__c.rrd__Attainment__c", 0.02);
  set_field(0, "Opportunity.rrd__Schedule_Count__c", 0.01);
  set_field(1, "Opportunity.rrd__Rollup_Amount__c", 0.03);
  set_field(1, "rrd__Revenue_Schedule__c.rrd__Amount__c", 0.04);
  set_field(1, "rrd__Forecast__c.rrd__Attainment__c", 0.01);
  set_field(2, "Opportunity.rrd__Rollup_Amount__c", 0.08);
  set_field(2, "rrd__Revenue_Schedule__c.rrd__Type__c", 0.02);
  set_obj(s.custom_fields_probability, "Opportunity", 0.60);
  set_obj(s.custom_fields_probability, "rrd__Forecast__c", 0.15);
  set_obj(s.integration_probability, "Opportunity", 0.10);
  set_obj(s.integration_probability, "rrd__Revenue_Schedule__c", 0.03);
  return s;
}

namespace {

// "from": a non-empty array of file paths; no "count" or "orgs" beside it (the files decide the orgs).
bool parse_import_files(reader& r, const json& j, const std::string& base, population_spec& s) {
  const std::string fp = child(base, "from");
  const json& f = j["from"];
  if (!f.is_array() || f.empty()) return r.fail(fp, "expected a non-empty array of export file paths");
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (!f[i].is_string() || f[i].get<std::string>().empty()) {
      return r.fail(child(fp, i), "expected a file path, found " + detail::json_found(f[i]));
    }
    s.import_files.push_back(f[i].get<std::string>());
  }
  for (const char* key : {"count", "orgs"}) {
    if (j.contains(key)) return r.fail(child(base, key), "not with \"from\": the imported files decide the orgs");
  }
  return true;
}

}  // namespace

parse_result<population_spec> parse_population_spec(const json& j, const package& pkg, std::string_view pointer) {
  reader r;
  population_spec s = default_population_spec(pkg);
  const std::string base(pointer);
  auto done = [&]() -> parse_result<population_spec> {
    if (r.failed) return {std::nullopt, r.err};
    return {std::move(s), {}};
  };
  if (!r.object(j, base, {"count", "orgs", "from", "mix", "users", "records", "customization"})) return done();
  if (j.contains("from") && !parse_import_files(r, j, base, s)) return done();

  // Pinned orgs first, so "count" can be checked against them.
  if (j.contains("orgs")) {
    const std::string op = child(base, "orgs");
    if (!j["orgs"].is_array()) {
      r.fail(op, "expected an array of orgs");
      return done();
    }
    population scratch(pkg.objects.size());
    for (std::size_t i = 0; i < j["orgs"].size(); ++i) {
      org o;
      if (!parse_pinned_org(r, j["orgs"][i], child(op, i), pkg, o)) return done();
      const std::string err = scratch.add(o, pkg);
      if (!err.empty()) {
        r.fail(child(op, i), err);
        return done();
      }
      s.orgs.push_back(std::move(o));
    }
  }
  if (j.contains("orgs") && !j.contains("count")) s.count = s.orgs.size();
  if (j.contains("count")) {
    std::int64_t n = 0;
    if (!r.integer(j["count"], child(base, "count"), 0, 50'000'000, n)) return done();
    if (static_cast<std::uint64_t>(n) < s.orgs.size()) {
      r.fail(child(base, "count"), "count " + std::to_string(n) + " is smaller than the " +
                                       std::to_string(s.orgs.size()) + " pinned orgs in /orgs");
      return done();
    }
    s.count = static_cast<std::uint64_t>(n);
  }

  if (j.contains("mix")) {
    const json& m = j["mix"];
    const std::string mp = child(base, "mix");
    if (!r.object(m, mp,
                  {"type", "status", "edition", "instance", "time_zones", "fiscal_year_start_month",
                   "installed_version", "features", "push_blocked", "always_fails"})) {
      return done();
    }
    if (m.contains("type") && !r.weights<org_type>(m["type"], child(mp, "type"), s.type_mix,
                                                   enum_resolver<org_type>(r, &parse_org_type, "org type"))) {
      return done();
    }
    if (m.contains("status") && !r.weights<org_status>(m["status"], child(mp, "status"), s.status_mix,
                                                       enum_resolver<org_status>(r, &parse_org_status, "org status"))) {
      return done();
    }
    if (m.contains("edition") && !r.weights<edition>(m["edition"], child(mp, "edition"), s.edition_mix,
                                                     enum_resolver<edition>(r, &parse_edition, "edition"))) {
      return done();
    }
    if (m.contains("instance") &&
        !r.weights<std::string>(m["instance"], child(mp, "instance"), s.instance_mix,
                                [&](const std::string& k, const std::string& kp) -> std::optional<std::string> {
                                  if (!instance_region(k)) {
                                    r.fail(kp, "unknown instance \"" + k +
                                                   "\" (expected a pod name such as NA142, "
                                                   "USA246S, EU45, AP24)");
                                    return std::nullopt;
                                  }
                                  return k;
                                })) {
      return done();
    }
    if (m.contains("time_zones")) {
      const json& tz = m["time_zones"];
      const std::string tp = child(mp, "time_zones");
      if (!r.object(tz, tp, {"NA", "EU", "AP"})) return done();
      for (auto it = tz.begin(); it != tz.end(); ++it) {
        const auto reg = parse_region(it.key());
        auto& out = s.time_zones[static_cast<std::size_t>(*reg)];
        if (!r.weights<std::string>(it.value(), child(tp, it.key()), out,
                                    [&](const std::string& k, const std::string& kp) -> std::optional<std::string> {
                                      if (!zone_table::exists(k)) {
                                        r.fail(kp, "unknown IANA time zone \"" + k + "\"");
                                        return std::nullopt;
                                      }
                                      return k;
                                    })) {
          return done();
        }
      }
    }
    if (m.contains("fiscal_year_start_month")) {
      std::vector<std::pair<int, double>> fm;
      if (!r.weights<int>(m["fiscal_year_start_month"], child(mp, "fiscal_year_start_month"), fm,
                          [&](const std::string& k, const std::string& kp) -> std::optional<int> {
                            int v = 0;
                            auto [p, ec] = std::from_chars(k.data(), k.data() + k.size(), v);
                            if (ec != std::errc{} || p != k.data() + k.size() || v < 1 || v > 12) {
                              r.fail(kp, "expected a month number \"1\" .. \"12\", got \"" + k + "\"");
                              return std::nullopt;
                            }
                            return v;
                          })) {
        return done();
      }
      s.fiscal_month_weights.fill(0.0);
      for (auto [month, w] : fm) s.fiscal_month_weights[static_cast<std::size_t>(month - 1)] = w;
    }
    if (m.contains("installed_version") &&
        !r.weights<version_index>(
            m["installed_version"], child(mp, "installed_version"), s.version_mix,
            [&](const std::string& k, const std::string& kp) { return resolve_version(r, pkg, k, kp); })) {
      return done();
    }
    if (m.contains("features")) {
      const json& f = m["features"];
      const std::string fp = child(mp, "features");
      if (!f.is_object()) {
        r.fail(fp, "expected an object {\"Feature\": probability}");
        return done();
      }
      s.feature_probability.fill(0.0);
      for (auto it = f.begin(); it != f.end(); ++it) {
        const auto feat = parse_platform_feature(it.key());
        if (!feat) {
          r.fail(child(fp, it.key()), "unknown platform feature \"" + it.key() + "\"");
          return done();
        }
        if (!r.probability(it.value(), child(fp, it.key()), s.feature_probability[static_cast<std::size_t>(*feat)])) {
          return done();
        }
      }
    }
    if (m.contains("push_blocked") &&
        !r.probability(m["push_blocked"], child(mp, "push_blocked"), s.push_blocked_probability)) {
      return done();
    }
    if (m.contains("always_fails") &&
        !r.probability(m["always_fails"], child(mp, "always_fails"), s.always_fails_probability)) {
      return done();
    }
  }
  // Every instance's region needs time zones.
  for (const auto& [name, w] : s.instance_mix) {
    const auto reg = instance_region(name);
    if (w > 0 && s.time_zones[static_cast<std::size_t>(*reg)].empty()) {
      r.fail(child(child(base, "mix"), "time_zones"),
             "instance " + name + " is in region " + std::string(to_string(*reg)) + " which has no time zones");
      return done();
    }
  }

  if (j.contains("users")) {
    const json& u = j["users"];
    const std::string up = child(base, "users");
    if (!r.object(u, up, {"median", "sigma", "min", "max"})) return done();
    std::int64_t n = 0;
    if (u.contains("median") && !r.number(u["median"], child(up, "median"), 0.5, 1e7, s.users_median)) return done();
    if (u.contains("sigma") && !r.number(u["sigma"], child(up, "sigma"), 0.0, 5.0, s.users_sigma)) return done();
    if (u.contains("min")) {
      if (!r.integer(u["min"], child(up, "min"), 0, 10'000'000, n)) return done();
      s.users_min = static_cast<std::uint32_t>(n);
    }
    if (u.contains("max")) {
      if (!r.integer(u["max"], child(up, "max"), 1, 10'000'000, n)) return done();
      s.users_max = static_cast<std::uint32_t>(n);
    }
    if (s.users_min > s.users_max) {
      r.fail(child(up, "min"), "min is larger than max");
      return done();
    }
  }
  if (j.contains("records")) {
    const json& rc = j["records"];
    const std::string rp = child(base, "records");
    if (!r.object(rc, rp, {"sigma", "per_user"})) return done();
    if (rc.contains("sigma") && !r.number(rc["sigma"], child(rp, "sigma"), 0.0, 5.0, s.records_sigma)) return done();
    if (rc.contains("per_user")) {
      const std::string pp = child(rp, "per_user");
      if (!rc["per_user"].is_object()) {
        r.fail(pp, "expected an object {\"Object\": records per user}");
        return done();
      }
      for (auto it = rc["per_user"].begin(); it != rc["per_user"].end(); ++it) {
        const auto o = pkg.find_object(it.key());
        if (!o) {
          r.fail(child(pp, it.key()), "the package has no managed object \"" + it.key() + "\"");
          return done();
        }
        if (!r.number(it.value(), child(pp, it.key()), 0.0, 1e6, s.records_per_user[*o])) return done();
      }
    }
  }
  if (j.contains("customization")) {
    const json& c = j["customization"];
    const std::string cp = child(base, "customization");
    if (!r.object(c, cp, {"heavy_segment", "validation_rule", "trigger", "flow", "custom_fields", "integration"})) {
      return done();
    }
    if (c.contains("heavy_segment")) {
      const json& h = c["heavy_segment"];
      const std::string hp = child(cp, "heavy_segment");
      if (!r.object(h, hp, {"share", "multiplier"})) return done();
      if (h.contains("share") && !r.probability(h["share"], child(hp, "share"), s.heavy_share)) return done();
      if (h.contains("multiplier") &&
          !r.number(h["multiplier"], child(hp, "multiplier"), 1.0, 1000.0, s.heavy_multiplier)) {
        return done();
      }
    }
    const char* kinds[3] = {"validation_rule", "trigger", "flow"};
    for (std::size_t k = 0; k < 3; ++k) {
      if (c.contains(kinds[k]) &&
          !parse_propensity(r, c[kinds[k]], child(cp, kinds[k]), pkg, true, s.field_propensity[k], {},
                            [](const std::string&, const json&, const std::string&) { return true; })) {
        return done();
      }
    }
    if (c.contains("custom_fields") &&
        !parse_propensity(r, c["custom_fields"], child(cp, "custom_fields"), pkg, false, s.custom_fields_probability,
                          {"mean_count"}, [&](const std::string&, const json& v, const std::string& p) {
                            return r.number(v, p, 1.0, 5000.0, s.custom_fields_mean);
                          })) {
      return done();
    }
    if (c.contains("integration") &&
        !parse_propensity(r, c["integration"], child(cp, "integration"), pkg, false, s.integration_probability,
                          {"api_versions"}, [&](const std::string&, const json& v, const std::string& p) {
                            return r.weights<std::uint16_t>(
                                v, p, s.integration_api_versions,
                                [&](const std::string& k, const std::string& kp) -> std::optional<std::uint16_t> {
                                  unsigned a = 0;
                                  auto [e, ec] = std::from_chars(k.data(), k.data() + k.size(), a);
                                  if (ec != std::errc{} || e != k.data() + k.size() || a < 1 || a > 999) {
                                    r.fail(kp, "expected an API version number such as \"58\", got \"" + k + "\"");
                                    return std::nullopt;
                                  }
                                  return static_cast<std::uint16_t>(a);
                                });
                          })) {
      return done();
    }
  }
  return done();
}

parse_result<population_spec> parse_population_spec_text(std::string_view text, const package& pkg) {
  std::vector<input_error> errors;
  const auto j = parse_json_text(text, "", errors);
  if (!j) return {std::nullopt, errors.front()};
  return parse_population_spec(*j, pkg);
}

}  // namespace pushsim::mock_org
