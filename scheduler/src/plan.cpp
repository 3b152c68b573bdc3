#include "pushsim/scheduler/plan.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "pushsim/base/json_reader.hpp"
#include "pushsim/base/json_text.hpp"
#include "pushsim/scheduler/duration_text.hpp"
#include "pushsim/scheduler/org_key.hpp"
#include "pushsim/scheduler/profiles.hpp"

namespace pushsim::scheduler {

std::string plan_parse_result::error_text() const {
  std::string out;
  for (const auto& e : errors) out += e.to_string() + "\n";
  return out;
}

std::optional<gate_action> parse_gate_action(std::string_view text) {
  if (text == "halt") return gate_action{};
  constexpr std::string_view pause = "pause:";
  if (!text.starts_with(pause)) return std::nullopt;
  const auto review = parse_duration_text(std::string(text.substr(pause.size())));
  if (!review || review->count() <= 0) return std::nullopt;
  return gate_action{gate_action::kind::pause, *review};
}

std::string to_string(const gate_action& a) {
  if (a.what == gate_action::kind::halt) return "halt";
  return "pause:" + format_duration_text(a.review);
}

std::string_view to_string(deadline_kind k) {
  switch (k) {
    case deadline_kind::soft: return "soft";
    case deadline_kind::api_retirement: return "api_retirement";
    case deadline_kind::compliance: return "compliance";
  }
  return "soft";
}

namespace {

using json = nlohmann::json;

const std::set<std::string, std::less<>>& known_error_types() {
  static const std::set<std::string, std::less<>> names = {"ApexTestFailure",   "DeployError",      "FeatureMissing",
                                                           "IneligibleUpgrade", "LimitExceeded",    "LockingFailure",
                                                           "PACError",          "UnclassifiedError"};
  return names;
}

// Walks the document, filling a plan and collecting errors.
class reader {
 public:
  reader(std::vector<plan_error>& errors, const plan_parse_options& options)
      : options_(options), jr_(options.file, errors) {}

  void error(const std::string& pointer, std::string message) { jr_.error(pointer, std::move(message)); }

  static std::string at(const std::string& pointer, std::string_view key) { return json_child_pointer(pointer, key); }
  static std::string at(const std::string& pointer, std::size_t index) { return json_child_pointer(pointer, index); }

  // True when v is an object; reports unknown keys.
  bool object(const json& v, const std::string& pointer, std::initializer_list<std::string_view> keys) {
    return jr_.object(v, pointer, keys);
  }

  static const json* member(const json& obj, std::string_view key) { return json_reader::member(obj, key); }

  std::optional<std::string> string(const json& obj, std::string_view key, const std::string& pointer,
                                    bool required = false) {
    const json* v = required ? jr_.required(obj, pointer, key, "a string") : member(obj, key);
    return v ? jr_.string(*v, at(pointer, key)) : std::nullopt;
  }

  std::optional<std::uint64_t> unsigned_int(const json& obj, std::string_view key, const std::string& pointer,
                                            std::uint64_t min_value = 0,
                                            std::uint64_t max_value = std::numeric_limits<std::uint64_t>::max()) {
    const json* v = member(obj, key);
    return v ? jr_.uint64(*v, at(pointer, key), min_value, max_value) : std::nullopt;
  }

  std::optional<double> number(const json& obj, std::string_view key, const std::string& pointer, double lo, double hi,
                               bool lo_open, const char* what) {
    const json* v = member(obj, key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_number()) {
      jr_.expected(*v, at(pointer, key), what);
      return std::nullopt;
    }
    const double x = v->get<double>();
    if (!std::isfinite(x) || x > hi || (lo_open ? x <= lo : x < lo)) {
      jr_.expected(*v, at(pointer, key), what);
      return std::nullopt;
    }
    return x;
  }

  std::optional<bool> boolean(const json& obj, std::string_view key, const std::string& pointer) {
    const json* v = member(obj, key);
    return v ? jr_.boolean(*v, at(pointer, key)) : std::nullopt;
  }

