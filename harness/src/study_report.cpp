#include "pushsim/harness/study_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <sstream>

#include "pushsim/base/csv_text.hpp"
#include "pushsim/base/random.hpp"
#include "pushsim/base/version.hpp"
#include "pushsim/base/xml_text.hpp"

namespace pushsim::harness {

namespace {

// Shortest text that reads back as the same double (JSON numbers and CSV cells).
// Whole numbers without a fraction ("185", not "185.0").
std::string number_text(double v) {
  if (v == std::floor(v) && std::abs(v) < 9e15) return std::to_string(static_cast<long long>(v));
  return nlohmann::json(v).dump();
}

nlohmann::json sample_json(const sim::sample_summary& s) {
  return {{"n", s.n},     {"mean", s.mean}, {"sd", s.sd},   {"ci_low", s.ci.low}, {"ci_high", s.ci.high},
          {"min", s.min}, {"p5", s.p5},     {"p50", s.p50}, {"p95", s.p95},       {"max", s.max}};
}

nlohmann::json plans_json(const study_report& r, const study_point& point) {
  nlohmann::json plans = nlohmann::json::array();
  for (std::size_t p = 0; p < r.plans.size(); ++p) {
    nlohmann::json metrics = nlohmann::json::object();
    for (const auto& s : point.result.accumulator.summarize_plan(p, r.confidence)) {
      metrics[s.metric] = s.boolean ? nlohmann::json{{"n", s.proportion.n},
                                                     {"proportion", s.proportion.proportion},
                                                     {"ci_low", s.proportion.ci.low},
                                                     {"ci_high", s.proportion.ci.high}}
                                    : sample_json(s.sample);
    }
    plans.push_back({{"name", r.plans[p]}, {"metrics", std::move(metrics)}});
  }
  return plans;
}

nlohmann::json comparisons_json(const study_report& r, const study_point& point) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : point.result.accumulator.compare(r.confidence)) {
    out.push_back({{"plan", r.plans[c.plan]},
                   {"baseline", r.plans[0]},
                   {"metric", c.metric},
                   {"n", c.difference.n},
                   {"mean_difference", c.difference.mean},
                   {"ci_low", c.difference.ci.low},
                   {"ci_high", c.difference.ci.high},
                   {"significant", c.significant}});
  }
  return out;
}

nlohmann::json precision_json(const study_report& r, const study_point& point) {
  if (!r.precision) return nullptr;
  return {{"target", *r.precision},
          {"reached", point.result.precision_reached},
          {"precise_metrics", point.result.precise},
          {"imprecise_metrics", point.result.imprecise}};
}

// A duration in hours ("26.4 h"), or a number with sensible decimals.
std::string show(double v, bool duration) {
  std::ostringstream s;
  s << std::fixed;
  if (duration) {
    s << std::setprecision(2) << v / 3600.0 << " h";
  } else {
    s << std::setprecision(std::abs(v) >= 100 || v == std::floor(v) ? 1 : 3) << v;
  }
  return s.str();
}

bool is_duration(const std::string& metric) {
  const auto& ms = study_metrics();
  const auto it = std::find_if(ms.begin(), ms.end(), [&](const auto& m) { return m.name == metric; });
  return it != ms.end() && it->duration;
}

void print_plan_table(std::ostream& out, const study_report& r, const study_point& point, std::size_t plan) {
  const int pct = static_cast<int>(std::lround(r.confidence * 100));
  out << "\nplan " << r.plans[plan] << "\n";
  out << "  " << std::left << std::setw(28) << "metric" << std::right << std::setw(14) << "mean"
      << "   " << std::left << std::setw(32) << (std::to_string(pct) + "% interval") << std::right << std::setw(14)
      << "p95"
      << "\n";
  for (const auto& s : point.result.accumulator.summarize_plan(plan, r.confidence)) {
    out << "  " << std::left << std::setw(28) << s.metric << std::right;
    if (s.boolean) {
      out << std::setw(14) << show(s.proportion.proportion, false) << "   " << std::left << std::setw(32)
          << ("[" + show(s.proportion.ci.low, false) + ", " + show(s.proportion.ci.high, false) + "]") << std::right
          << std::setw(14) << "(share)";
    } else {
      const bool d = is_duration(s.metric);
      out << std::setw(14) << show(s.sample.mean, d) << "   " << std::left << std::setw(32)
          << ("[" + show(s.sample.ci.low, d) + ", " + show(s.sample.ci.high, d) + "]") << std::right << std::setw(14)
          << show(s.sample.p95, d);
    }
    out << "\n";
  }
}

