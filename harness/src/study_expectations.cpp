#include "pushsim/harness/study_expectations.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace pushsim::harness {

namespace {

constexpr std::array numeric_keys{"mean_min", "mean_max", "p5_min", "p50_max", "p95_max", "max_max"};
constexpr std::array boolean_keys{"probability_min", "probability_max"};

template <std::size_t N>
bool member(const std::array<const char*, N>& keys, const std::string& key) {
  return std::any_of(keys.begin(), keys.end(), [&](const char* k) { return key == k; });
}

template <std::size_t N>
std::string listed(const std::array<const char*, N>& keys) {
  std::string out;
  for (const char* k : keys) out += (out.empty() ? "" : ", ") + std::string(k);
  return out;
}

const study_metric* find_study_metric(const std::string& name) {
  for (const auto& m : study_metrics()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

double figure(const metric_summary& s, const std::string& key) {
  if (key.starts_with("probability")) return s.proportion.proportion;
  if (key.starts_with("mean")) return s.sample.mean;
  if (key == "p5_min") return s.sample.p5;
  if (key == "p50_max") return s.sample.p50;
  if (key == "p95_max") return s.sample.p95;
  return s.sample.max;
}

bool single_run_rule(const nlohmann::json& rule) {
  if (!rule.is_object()) return true;
  for (const auto& [key, bound] : rule.items()) {
    if (key != "min" && key != "max" && key != "equals") return false;
  }
  return !rule.empty();
}

// A bound as written: whole numbers without a fraction.
std::string bound_text(double v) {
  if (v == std::floor(v) && std::abs(v) < 9e15) return std::to_string(static_cast<long long>(v));
  return nlohmann::json(v).dump();
}

}  // namespace

bool is_statistical_expectation(const nlohmann::json& rule) {
  if (!rule.is_object()) return false;
  for (const auto& [key, bound] : rule.items()) {
    if (member(numeric_keys, key) || member(boolean_keys, key)) return true;
  }
  return false;
}

std::vector<study_expectation> parse_study_expectations(const nlohmann::json& expect, json_reader& r,
                                                        const std::string& pointer) {
  std::vector<study_expectation> out;
  if (!expect.is_object()) return out;  // parse_expectations says so
  for (const auto& [name, rule] : expect.items()) {
    if (single_run_rule(rule)) continue;  // checked by `pushsim run`
    const std::string where = json_child_pointer(pointer, name);
    const study_metric* m = find_study_metric(name);
    if (!m) {
      std::string names;
      for (const auto& s : study_metrics()) names += (names.empty() ? "" : ", ") + s.name;
      r.error(where, "unknown metric \"" + name + "\" for a study (metrics: " + names + ")");
      continue;
    }
    const std::string keys = m->boolean ? listed(boolean_keys) : listed(numeric_keys);
    if (!rule.is_object() || rule.empty()) {
      r.expected(rule, where, "an object with " + keys);
      continue;
    }
    for (const auto& [key, bound] : rule.items()) {
      const std::string at = json_child_pointer(where, key);
      const bool known = m->boolean ? member(boolean_keys, key) : member(numeric_keys, key);
      if (!known) {
        r.error(at, "unknown statistical expectation \"" + key + "\" (use " + keys + ")");
      } else if (const auto v = r.number(bound, at)) {
        out.push_back({name, key, *v});
      }
    }
  }
  return out;
}

std::vector<expectation_result> check_study_expectations(const std::vector<study_expectation>& expectations,
                                                         const std::vector<metric_summary>& summaries,
                                                         const std::string& plan) {
  std::vector<expectation_result> out;
  for (const auto& e : expectations) {
    const auto it =
        std::find_if(summaries.begin(), summaries.end(), [&](const auto& s) { return s.metric == e.metric; });
    expectation_result r;
    r.metric = plan + ": " + e.metric;
    const bool is_min = e.key.ends_with("_min");
    const std::string what = e.key.substr(0, e.key.rfind('_'));
    r.expected = what + (is_min ? " >= " : " <= ") + bound_text(e.bound);
    const std::uint64_t n = it == summaries.end() ? 0 : (it->boolean ? it->proportion.n : it->sample.n);
    if (n == 0) {
      r.actual = "missing";
      r.passed = false;
    } else {
      const double v = figure(*it, e.key);
      r.actual = nlohmann::json(v).dump();
      r.passed = is_min ? v >= e.bound : v <= e.bound;
    }
    out.push_back(std::move(r));
  }
  return out;
}

study_section parse_study_section(const nlohmann::json& study, json_reader& r, const std::string& pointer) {
  study_section out;
  if (!r.object(study, pointer, {"replications", "confidence", "vary"})) return out;
  if (const auto* v = json_reader::member(study, "replications")) {
    out.replications = r.uint64(*v, pointer + "/replications", 2, 10'000'000);
  }
  if (const auto* v = json_reader::member(study, "confidence")) {
    const std::string at = pointer + "/confidence";
    if (const auto c = r.number(*v, at)) {
      if (*c > 0.5 && *c < 0.999) out.confidence = c;
      else r.expected(*v, at, "a number in (0.5, 0.999)");
    }
  }
  if (const auto* v = json_reader::member(study, "vary")) {
    const auto text = r.string(*v, pointer + "/vary");
    if (text == "population") out.vary = vary_mode::population;
    else if (text == "platform") out.vary = vary_mode::platform;
    else if (text) r.expected(*v, pointer + "/vary", "\"population\" or \"platform\"");
  }
  return out;
}

}  // namespace pushsim::harness