  std::optional<duration> span(const json& obj, std::string_view key, const std::string& pointer,
                               bool positive = false) {
    const json* v = member(obj, key);
    if (v == nullptr) return std::nullopt;
    std::optional<duration> d;
    if (v->is_number() && v->get<double>() >= 0 && std::isfinite(v->get<double>())) {
      d = from_seconds(v->get<double>());
    } else if (v->is_string()) {
      d = parse_duration_text(v->get<std::string>());
    }
    if (!d) {
      error(at(pointer, key),
            "expected a duration such as \"30m\", \"6h\", \"2d\", \"1h30m\" or a number of seconds, found " +
                json_found(*v));
      return std::nullopt;
    }
    if (positive && d->count() <= 0) {
      error(at(pointer, key), "expected a positive duration, got " + v->dump());
      return std::nullopt;
    }
    return d;
  }

  std::optional<time_point> instant(const json& obj, std::string_view key, const std::string& pointer,
                                    bool required = false) {
    const json* v = member(obj, key);
    if (v == nullptr) {
      if (required) error(at(pointer, key), "missing; expected an ISO-8601 time such as \"2026-11-27T22:00:00Z\"");
      return std::nullopt;
    }
    if (!v->is_string()) {
      error(at(pointer, key), "expected an ISO-8601 time such as \"2026-11-27T22:00:00Z\", found " + json_found(*v));
      return std::nullopt;
    }
    const auto r = parse_iso8601(v->get<std::string>());
    if (!r) {
      error(at(pointer, key), "expected an ISO-8601 time with a zone (\"2026-11-27T22:00:00Z\"): " + r.error);
      return std::nullopt;
    }
    return *r.time;
  }

  // An array of strings; reports non-strings. Empty optional when absent or not an array.
  std::optional<std::vector<std::pair<std::string, std::string>>> strings(const json& obj, std::string_view key,
                                                                          const std::string& pointer) {
    const json* v = member(obj, key);
    if (v == nullptr) return std::nullopt;
    const std::string p = at(pointer, key);
    if (!v->is_array()) {
      error(p, "expected an array of strings, found " + json_found(*v));
      return std::nullopt;
    }
    std::vector<std::pair<std::string, std::string>> out;  // (value, pointer)
    for (std::size_t i = 0; i < v->size(); ++i) {
      const json& e = (*v)[i];
      if (!e.is_string()) {
        error(at(p, i), "expected a string, found " + json_found(e));
        continue;
      }
      out.emplace_back(e.get<std::string>(), at(p, i));
    }
    return out;
  }