void print_comparisons(std::ostream& out, const study_report& r, const study_point& point) {
  const int pct = static_cast<int>(std::lround(r.confidence * 100));
  std::size_t plan = 0;
  for (const auto& c : point.result.accumulator.compare(r.confidence)) {
    if (c.plan != plan) {
      plan = c.plan;
      out << "\npaired differences: " << r.plans[plan] << " - " << r.plans[0] << " (same seeds)\n";
      out << "  " << std::left << std::setw(28) << "metric" << std::right << std::setw(14) << "difference"
          << "   " << std::left << std::setw(32) << (std::to_string(pct) + "% interval") << "significant\n";
    }
    const bool d = is_duration(c.metric);
    out << "  " << std::left << std::setw(28) << c.metric << std::right << std::setw(14) << show(c.difference.mean, d)
        << "   " << std::left << std::setw(32)
        << ("[" + show(c.difference.ci.low, d) + ", " + show(c.difference.ci.high, d) + "]")
        << (c.significant ? "yes" : "no") << "\n";
  }
}

void print_sensitivity(std::ostream& out, const study_report& r) {
  out << "\nsensitivity (first plan's mean at the lowest and highest value of each swept input, largest swing first)\n";
  int shown = 0;
  for (const auto& row : r.sensitivity) {
    if (row.swing == 0.0 || ++shown > 15) continue;
    const bool d = is_duration(row.metric);
    out << "  " << std::left << std::setw(28) << row.metric << std::right << std::setw(12) << show(row.at_low, d)
        << " -> " << std::left << std::setw(12) << show(row.at_high, d) << " across " << row.pointer << " "
        << row.low.dump() << " .. " << row.high.dump() << "\n";
  }
}

}  // namespace

bool study_report::expectations_passed() const {
  return std::all_of(expectations.begin(), expectations.end(), [](const auto& e) { return e.passed; });
}

std::string study_report::digest() const {
  std::uint64_t state = 0;
  for (const auto& p : points) state ^= splitmix64(state) ^ hash_name(p.result.accumulator.digest_hex());
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(splitmix64(state)));
  return text;
}

std::string render_study_json(const study_report& r) {
  nlohmann::json j = {{"scenario", r.scenario_name},
                      {"scenario_file", r.scenario_file},
                      {"seed", r.seed},
                      {"replications", r.points.front().result.accumulator.replications()},
                      {"confidence", r.confidence},
                      {"vary", to_string(r.vary)},
                      {"pushsim_version", std::string(pushsim::version())}};
  if (!r.swept) {
    j["plans"] = plans_json(r, r.points.front());
    j["comparisons"] = comparisons_json(r, r.points.front());
    if (r.precision) j["precision"] = precision_json(r, r.points.front());
  } else {
    nlohmann::json sweep = nlohmann::json::array();
    for (const auto& point : r.points) {
      sweep.push_back({{"set", point.set},
                       {"replications", point.result.accumulator.replications()},
                       {"plans", plans_json(r, point)},
                       {"comparisons", comparisons_json(r, point)}});
      if (r.precision) sweep.back()["precision"] = precision_json(r, point);
    }
    j["sweep"] = std::move(sweep);
    nlohmann::json sens = nlohmann::json::array();
    for (const auto& row : r.sensitivity) {
      sens.push_back({{"pointer", row.pointer},
                      {"metric", row.metric},
                      {"low", row.low},
                      {"high", row.high},
                      {"at_low", row.at_low},
                      {"at_high", row.at_high},
                      {"swing", row.swing}});
    }
    j["sensitivity"] = std::move(sens);
  }
  nlohmann::json expectations = nlohmann::json::array();
  for (const auto& e : r.expectations) {
    expectations.push_back(
        {{"metric", e.metric}, {"expected", e.expected}, {"actual", e.actual}, {"passed", e.passed}});
  }
  j["expectations"] = std::move(expectations);
  j["digest"] = r.digest();
  return j.dump(2) + "\n";
}

