#include "pushsim/harness/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "pushsim/base/csv_text.hpp"
#include "pushsim/base/version.hpp"
#include "pushsim/base/xml_text.hpp"

namespace pushsim::harness {

bool rehearsal_report::expectations_passed() const {
  return std::all_of(expectations.begin(), expectations.end(), [](const auto& e) { return e.passed; });
}

namespace {

std::string fmt(double v, int decimals = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string human_duration(double s) {
  if (s < 0) return "n/a";
  if (s < 120) return fmt(s, 0) + " s";
  if (s < 7200) return fmt(s / 60, 1) + " min";
  if (s < 172800) return fmt(s / 3600, 1) + " h";
  return fmt(s / 86400, 1) + " days";
}

double num(const nlohmann::json& m, const char* key, double fallback = 0) {
  const auto it = m.find(key);
  return (it != m.end() && it->is_number()) ? it->get<double>() : fallback;
}

}  // namespace

std::string render_json(const rehearsal_report& r) {
  nlohmann::json j;
  j["scenario"] = r.scenario_name;
  j["scenario_file"] = r.scenario_file;
  j["seed"] = r.seed;
  j["reproduce"] = r.reproduce_command;
  j["pushsim_version"] = std::string(pushsim::version());
  j["metrics"] = r.metrics;
  j["deadline"] =
      r.deadline ? nlohmann::json{{"at", format_iso8601(*r.deadline)}, {"kind", r.deadline_kind}} : nlohmann::json();
  auto& waves = j["waves"] = nlohmann::json::array();
  for (const auto& w : r.waves) {
    waves.push_back({{"wave", w.wave},
                     {"name", w.name},
                     {"orgs_planned", w.orgs_planned},
                     {"orgs_upgraded", w.orgs_upgraded},
                     {"orgs_failed", w.orgs_failed},
                     {"orgs_broken", w.orgs_broken},
                     {"orgs_not_pushed", w.orgs_not_pushed},
                     {"first_start", w.first_start ? nlohmann::json(format_iso8601(*w.first_start)) : nlohmann::json()},
                     {"last_end", w.last_end ? nlohmann::json(format_iso8601(*w.last_end)) : nlohmann::json()},
                     {"gate", w.gate}});
  }
  auto& timeline = j["timeline"] = nlohmann::json::array();
  for (const auto& b : r.timeline) {
    timeline.push_back({{"hour", format_iso8601(b.hour)},
                        {"upgrades", b.upgrades},
                        {"failures", b.failures},
                        {"breakage_signals", b.breakage_signals}});
  }
  j["blast_radius_by_cause"] = r.blast_by_cause;
  j["blast_radius_by_customization"] = r.blast_by_customization;
  auto& ex = j["expectations"] = nlohmann::json::array();
  for (const auto& e : r.expectations) {
    ex.push_back({{"metric", e.metric}, {"expected", e.expected}, {"actual", e.actual}, {"passed", e.passed}});
  }
  return j.dump(2) + "\n";
}

std::string render_csv(const rehearsal_report& r) {
  std::string out =
      "OrganizationId,OrgName,OrgType,OrgStatus,InstanceName,ErrorSeverity,ErrorTitle,ErrorType,ErrorMessage,Broken,Cause\n";
  for (const auto& o : r.harmed_orgs) {
    out += csv_field(o.organization_id) + ',' + csv_field(o.org_name) + ',' + csv_field(o.org_type) + ',' +
           csv_field(o.org_status) + ',' + csv_field(o.instance_name) + ',' + csv_field(o.error_severity) + ',' +
           csv_field(o.error_title) + ',' + csv_field(o.error_type) + ',' + csv_field(o.error_message) + ',' +
           (o.broken ? "true" : "false") + ',' + csv_field(o.cause) + '\n';
  }
  return out;
}

std::string render_junit(const rehearsal_report& r) {
  int failures = 0;
  for (const auto& e : r.expectations) failures += e.passed ? 0 : 1;
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites tests=\"" << r.expectations.size() << "\" failures=\"" << failures << "\">\n";
  out << "  <testsuite name=\"" << xml_escape(r.scenario_name) << "\" tests=\"" << r.expectations.size()
      << "\" failures=\"" << failures << "\" errors=\"0\" time=\"" << fmt(num(r.metrics, "wall_s"), 3) << "\">\n";
  out << "    <properties>\n";
  out << "      <property name=\"seed\" value=\"" << r.seed << "\"/>\n";
  if (r.metrics.contains("digest")) {
    out << "      <property name=\"digest\" value=\"" << xml_escape(r.metrics["digest"].get<std::string>()) << "\"/>\n";
  }
  out << "      <property name=\"reproduce\" value=\"" << xml_escape(r.reproduce_command) << "\"/>\n";
  out << "      <property name=\"pushsim_version\" value=\"" << xml_escape(std::string(pushsim::version())) << "\"/>\n";
  out << "    </properties>\n";
  for (const auto& e : r.expectations) {
    out << "    <testcase classname=\"" << xml_escape(r.scenario_name) << "\" name=\""
        << xml_escape(e.metric + " " + e.expected) << "\">";
    if (!e.passed) {
      out << "\n      <failure message=\"" << xml_escape(e.metric + ": expected " + e.expected + ", got " + e.actual)
          << "\">" << xml_escape("reproduce: " + r.reproduce_command) << "</failure>\n    ";
    }
    out << "</testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

namespace {

// A horizontal bar chart as inline SVG; `id` names it in the page (the browser test finds the charts by id).
std::string svg_bars(const char* id, const std::map<std::string, int>& data, const char* color) {
  if (data.empty()) return "<p class=\"muted\">None.</p>";
  std::vector<std::pair<std::string, int>> rows(data.begin(), data.end());
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  const int max_value = std::max(1, rows.front().second);
  const int row_h = 24, label_w = 230, bar_w = 420;
  std::ostringstream s;
  s << "<svg id=\"" << id << "\" class=\"bars\" width=\"" << label_w + bar_w + 80 << "\" height=\""
    << rows.size() * row_h + 8 << "\" role=\"img\">";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const int y = static_cast<int>(i) * row_h + 4;
    const int w = std::max(1, rows[i].second * bar_w / max_value);
    s << "<text x=\"" << label_w - 8 << "\" y=\"" << y + 16 << "\" text-anchor=\"end\">" << xml_escape(rows[i].first)
      << "</text><rect x=\"" << label_w << "\" y=\"" << y + 3 << "\" width=\"" << w << "\" height=\"" << row_h - 8
      << "\" fill=\"" << color << "\"/><text x=\"" << label_w + w + 6 << "\" y=\"" << y + 16 << "\">" << rows[i].second
      << "</text>";
  }
  s << "</svg>";
  return s.str();
}

// The top of a count axis with four gridlines: 4 x a round step (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of
// ten, never a fraction), the smallest that is at least v.
int axis_top(int v) {
  const int need = std::max(1, (v + 3) / 4);
  for (int base = 1;; base *= 10) {
    for (const int tenths : {10, 15, 20, 25, 30, 40, 50, 60, 80}) {
      if (tenths * base % 10 != 0) continue;
      if (tenths * base / 10 >= need) return 4 * (tenths * base / 10);
    }
  }
}

// "2026-12-01 18:00": a time to the minute, for tables and axes.
std::string minute_text(time_point t) {
  auto text = format_iso8601(std::chrono::floor<std::chrono::minutes>(t)).substr(0, 16);
  text[10] = ' ';
  return text;
}

// The timeline's time axis. The rollout (every hour with upgrades or failures, every wave start, the halt) is drawn
// at full scale; when later events (breakage signals days later, the deadline) would squeeze it, they go on a
// compressed tail right of an axis break.
struct time_axis {
  time_point begin, zoom_end, end;
  double left = 0, zoom_w = 0, tail_left = 0, tail_w = 0;
  bool broken = false;
  double x(time_point t) const {
    if (!broken || t <= zoom_end) return left + to_seconds(t - begin) / to_seconds(zoom_end - begin) * zoom_w;
    return tail_left + to_seconds(t - zoom_end) / to_seconds(end - zoom_end) * tail_w;
  }
  // Width of the hour starting at t.
  double hour_w(time_point t) const { return x(t + std::chrono::hours(1)) - x(t); }
};

time_axis make_time_axis(const rehearsal_report& r, int left, int plot_w) {
  const auto hour = std::chrono::hours(1);
  time_axis a;
  a.left = left;
  a.begin = r.timeline.front().hour;
  time_point active_end = a.begin + hour;
  time_point end = r.timeline.back().hour + hour;
  auto floor_h = [](time_point t) -> time_point { return std::chrono::floor<std::chrono::hours>(t); };
  auto cover_active = [&](time_point t) {
    a.begin = std::min(a.begin, floor_h(t));
    active_end = std::max(active_end, floor_h(t) + hour);
  };
  for (const auto& b : r.timeline) {
    if (b.upgrades + b.failures > 0) cover_active(b.hour);
  }
  for (const auto& ws : r.wave_starts) cover_active(ws.second);
  if (r.halt_time) cover_active(*r.halt_time);
  end = std::max(end, active_end);
  if (r.deadline) end = std::max(end, floor_h(*r.deadline) + hour);
  const double active_h = to_seconds(active_end - a.begin) / 3600.0, later_h = to_seconds(end - active_end) / 3600.0;
  a.broken = later_h > 6 && later_h > 0.5 * active_h;
  a.zoom_end = a.broken ? active_end : end;
  a.end = end;
  a.zoom_w = a.broken ? plot_w * 0.78 : plot_w;
  a.tail_left = left + a.zoom_w + 14;
  a.tail_w = a.broken ? plot_w - a.zoom_w - 14 : 0;
  return a;
}

// Hour labels under the axis: about eight on the rollout, the ends of a compressed tail; the last label is
// anchored at its end so that it is not cut off.
void timeline_labels(std::ostringstream& s, const time_axis& a, int w, int y) {
  const auto hour = std::chrono::hours(1);
  const auto n_hours = static_cast<std::int64_t>(std::llround(to_seconds(a.zoom_end - a.begin) / 3600.0));
  const std::int64_t every = std::max<std::int64_t>(1, (n_hours + 7) / 8);
  auto label = [&](double x, time_point t, bool at_end) {
    s << "<text x=\"" << fmt(x, 1) << "\" y=\"" << y << "\" class=\"axis\"" << (at_end ? " text-anchor=\"end\"" : "")
      << ">" << minute_text(t).substr(5) << "</text>";
  };
  for (std::int64_t i = 0; i < n_hours; i += every) {
    const double x = a.x(a.begin + i * hour);
    if (a.broken && x + 80 > a.left + a.zoom_w) break;
    const bool last = x + 80 > w;
    label(last ? w - 2.0 : x, a.begin + i * hour, last);
  }
  if (!a.broken) return;
  label(a.tail_left + a.tail_w, a.end, true);
  // The axis break: two slanted strokes in the gap, and what the tail is.
  const double gx = a.left + a.zoom_w + 7;
  for (const double dx : {-3.0, 3.0}) {
    s << "<line class=\"axis-break\" x1=\"" << fmt(gx + dx - 3, 1) << "\" x2=\"" << fmt(gx + dx + 3, 1) << "\" y1=\""
      << y - 10 << "\" y2=\"" << y - 22 << "\" stroke=\"#555\"/>";
  }
  s << "<text x=\"" << fmt(a.tail_left, 1) << "\" y=\"" << y << "\" class=\"axis\">later, compressed</text>";
}

// The timeline as inline SVG: per hour, upgrades (green) with failures (red) stacked on them; breakage signals
// (orange, sized by count) in their own lane under the axis, since a handful of signals would vanish next to
// thousands of upgrades; wave starts (dashed blue), the halt (red) and the deadline (purple). The rollout is drawn
// at full scale, later hours on a compressed tail (time_axis). A non-empty hour is at least 2 px tall.
std::string svg_timeline(const rehearsal_report& r) {
  if (r.timeline.empty()) return "<p class=\"muted\">No activity.</p>";
  const int w = 940, left = 60, right = 20, top = 34, plot_h = 220, lane_h = 26, axis_h = 24;
  const int plot_w = w - left - right, lane_y = top + plot_h + 4, h = lane_y + lane_h + axis_h;
  int max_value = 1;
  for (const auto& b : r.timeline) max_value = std::max(max_value, b.upgrades + b.failures);
  max_value = axis_top(max_value);
  const time_axis axis = make_time_axis(r, left, plot_w);
  auto x_of = [&](time_point t) { return axis.x(t); };
  auto y_of = [&](double v) { return top + plot_h - v * plot_h / max_value; };
  // Height of a stacked segment of `v` on top of `below`, at least 2 px when v > 0.
  auto seg_h = [&](int below, int v) {
    if (v <= 0) return 0.0;
    return std::max(2.0, y_of(below) - y_of(below + v));
  };
  std::ostringstream s;
  s << "<svg id=\"timeline\" width=\"" << w << "\" height=\"" << h << "\" role=\"img\">";
  for (int k = 0; k <= 4; ++k) {
    const double v = max_value * k / 4.0;
    s << "<text x=\"" << left - 6 << "\" y=\"" << fmt(y_of(v) + 4, 1) << "\" text-anchor=\"end\" class=\"axis\">"
      << fmt(v, 0) << "</text><line x1=\"" << left << "\" x2=\"" << w - right << "\" y1=\"" << fmt(y_of(v), 1)
      << "\" y2=\"" << fmt(y_of(v), 1) << "\" stroke=\"" << (k == 0 ? "#888" : "#eee") << "\"/>";
  }
  s << "<text x=\"" << left - 6 << "\" y=\"" << lane_y + lane_h / 2 + 4
    << "\" text-anchor=\"end\" class=\"axis\" fill=\"#ef6c00\">signals</text>";
  for (const auto& b : r.timeline) {
    const double x = x_of(b.hour);
    const double bw = std::max(1.0, axis.hour_w(b.hour) - 1);
    const double up_h = seg_h(0, b.upgrades), fail_h = seg_h(b.upgrades, b.failures);
    s << "<rect class=\"upgrades\" x=\"" << fmt(x, 2) << "\" y=\"" << fmt(top + plot_h - up_h, 2) << "\" width=\""
      << fmt(bw, 2) << "\" height=\"" << fmt(up_h, 2) << "\" fill=\"#2e7d32\"><title>" << minute_text(b.hour)
      << " UTC: " << b.upgrades << " upgraded</title></rect>";
    s << "<rect class=\"failures\" x=\"" << fmt(x, 2) << "\" y=\"" << fmt(top + plot_h - up_h - fail_h, 2)
      << "\" width=\"" << fmt(bw, 2) << "\" height=\"" << fmt(fail_h, 2) << "\" fill=\"#c62828\"><title>"
      << minute_text(b.hour) << " UTC: " << b.failures << " failed</title></rect>";
    if (b.breakage_signals > 0) {
      const double radius = std::min(9.0, 3.0 + 1.5 * std::log2(static_cast<double>(b.breakage_signals)));
      s << "<circle class=\"signals\" cx=\"" << fmt(x + bw / 2, 2) << "\" cy=\"" << lane_y + lane_h / 2 << "\" r=\""
        << fmt(radius, 1) << "\" fill=\"#ef6c00\"><title>" << minute_text(b.hour) << " UTC: " << b.breakage_signals
        << " breakage signals</title></circle>";
    }
  }
  timeline_labels(s, axis, w, h - 8);
  // Marker labels get a white halo so that they stay readable over the bars.
  const char* halo = " paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"3\"";
  // A marker label goes right of its line, or left of it near the right edge.
  auto label_at = [&](double x) {
    return x + 90 > w ? "x=\"" + fmt(x - 4, 1) + "\" text-anchor=\"end\"" : "x=\"" + fmt(x + 4, 1) + "\"";
  };
  for (const auto& [wave, t] : r.wave_starts) {
    const double x = x_of(t);
    s << "<line class=\"wave\" x1=\"" << fmt(x, 1) << "\" x2=\"" << fmt(x, 1) << "\" y1=\"" << top - 14 << "\" y2=\""
      << top + plot_h << "\" stroke=\"#1565c0\" stroke-dasharray=\"4 3\"><title>wave " << wave << " started "
      << minute_text(t) << " UTC</title></line><text " << label_at(x) << " y=\"" << top - 4
      << "\" class=\"wave-label\" fill=\"#1565c0\"" << halo << ">wave " << wave << "</text>";
  }
  if (r.halt_time) {
    const double x = x_of(*r.halt_time);
    s << "<line class=\"halt\" x1=\"" << fmt(x, 1) << "\" x2=\"" << fmt(x, 1) << "\" y1=\"" << top - 28 << "\" y2=\""
      << top + plot_h << "\" stroke=\"#b71c1c\" stroke-width=\"3\"><title>halted " << minute_text(*r.halt_time)
      << " UTC</title></line><text " << label_at(x) << " y=\"" << top - 18 << "\" fill=\"#b71c1c\"" << halo
      << ">halt</text>";
  }
  if (r.deadline) {
    const double x = x_of(*r.deadline);
    const std::string what = r.deadline_kind == "soft" ? "deadline" : "deadline (" + r.deadline_kind + ")";
    s << "<line class=\"deadline\" x1=\"" << fmt(x, 1) << "\" x2=\"" << fmt(x, 1) << "\" y1=\"" << top - 28
      << "\" y2=\"" << top + plot_h << "\" stroke=\"#6a1b9a\" stroke-width=\"3\"><title>" << xml_escape(what) << " "
      << minute_text(*r.deadline) << " UTC</title></line><text class=\"deadline-label\" " << label_at(x) << " y=\""
      << top + 12 << "\" fill=\"#6a1b9a\"" << halo << ">" << xml_escape(what) << "</text>";  // below the halt's label
  }
  s << "</svg>";
  return s.str();
}

}  // namespace

std::string deadline_sentence(const rehearsal_report& r) {
  const auto& m = r.metrics;
  const auto left = static_cast<std::uint64_t>(num(m, "orgs_left_behind"));
  const auto harmed = static_cast<std::uint64_t>(num(m, "harmed_by_not_pushing_orgs"));
  if (!r.deadline) return left == 0 ? "" : std::to_string(left) + " orgs that needed the upgrade did not get it";
  const std::string date = format_iso8601(*r.deadline).substr(0, 10);
  std::string cost;
  if (r.deadline_kind == "api_retirement") cost = "to break at the API retirement on " + date;
  else if (r.deadline_kind == "compliance") cost = "out of compliance from " + date;
  if (cost.empty()) {
    return left == 0 ? "every org that needed the upgrade had it before the deadline on " + date
                     : std::to_string(left) + " orgs that needed the upgrade did not have it by the deadline on " +
                           date + " (a soft deadline: no harm counted)";
  }
  if (m.value("halted", false)) {
    return "halting spared " + fmt(num(m, "orgs_spared_by_halt"), 0) + " orgs the defect and left " +
           std::to_string(harmed) + " " + cost;
  }
  if (harmed == 0) return "no org was left " + cost;
  return "the rollout left " + std::to_string(harmed) + " orgs " + cost;
}

std::string render_html(const rehearsal_report& r) {
  const auto& m = r.metrics;
  std::ostringstream s;
  s << "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>pushsim: " << xml_escape(r.scenario_name)
    << "</title><style>body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}"
       "h1{font-size:22px}h2{font-size:17px;margin-top:28px}.cards{display:flex;flex-wrap:wrap;gap:10px}"
       ".card{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:140px}.card b{display:block;font-size:20px}"
       "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:4px 8px;text-align:right}"
       "th:first-child,td:first-child{text-align:left}.muted{color:#777}.pass{color:#2e7d32}.fail{color:#c62828}"
       ".axis{font-size:11px;fill:#555}svg text{font-size:12px}.legend span{display:inline-block;margin-right:14px}"
       ".sw{display:inline-block;width:10px;height:10px;margin-right:4px}.when{white-space:nowrap}"
       ".wave-label{font-size:11px}.deadline-cost{font-size:17px;font-weight:600;border-left:4px solid #6a1b9a;"
       "padding:6px 10px;background:#f6f0fa}</style></head><body>";
  s << "<h1>Push rehearsal: " << xml_escape(r.scenario_name) << "</h1>";
  if (!r.description.empty()) s << "<p>" << xml_escape(r.description) << "</p>";
  s << "<p class=\"muted\">seed " << r.seed << " · digest " << xml_escape(m.value("digest", std::string()))
    << " · reproduce: <code>" << xml_escape(r.reproduce_command) << "</code> · pushsim "
    << xml_escape(std::string(pushsim::version())) << "</p>";
  const bool halted = m.value("halted", false);
  if (const auto line = deadline_sentence(r); !line.empty()) {
    s << "<p id=\"deadline-cost\" class=\"deadline-cost\">" << xml_escape(line) << "</p>";
  }
  s << "<div class=\"cards\">";
  auto card = [&](const std::string& label, const std::string& value) {
    s << "<div class=\"card\">" << xml_escape(label) << "<b>" << xml_escape(value) << "</b></div>";
  };
  card("orgs targeted", fmt(num(m, "orgs_targeted"), 0));
  card("upgraded", fmt(num(m, "orgs_upgraded"), 0));
  card("failed", fmt(num(m, "orgs_failed"), 0));
  card("broken after upgrade", fmt(num(m, "orgs_broken"), 0));
  card("blast radius (orgs)", fmt(num(m, "blast_radius_orgs"), 0));
  card("harmed by pushing", fmt(num(m, "harmed_by_pushing_orgs"), 0));
  card("harmed by not pushing", fmt(num(m, "harmed_by_not_pushing_orgs"), 0));
  card("left behind", fmt(num(m, "orgs_left_behind"), 0));
  card("users disrupted", fmt(num(m, "users_disrupted"), 0));
  card("detection delay", human_duration(num(m, "detection_delay_s", -1)));
  card("rollout duration", human_duration(num(m, "rollout_duration_s", -1)));
  card("API calls", fmt(num(m, "api_calls"), 0));
  card("halted", halted ? "yes: " + m.value("halt_reason", std::string()) : "no");
  card("deadline met", m.value("deadline_met", false) ? "yes" : "no");
  s << "</div>";
  s << "<h2>Timeline (per hour, UTC)</h2><div class=\"legend\"><span><i class=\"sw\" style=\"background:#2e7d32\"></i>upgrades</span>"
       "<span><i class=\"sw\" style=\"background:#c62828\"></i>failures</span><span><i class=\"sw\" style=\"background:#ef6c00\"></i>"
       "breakage signals</span><span><i class=\"sw\" style=\"background:#1565c0\"></i>wave start</span><span><i class=\"sw\" "
       "style=\"background:#b71c1c\"></i>halt</span><span><i class=\"sw\" style=\"background:#6a1b9a\"></i>deadline</span>"
       "</div>"
    << svg_timeline(r);
  s << "<h2>Blast radius by cause</h2>" << svg_bars("blast-by-cause", r.blast_by_cause, "#c62828");
  s << "<h2>Blast radius by customization</h2>"
    << svg_bars("blast-by-customization", r.blast_by_customization, "#ef6c00");
  s << "<h2>Waves</h2><table id=\"waves\"><thead><tr><th>wave</th><th>planned</th><th>upgraded</th><th>failed</th>"
       "<th>broken</th><th>not pushed</th><th>first start (UTC)</th><th>last end (UTC)</th><th>gate</th></tr></thead><tbody>";
  for (const auto& w : r.waves) {
    s << "<tr><td>" << w.wave << (w.name.empty() ? "" : " " + xml_escape(w.name)) << "</td><td>" << w.orgs_planned
      << "</td><td>" << w.orgs_upgraded << "</td><td>" << w.orgs_failed << "</td><td>" << w.orgs_broken << "</td><td>"
      << w.orgs_not_pushed << "</td><td class=\"when\">" << (w.first_start ? minute_text(*w.first_start) : "")
      << "</td><td class=\"when\">" << (w.last_end ? minute_text(*w.last_end) : "") << "</td><td>" << xml_escape(w.gate)
      << "</td></tr>";
  }
  s << "</tbody></table>";
  if (!r.expectations.empty()) {
    s << "<h2>Expectations</h2><table><tr><th>metric</th><th>expected</th><th>actual</th><th>result</th></tr>";
    for (const auto& e : r.expectations) {
      s << "<tr><td>" << xml_escape(e.metric) << "</td><td>" << xml_escape(e.expected) << "</td><td>"
        << xml_escape(e.actual) << "</td><td class=\"" << (e.passed ? "pass\">pass" : "fail\">FAIL") << "</td></tr>";
    }
    s << "</table>";
  }
  s << "</body></html>\n";
  return s.str();
}

void print_summary(std::ostream& out, const rehearsal_report& r) {
  const auto& m = r.metrics;
  out << "pushsim rehearsal: " << r.scenario_name << "\n";
  out << "  orgs targeted " << fmt(num(m, "orgs_targeted"), 0) << ", upgraded " << fmt(num(m, "orgs_upgraded"), 0)
      << ", failed " << fmt(num(m, "orgs_failed"), 0) << ", broken after upgrade " << fmt(num(m, "orgs_broken"), 0)
      << "\n";
  out << "  blast radius: " << fmt(num(m, "blast_radius_orgs"), 0) << " orgs ("
      << fmt(num(m, "harmed_by_pushing_orgs"), 0) << " harmed by pushing, "
      << fmt(num(m, "harmed_by_not_pushing_orgs"), 0) << " by not pushing), " << fmt(num(m, "users_disrupted"), 0)
      << " users disrupted\n";
  if (const auto line = deadline_sentence(r); !line.empty()) out << "  " << line << "\n";
  if (num(m, "orgs_left_behind") > 0) {
    out << "  left behind: " << fmt(num(m, "orgs_left_behind"), 0) << " orgs (";
    std::string sep;
    const nlohmann::json by_reason = m.value("orgs_left_behind_by_reason", nlohmann::json::object());
    for (const auto& [reason, n] : by_reason.items()) {
      if (n.get<double>() <= 0) continue;
      out << sep << reason << " " << n.get<std::int64_t>();
      sep = ", ";
    }
    out << ")\n";
  }
  if (!r.blast_by_cause.empty()) {
    out << "  what broke:\n";
    std::vector<std::pair<std::string, int>> rows(r.blast_by_cause.begin(), r.blast_by_cause.end());
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    for (const auto& [cause, n] : rows) out << "    " << n << "  " << cause << "\n";
  }
  if (!r.blast_by_customization.empty()) {
    out << "  for whom (harmed orgs by customization):\n";
    for (const auto& [feature, n] : r.blast_by_customization) out << "    " << n << "  " << feature << "\n";
  }
  const double delay = num(m, "detection_delay_s", -1);
  out << "  first breakage noticed: "
      << (delay >= 0 ? human_duration(delay) + " after the first broken upgrade"
                     : std::string("never (no breakage signal)"))
      << ", " << fmt(num(m, "harmed_after_first_signal"), 0) << " orgs harmed after that\n";
  out << "  gates: "
      << (m.value("halted", false) ? "HALTED — " + m.value("halt_reason", std::string()) : std::string("no halt"))
      << "\n";
  out << "  rollout took " << human_duration(num(m, "rollout_duration_s", -1)) << " ("
      << fmt(num(m, "upgrades_per_hour"), 0) << " upgrades/hour), deadline "
      << (m.value("deadline_met", false) ? "met" : "MISSED (an eligible org was not upgraded in time)")
      << ", window compliance " << fmt(100.0 * num(m, "window_compliance"), 1) << "%\n";
  out << "  planned into an instance maintenance window: " << r.jobs_planned_in_maintenance << " jobs";
  if (r.jobs_moved_out_of_maintenance > 0) out << " (" << r.jobs_moved_out_of_maintenance << " moved out of one)";
  out << "\n";
  out << "  API calls: " << fmt(num(m, "api_calls"), 0) << "\n";
  for (const auto& e : r.expectations) {
    out << "  expect " << e.metric << " " << e.expected << ": " << (e.passed ? "ok" : "FAILED, got " + e.actual)
        << "\n";
  }
  out << "  " << fmt(num(m, "events"), 0) << " events in " << fmt(num(m, "wall_s"), 3) << " s wall\n";
  out << "digest " << m.value("digest", std::string()) << "\n";
}

}  // namespace pushsim::harness