  void read_target(const json& root, target_spec& t) {
    const json* v = member(root, "target");
    if (v == nullptr) {
      error("/target", "missing; expected {\"package_version_id\": \"04t...\", \"version\": \"2.4.0.1\"}");
      return;
    }
    const std::string p = "/target";
    if (!object(*v, p, {"package_version_id", "version"})) return;
    if (auto id = string(*v, "package_version_id", p)) {
      const bool alnum =
          std::all_of(id->begin(), id->end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
      if ((id->size() != 15 && id->size() != 18) || !alnum || id->rfind("04t", 0) != 0) {
        error(at(p, "package_version_id"),
              "expected a 15- or 18-character MetadataPackageVersion id starting with \"04t\", got \"" + *id + "\"");
      } else {
        t.package_version_id = *id;
      }
    }
    if (auto text = string(*v, "version", p)) {
      if (auto pv = parse_package_version(*text)) t.version = *pv;
      else error(at(p, "version"), "expected a version number \"Major.Minor[.Patch[.Build]]\", got \"" + *text + "\"");
    }
    if (member(*v, "package_version_id") == nullptr && member(*v, "version") == nullptr) {
      error(p, "expected package_version_id and/or version");
    }
  }

  std::optional<int> clock_minutes(const json& obj, std::string_view key, const std::string& pointer) {
    const json* v = member(obj, key);
    if (v == nullptr) {
      error(at(pointer, key), "missing; expected a local time \"HH:MM\"");
      return std::nullopt;
    }
    if (v->is_string()) {
      const std::string s = v->get<std::string>();
      if (s.size() == 5 && s[2] == ':' && std::isdigit(static_cast<unsigned char>(s[0])) &&
          std::isdigit(static_cast<unsigned char>(s[1])) && std::isdigit(static_cast<unsigned char>(s[3])) &&
          std::isdigit(static_cast<unsigned char>(s[4]))) {
        const int h = (s[0] - '0') * 10 + (s[1] - '0');
        const int m = (s[3] - '0') * 10 + (s[4] - '0');
        if ((h < 24 && m < 60) || (h == 24 && m == 0)) return h * 60 + m;
      }
    }
    error(at(pointer, key), "expected a local time \"HH:MM\" between 00:00 and 24:00, found " + json_found(*v));
    return std::nullopt;
  }

  // "maintenance": [{"instanceKeys": ["NA142"], "plannedStartTime": "...Z", "plannedEndTime": "...Z"}, ...]
  void read_maintenance(const json& root, std::vector<maintenance_window>& out) {
    const json* v = member(root, "maintenance");
    if (v == nullptr) return;
    if (!v->is_array()) {
      error(
          "/maintenance",
          "expected an array of {\"instanceKeys\", \"plannedStartTime\", \"plannedEndTime\"}, found " + json_found(*v));
      return;
    }
    for (std::size_t i = 0; i < v->size(); ++i) {
      const std::string p = at("/maintenance", i);
      if (!object((*v)[i], p, {"instanceKeys", "plannedStartTime", "plannedEndTime", "name"})) continue;
      maintenance_window m;
      if (auto keys = strings((*v)[i], "instanceKeys", p)) {
        for (auto& [name, ptr] : *keys) m.instances.push_back(name);
      }
      if (m.instances.empty()) error(at(p, "instanceKeys"), "expected at least one instance name");
      const auto s = instant((*v)[i], "plannedStartTime", p, true);
      const auto e = instant((*v)[i], "plannedEndTime", p, true);
      if (!s || !e || m.instances.empty()) continue;
      if (*e <= *s) {
        error(at(p, "plannedEndTime"), "expected a time after plannedStartTime");
        continue;
      }
      m.start = *s;
      m.end = *e;
      out.push_back(std::move(m));
    }
  }

  // "instance_queue": {"jobs_in_flight": 250, "job_duration": "45s"}, both required.
  void read_instance_queue(const json& root, std::optional<instance_queue_spec>& out) {
    const json* v = member(root, "instance_queue");
    if (v == nullptr) return;
    const std::string p = "/instance_queue";
    if (!object(*v, p, {"jobs_in_flight", "job_duration"})) return;
    const json* n = jr_.required(*v, p, "jobs_in_flight", "a whole number of jobs, at least 1");
    const json* d = jr_.required(*v, p, "job_duration", "a duration such as \"45s\"");
    const auto jobs = n ? unsigned_int(*v, "jobs_in_flight", p, 1, 1'000'000) : std::nullopt;
    const auto run = d ? span(*v, "job_duration", p, true) : std::nullopt;
    if (!jobs || !run) return;
    out = instance_queue_spec{static_cast<std::size_t>(*jobs), *run};
  }

  void read_windows(const json& root, window_spec& w) {
    const json* v = member(root, "windows");
    if (v == nullptr) return;
    const std::string p = "/windows";
    if (!object(*v, p,
                {"quiet_hours", "avoid_weekdays", "avoid_dates", "quarter_end_business_days", "freezes",
                 "default_time_zone", "instance_time_zones"})) {
      return;
    }
    if (const json* q = member(*v, "quiet_hours")) {
      const std::string qp = at(p, "quiet_hours");
      if (!q->is_array()) {
        error(qp, "expected an array of {\"start\": \"HH:MM\", \"end\": \"HH:MM\"}, found " + json_found(*q));
      } else if (q->empty()) {
        error(qp, "expected at least one range (omit quiet_hours to allow the whole day)");
      } else {
        for (std::size_t i = 0; i < q->size(); ++i) {
          const std::string rp = at(qp, i);
          if (!object((*q)[i], rp, {"start", "end"})) continue;
          const auto s = clock_minutes((*q)[i], "start", rp);
          const auto e = clock_minutes((*q)[i], "end", rp);
          if (!s || !e) continue;
          const int start_min = *s % 1440;  // "24:00" as a start is midnight
          if (start_min == *e) {
            error(rp, "impossible window: start equals end (an empty range; use 00:00-24:00 for the whole day)");
            continue;
          }
          w.quiet_hours.push_back({start_min, *e});
        }
      }
    }
    if (auto days = strings(*v, "avoid_weekdays", p)) {
      static constexpr std::string_view names[] = {"sunday",   "monday", "tuesday", "wednesday",
                                                   "thursday", "friday", "saturday"};
      for (const auto& [name, ptr] : *days) {
        std::string lower;
        for (const char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        int found = -1;
        for (int d = 0; d < 7; ++d) {
          if (lower == names[d] || (lower.size() == 3 && names[d].substr(0, 3) == lower)) found = d;
        }
        if (found < 0) error(ptr, "expected a weekday (\"Saturday\" or \"Sat\"), got \"" + name + "\"");
        else w.avoid_weekdays_mask = static_cast<std::uint8_t>(w.avoid_weekdays_mask | (1u << found));
      }
      if (w.avoid_weekdays_mask == 0x7f) error(at(p, "avoid_weekdays"), "impossible window: every weekday is avoided");
    }
    if (auto dates = strings(*v, "avoid_dates", p)) {
      for (const auto& [text, ptr] : *dates) {
        const auto r = text.size() == 10 ? parse_iso8601(text) : parse_time_result{std::nullopt, "not a date"};
        if (!r) error(ptr, "expected a local date \"YYYY-MM-DD\", got \"" + text + "\"");
        else w.avoid_dates.push_back(std::chrono::floor<std::chrono::days>(*r.time));
      }
      std::sort(w.avoid_dates.begin(), w.avoid_dates.end());
    }
    if (auto n = unsigned_int(*v, "quarter_end_business_days", p, 0, 60))
      w.quarter_end_business_days = static_cast<int>(*n);
    if (const json* f = member(*v, "freezes")) {
      const std::string fp = at(p, "freezes");
      if (!f->is_array()) {
        error(fp, "expected an array of {\"start\", \"end\", \"reason\"}, found " + json_found(*f));
      } else {
        for (std::size_t i = 0; i < f->size(); ++i) {
          const std::string rp = at(fp, i);
          if (!object((*f)[i], rp, {"start", "end", "reason"})) continue;
          const auto s = instant((*f)[i], "start", rp, true);
          const auto e = instant((*f)[i], "end", rp, true);
          const auto reason = string((*f)[i], "reason", rp);
          if (!s || !e) continue;
          if (*e <= *s) {
            error(at(rp, "end"), "impossible freeze: end must be after start");
            continue;
          }
          w.freezes.push_back({*s, *e, reason.value_or("")});
        }
      }
    }
    if (auto z = string(*v, "default_time_zone", p)) {
      if (!is_known_time_zone(*z))
        error(at(p, "default_time_zone"),
              "unknown time zone \"" + *z + "\" (expected an IANA name such as \"Europe/Berlin\")");
      else w.default_time_zone = *z;
    }
    if (const json* m = member(*v, "instance_time_zones")) {
      const std::string mp = at(p, "instance_time_zones");
      if (!m->is_object()) {
        error(mp, "expected an object {\"NA45\": \"America/Los_Angeles\"}, found " + json_found(*m));
      } else {
        for (const auto& [instance, zone] : m->items()) {
          const std::string zp = at(mp, instance);
          if (!zone.is_string()) error(zp, "expected an IANA time zone name, found " + json_found(zone));
          else if (!is_known_time_zone(zone.get<std::string>()))
            error(zp, "unknown time zone \"" + zone.get<std::string>() +
                          "\" (expected an IANA name such as \"Asia/Tokyo\")");
          else w.instance_time_zones.emplace_back(instance, zone.get<std::string>());
        }
      }
    }
  }

  void read_gates(const json& v, const std::string& p, gate_spec& g) {
    if (!object(v, p,
                {"max_failure_rate", "max_failed_orgs", "max_broken_signals", "halt_on_new_error_type", "min_samples"}))
      return;
    g.max_failure_rate = number(v, "max_failure_rate", p, 0.0, 1.0, false, "a rate in [0, 1]");
    if (auto n = unsigned_int(v, "max_failed_orgs", p)) g.max_failed_orgs = static_cast<std::size_t>(*n);
    if (auto n = unsigned_int(v, "max_broken_signals", p)) g.max_broken_signals = static_cast<std::size_t>(*n);
    if (auto b = boolean(v, "halt_on_new_error_type", p)) g.halt_on_new_error_type = *b;
    if (auto n = unsigned_int(v, "min_samples", p)) g.min_samples = static_cast<std::size_t>(*n);
  }

  void read_org_file(const std::string& file, const std::string& p, wave_selector& s) {
    std::string path = file;
    if (!path.empty() && path[0] != '/' && !options_.base_dir.empty()) path = options_.base_dir + "/" + path;
    std::ifstream in(path);
    if (!in) {
      error(p, "cannot read org file \"" + path + "\"");
      return;
    }
    std::string line;
    std::size_t line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == ',')) line.pop_back();
      const auto first = line.find_first_not_of(" \t");
      if (first == std::string::npos || line[first] == '#') continue;
      const std::string key = line.substr(first);
      if (auto k = normalize_org_key(key)) s.org_keys.push_back(*k);
      else
        error(p, "line " + std::to_string(line_no) + " of \"" + path +
                     "\": expected a 15- or 18-character org id, got \"" + key + "\"");
    }
  }

