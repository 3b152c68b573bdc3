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

std::optional<nlohmann::json> bound(const nlohmann::json& rule, const char* op, json_reader& r,
                                    const std::string& where) {
  const nlohmann::json* v = json_reader::member(rule, op);
  if (v == nullptr || !r.number(*v, where + "/" + op)) return std::nullopt;
  return *v;
}

std::optional<expectation> parse_one(const std::string& name, const nlohmann::json& rule, json_reader& r,
                                     const std::string& where) {
  expectation e;
  e.metric = name;
  if (rule.is_primitive()) {
    e.literal = true;
    e.equals = rule;
    return e;
  }
  if (!rule.is_object()) return r.expected(rule, where, "a value or an object with min, max or equals"), std::nullopt;
  if (rule.empty()) return r.error(where, "empty assertion; use min, max or equals"), std::nullopt;
  r.object(rule, where, {"min", "max", "equals"});
  e.min = bound(rule, "min", r, where);
  e.max = bound(rule, "max", r, where);
  if (const auto* v = json_reader::member(rule, "equals")) e.equals = *v;
  return e;
}

}  // namespace

std::vector<expectation> parse_expectations(const nlohmann::json& expect, json_reader& r, const std::string& pointer,
                                            const nlohmann::json& known) {
  std::vector<expectation> out;
  if (!expect.is_object()) return r.expected(expect, pointer, "an object of metric assertions"), out;
  for (const auto& [name, rule] : expect.items()) {
    if (is_statistical_expectation(rule)) continue;  // parsed by parse_study_expectations
    const std::string where = json_child_pointer(pointer, name);
    const bool is_pointer = !name.empty() && name[0] == '/';
    if (!is_pointer && !known.contains(name)) {
      std::string names;
      for (const auto& [k, v] : known.items()) names += (names.empty() ? "" : ", ") + k;
      r.error(where, "unknown metric \"" + name + "\" (metrics: " + names + ")");
      continue;
    }
    if (auto e = parse_one(name, rule, r, where)) out.push_back(std::move(*e));
  }
  return out;
}

std::vector<expectation_result> check_expectations(const std::vector<expectation>& expect,
                                                   const nlohmann::json& metrics) {
  std::vector<expectation_result> out;
  for (const auto& e : expect) {
    expectation_result r;
    r.metric = e.metric;
    const nlohmann::json* actual = find_metric(metrics, e.metric);
    r.actual = actual ? actual->dump() : "missing";
    bool ok = actual != nullptr;
    std::string text;
    auto add = [&](const std::string& t) { text += (text.empty() ? "" : " and ") + t; };
    if (e.min) {
      add(">= " + e.min->dump());
      ok = ok && actual->is_number() && actual->get<double>() >= e.min->get<double>();
    }
    if (e.max) {
      add("<= " + e.max->dump());
      ok = ok && actual->is_number() && actual->get<double>() <= e.max->get<double>();
    }
    if (e.equals) {
      add("== " + e.equals->dump());
      const bool same_number = e.literal && actual && actual->is_number() && e.equals->is_number() &&
                               actual->get<double>() == e.equals->get<double>();
      ok = ok && (*actual == *e.equals || same_number);
    }
    r.expected = text;
    r.passed = ok;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace pushsim::harness
