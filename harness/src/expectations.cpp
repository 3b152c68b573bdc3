#include "pushsim/harness/expectations.hpp"

#include "pushsim/harness/study_expectations.hpp"

namespace pushsim::harness {

namespace {

const nlohmann::json* find_metric(const nlohmann::json& metrics, const std::string& name) {
  if (!name.empty() && name[0] == '/') {
    try {
      const nlohmann::json::json_pointer p(name);
      if (metrics.contains(p)) return &metrics.at(p);
    } catch (const nlohmann::json::exception&) {
    }
    return nullptr;
  }
  const auto it = metrics.find(name);
  return it == metrics.end() ? nullptr : &*it;
}

bool bound_ok(const nlohmann::json& v) { return v.is_number(); }

}  // namespace

std::vector<input_error> validate_expectations(const nlohmann::json& expect, const nlohmann::json& known,
                                               const std::string& file) {
  std::vector<input_error> errors;
  if (!expect.is_object()) {
    errors.push_back({file, "/expect", "expected an object of metric assertions"});
    return errors;
  }
  for (const auto& [name, rule] : expect.items()) {
    if (is_statistical_expectation(rule)) continue;  // checked by `pushsim study`
    const std::string where = "/expect/" + pointer_token(name);
    const bool is_pointer = !name.empty() && name[0] == '/';
    if (!is_pointer && !known.contains(name)) {
      std::string names;
      for (const auto& [k, v] : known.items()) names += (names.empty() ? "" : ", ") + k;
      errors.push_back({file, where, "unknown metric '" + name + "' (metrics: " + names + ")"});
      continue;
    }
    if (rule.is_object()) {
      if (rule.empty()) errors.push_back({file, where, "empty assertion; use min, max or equals"});
      for (const auto& [op, bound] : rule.items()) {
        if (op == "min" || op == "max") {
          if (!bound_ok(bound)) errors.push_back({file, where + "/" + op, "expected a number, found " + bound.dump()});
        } else if (op != "equals") {
          errors.push_back({file, where + "/" + pointer_token(op), "unknown assertion '" + op + "' (use min, max or equals)"});
        }
      }
    } else if (!rule.is_primitive()) {
      errors.push_back({file, where, "expected a value or an object with min/max/equals"});
    }
  }
  return errors;
}

std::vector<expectation_result> check_expectations(const nlohmann::json& expect, const nlohmann::json& metrics) {
  std::vector<expectation_result> out;
  if (!expect.is_object()) return out;
  for (const auto& [name, rule] : expect.items()) {
    if (is_statistical_expectation(rule)) continue;
    expectation_result r;
    r.metric = name;
    const nlohmann::json* actual = find_metric(metrics, name);
    r.actual = actual ? actual->dump() : "missing";
    bool ok = actual != nullptr;
    std::string text;
    auto add = [&](const std::string& t) { text += (text.empty() ? "" : " and ") + t; };
    if (rule.is_object()) {
      if (const auto it = rule.find("min"); it != rule.end()) {
        add(">= " + it->dump());
        ok = ok && actual->is_number() && actual->get<double>() >= it->get<double>();
      }
      if (const auto it = rule.find("max"); it != rule.end()) {
        add("<= " + it->dump());
        ok = ok && actual->is_number() && actual->get<double>() <= it->get<double>();
      }
      if (const auto it = rule.find("equals"); it != rule.end()) {
        add("== " + it->dump());
        ok = ok && *actual == *it;
      }
    } else {
      add("== " + rule.dump());
      ok = ok && (*actual == rule || (actual->is_number() && rule.is_number() &&
                                       actual->get<double>() == rule.get<double>()));
    }
    r.expected = text;
    r.passed = ok;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace pushsim::harness