  void read_wave(const json& v, const std::string& p, std::size_t index, wave_spec& w) {
    w.name = "wave-" + std::to_string(index + 1);
    if (!object(v, p, {"name", "select", "strategy", "bake", "gates", "follow_the_sun"})) return;
    if (auto n = string(v, "name", p)) w.name = *n;
    if (auto st = string(v, "strategy", p)) {
      if (*st == "random") w.strategy = selection_strategy::random;
      else if (*st == "by_instance") w.strategy = selection_strategy::by_instance;
      else if (*st == "representative") w.strategy = selection_strategy::representative;
      else error(at(p, "strategy"), "expected \"random\", \"by_instance\" or \"representative\", got \"" + *st + "\"");
    }
    if (auto b = span(v, "bake", p)) w.bake = *b;
    if (auto f = boolean(v, "follow_the_sun", p)) w.follow_the_sun = *f;
    if (const json* g = member(v, "gates")) {
      w.gates.emplace();
      read_gates(*g, at(p, "gates"), *w.gates);
    }
    const json* sel = member(v, "select");
    if (sel == nullptr) return;
    const std::string sp = at(p, "select");
    wave_selector& s = w.select;
    if (!object(*sel, sp, {"org_types", "org_statuses", "instances", "orgs", "org_file", "share_percent", "max_orgs"}))
      return;
    if (auto types = strings(*sel, "org_types", sp)) {
      for (const auto& [name, ptr] : *types) {
        if (auto t = parse_org_type(name)) s.org_types.push_back(*t);
        else error(ptr, "expected \"Production\" or \"Sandbox\", got \"" + name + "\"");
      }
    }
    if (auto statuses = strings(*sel, "org_statuses", sp)) {
      for (const auto& [name, ptr] : *statuses) {
        if (auto st = parse_org_status(name)) s.org_statuses.push_back(*st);
        else error(ptr, "expected one of Active, Demo, Free, Inactive, Trial, got \"" + name + "\"");
      }
    }
    if (auto instances = strings(*sel, "instances", sp)) {
      for (auto& [name, ptr] : *instances) s.instances.push_back(name);
    }
    if (auto orgs = strings(*sel, "orgs", sp)) {
      s.has_org_list = true;
      for (const auto& [key, ptr] : *orgs) {
        if (auto k = normalize_org_key(key)) s.org_keys.push_back(*k);
        else error(ptr, "expected a 15- or 18-character org id, got \"" + key + "\"");
      }
    }
    if (auto file = string(*sel, "org_file", sp)) {
      s.has_org_list = true;
      s.org_file = *file;
      read_org_file(*file, at(sp, "org_file"), s);
    }
    std::sort(s.org_keys.begin(), s.org_keys.end());
    s.org_keys.erase(std::unique(s.org_keys.begin(), s.org_keys.end()), s.org_keys.end());
    s.share_percent = number(*sel, "share_percent", sp, 0.0, 100.0, true, "a share in percent in (0, 100]");
    if (auto n = unsigned_int(*sel, "max_orgs", sp, 1)) s.max_orgs = static_cast<std::size_t>(*n);
  }