std::string render_study_junit(const study_report& r) {
  int failures = 0;
  for (const auto& e : r.expectations) failures += e.passed ? 0 : 1;
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites tests=\"" << r.expectations.size() << "\" failures=\"" << failures << "\">\n";
  out << "  <testsuite name=\"" << xml_escape(r.scenario_name + " (study)") << "\" tests=\"" << r.expectations.size()
      << "\" failures=\"" << failures << "\" errors=\"0\">\n";
  out << "    <properties>\n      <property name=\"seed\" value=\"" << r.seed << "\"/>\n"
      << "      <property name=\"replications\" value=\"" << r.points.front().result.accumulator.replications()
      << "\"/>\n      <property name=\"digest\" value=\"" << r.digest() << "\"/>\n"
      << "      <property name=\"pushsim_version\" value=\"" << xml_escape(std::string(pushsim::version()))
      << "\"/>\n    </properties>\n";
  for (const auto& e : r.expectations) {
    out << "    <testcase classname=\"" << xml_escape(r.scenario_name) << "\" name=\""
        << xml_escape(e.metric + " " + e.expected) << "\">";
    if (!e.passed) {
      out << "\n      <failure message=\"" << xml_escape(e.metric + ": expected " + e.expected + ", got " + e.actual)
          << "\"/>\n    ";
    }
    out << "</testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

namespace {

// " (precision reached: ...)" or " (the maximum; ... met by N of M metrics, still above for a, b)".
void print_precision(std::ostream& out, double target, const study_result& result) {
  const std::size_t numeric = result.precise.size() + result.imprecise.size();
  if (result.precision_reached) {
    out << " (precision reached: every relative half-width <= " << target << ", all " << numeric << " numeric metrics)";
    return;
  }
  out << " (the maximum; relative half-width <= " << target << " for " << result.precise.size() << " of " << numeric
      << " numeric metrics, still above for";
  for (std::size_t i = 0; i < result.imprecise.size(); ++i) out << (i == 0 ? " " : ", ") << result.imprecise[i];
  out << ")";
}

}  // namespace

void print_study_summary(std::ostream& out, const study_report& r) {
  out << "Study: " << r.scenario_name << " (" << r.scenario_file << ")\n";
  out << "  seed " << r.seed << ", vary " << to_string(r.vary) << ", confidence " << r.confidence << "\n";
  for (const auto& point : r.points) {
    if (r.swept) out << "\n== at " << point.set.dump() << "\n";
    out << "  replications: " << point.result.accumulator.replications();
    if (r.precision) print_precision(out, *r.precision, point.result);
    out << "\n";
    for (std::size_t p = 0; p < r.plans.size(); ++p) print_plan_table(out, r, point, p);
    print_comparisons(out, r, point);
  }
  if (r.swept) print_sensitivity(out, r);
  for (const auto& e : r.expectations) {
    out << (e.passed ? "  ok    " : "  FAIL  ") << e.metric << " " << e.expected << " (got " << e.actual << ")\n";
  }
  out << "digest " << r.digest() << "\n";
}

std::string study_csv_header(bool swept) {
  std::string h = swept ? "point,replication,plan,seed" : "replication,plan,seed";
  for (const auto& m : study_metrics()) h += "," + m.name;
  return h + "\n";
}

std::string study_csv_rows(const std::vector<replication_row>& rows, const std::vector<std::string>& plans,
                           std::optional<std::size_t> point) {
  std::string out;
  for (const auto& row : rows) {
    if (point) out += std::to_string(*point) + ",";
    out += std::to_string(row.index) + "," + csv_field(plans[row.plan]) + "," + std::to_string(row.seed);
    for (const auto& v : row.values) out += "," + (v ? number_text(*v) : std::string());
    out += "\n";
  }
  return out;
}

}  // namespace pushsim::harness