  // "deadline": an instant (soft), or {"at": instant, "kind": "soft" | "api_retirement" | "compliance"}.
  void read_deadline(const json& root, plan& out) {
    const json* v = member(root, "deadline");
    if (v == nullptr || !v->is_object()) {
      out.deadline = instant(root, "deadline", "");
      return;
    }
    const std::string p = "/deadline";
    if (!object(*v, p, {"at", "kind"})) return;
    deadline_pointer_ = "/deadline/at";
    out.deadline = instant(*v, "at", p, true);
    const auto kind = string(*v, "kind", p);
    if (!kind) return;
    for (const auto k : {deadline_kind::soft, deadline_kind::api_retirement, deadline_kind::compliance}) {
      if (*kind == to_string(k)) {
        out.deadline_cost = k;
        return;
      }
    }
    error(at(p, "kind"), "expected \"soft\", \"api_retirement\" or \"compliance\", got \"" + *kind + "\"");
  }

  void read_gate_action(const json& root, plan& out) {
    const auto text = string(root, "gate_action", "");
    if (!text) return;
    if (auto a = parse_gate_action(*text)) out.on_gate_trip = *a;
    else error("/gate_action", "expected \"halt\" or \"pause:<duration>\" such as \"pause:4h\", got \"" + *text + "\"");
  }

  void read(const json& root, plan& out) {
    if (!object(root, "",
                {"name", "target", "start", "deadline", "seed", "slot_granularity", "expected_slot_duration",
                 "poll_interval", "windows", "concurrency", "api_budget", "retry", "job_creation", "gates",
                 "gate_action", "waves", "maintenance", "instance_queue"})) {
      return;
    }
    if (auto n = string(root, "name", "")) out.name = *n;
    read_target(root, out.target);
    const auto start = instant(root, "start", "", true);
    if (start) out.start = *start;
    read_deadline(root, out);
    read_gate_action(root, out);
    if (auto s = unsigned_int(root, "seed", "")) out.seed = *s;
    if (auto g = span(root, "slot_granularity", "", true)) {
      if (*g < std::chrono::minutes{1} || *g > std::chrono::hours{24} || g->count() % 1'000'000 != 0) {
        error("/slot_granularity", "expected a whole number of seconds between 1m and 1d");
      } else {
        out.slot_granularity = *g;
      }
    }
    if (auto d = span(root, "expected_slot_duration", "", true)) out.expected_slot_duration = *d;
    if (auto d = span(root, "poll_interval", "", true)) out.poll_interval = *d;
    read_windows(root, out.windows);
    read_maintenance(root, out.maintenance);
    read_instance_queue(root, out.instance_queue);

    if (const json* c = member(root, "concurrency")) {
      const std::string p = "/concurrency";
      if (object(*c, p, {"orgs_per_request", "max_jobs_in_flight", "max_jobs_in_flight_per_instance"})) {
        if (auto n = unsigned_int(*c, "orgs_per_request", p, 1, 1'000'000)) out.concurrency.orgs_per_request = *n;
        // No cap is the key left out (a cap of 0 would push nothing).
        if (auto n = unsigned_int(*c, "max_jobs_in_flight", p, 1)) out.concurrency.max_jobs_in_flight = *n;
        if (auto n = unsigned_int(*c, "max_jobs_in_flight_per_instance", p, 1)) {
          out.concurrency.max_jobs_in_flight_per_instance = *n;
        }
      }
    }
    if (const json* a = member(root, "api_budget")) {
      const std::string p = "/api_budget";
      if (object(*a, p, {"calls_per_24h", "reserve_calls"})) {
        if (auto n = unsigned_int(*a, "calls_per_24h", p, 1)) out.api_budget.calls_per_24h = *n;
        if (auto n = unsigned_int(*a, "reserve_calls", p)) out.api_budget.reserve_calls = *n;
        if (out.api_budget.calls_per_24h && out.api_budget.reserve_calls >= *out.api_budget.calls_per_24h) {
          error("/api_budget/reserve_calls",
                "expected less than calls_per_24h (" + std::to_string(*out.api_budget.calls_per_24h) + ")");
        }
      }
    }
    if (const json* r = member(root, "retry")) {
      const std::string p = "/retry";
      if (object(*r, p,
                 {"transient_error_types", "max_attempts", "initial_backoff", "max_backoff", "backoff_multiplier",
                  "jitter"})) {
        if (auto types = strings(*r, "transient_error_types", p)) {
          out.retry.transient_error_types.clear();
          for (const auto& [name, ptr] : *types) {
            const bool call_code = !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
              return (ch >= 'A' && ch <= 'Z') || ch == '_' || (ch >= '0' && ch <= '9');
            });
            if (!known_error_types().contains(name) && !call_code) {
              error(ptr,
                    "expected an ErrorType (ApexTestFailure, DeployError, FeatureMissing, IneligibleUpgrade, "
                    "LimitExceeded, LockingFailure, PACError, UnclassifiedError) or an API error code such as "
                    "UNKNOWN_EXCEPTION, got \"" +
                        name + "\"");
            } else {
              out.retry.transient_error_types.push_back(name);
            }
          }
        }
        if (auto n = unsigned_int(*r, "max_attempts", p, 1, 100)) out.retry.max_attempts = static_cast<int>(*n);
        if (auto d = span(*r, "initial_backoff", p, true)) out.retry.initial_backoff = *d;
        if (auto d = span(*r, "max_backoff", p, true)) out.retry.max_backoff = *d;
        if (out.retry.max_backoff < out.retry.initial_backoff)
          error("/retry/max_backoff", "expected at least initial_backoff");
        if (auto m = number(*r, "backoff_multiplier", p, 1.0, 100.0, false, "a multiplier in [1, 100]"))
          out.retry.backoff_multiplier = *m;
        if (auto j = number(*r, "jitter", p, 0.0, 1.0, false, "a fraction in [0, 1]")) out.retry.jitter = *j;
      }
    }
    if (const json* j = member(root, "job_creation")) {
      const std::string p = "/job_creation";
      if (object(*j, p, {"mode", "batch_size"})) {
        if (auto m = string(*j, "mode", p)) {
          if (*m == "composite_tree") out.job_creation.mode = job_creation_mode::composite_tree;
          else if (*m == "sobject_collections") out.job_creation.mode = job_creation_mode::sobject_collections;
          else error(at(p, "mode"), "expected \"composite_tree\" or \"sobject_collections\", got \"" + *m + "\"");
        }
        if (auto n = unsigned_int(*j, "batch_size", p, 1, 200)) out.job_creation.batch_size = *n;
      }
    }
    if (const json* g = member(root, "gates")) read_gates(*g, "/gates", out.gates);

    const json* waves = member(root, "waves");
    if (waves == nullptr) {
      error("/waves", "missing; expected a non-empty array of waves");
    } else if (!waves->is_array() || waves->empty()) {
      error("/waves", "expected a non-empty array of waves, got " +
                          (waves->is_array() ? std::string("an empty array") : json_found(*waves)));
    } else {
      std::set<std::string, std::less<>> names;
      for (std::size_t i = 0; i < waves->size(); ++i) {
        wave_spec w;
        read_wave((*waves)[i], at("/waves", i), i, w);
        if (!names.insert(w.name).second) error(at(at("/waves", i), "name"), "duplicate wave name \"" + w.name + "\"");
        out.waves.push_back(std::move(w));
      }
      if (out.waves.size() > 65535) error("/waves", "expected at most 65535 waves");
      if (!out.waves.empty() && out.waves.back().follow_the_sun) {
        error(
            at(at("/waves", out.waves.size() - 1), "follow_the_sun"),
            "expected false or absent on the last wave (follow_the_sun hands over to the next wave, and there is none)");
      }
    }

    // Cross-field checks.
    if (start && out.deadline) {
      if (*out.deadline <= *start) {
        error(deadline_pointer_, "deadline in the past: " + format_iso8601(*out.deadline) +
                                     " is not after the plan start " + format_iso8601(*start));
      } else if (options_.now && *out.deadline <= *options_.now) {
        error(deadline_pointer_, "deadline in the past: " + format_iso8601(*out.deadline) + " is not after now (" +
                                     format_iso8601(*options_.now) + ")");
      }
    }
    if (start) {
      const time_point end = out.deadline.value_or(*start + default_horizon);
      // Is some part of [start, end) outside every freeze?
      std::vector<freeze_period> f = out.windows.freezes;
      std::sort(f.begin(), f.end(), [](const freeze_period& a, const freeze_period& b) { return a.start < b.start; });
      time_point covered = *start;
      for (const auto& fp : f) {
        if (fp.start > covered) break;
        covered = std::max(covered, fp.end);
      }
      if (!f.empty() && covered >= end) {
        error("/windows/freezes", "impossible window: freeze periods cover the whole time from start to deadline");
      }
    }
  }

 private:
  const plan_parse_options& options_;
  std::string deadline_pointer_ = "/deadline";  // where the deadline instant was written
  json_reader jr_;
};

}  // namespace

plan_parse_result parse_plan(std::string_view json_text, const plan_parse_options& options) {
  plan_parse_result result;
  auto root = parse_json_text(json_text, options.file, result.errors);
  if (!root) return result;
  if (options.default_start && root->is_object() && !root->contains("start")) {
    root->emplace("start", format_iso8601(*options.default_start));
  }
  plan p;
  reader r(result.errors, options);
  r.read(*root, p);
  if (result.errors.empty()) result.value = std::move(p);
  return result;
}

plan_parse_result load_plan_file(const std::string& path, plan_parse_options options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    plan_parse_result r;
    r.errors.push_back({path, "", "cannot read the plan file"});
    return r;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (options.base_dir.empty()) {
    const auto slash = path.find_last_of('/');
    options.base_dir = slash == std::string::npos ? std::string(".") : path.substr(0, slash);
  }
  if (options.file.empty()) options.file = path;
  return parse_plan(text.str(), options);
}

}  // namespace pushsim::scheduler
