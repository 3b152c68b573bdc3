// render_study_html: the study as one self-contained HTML page (inline SVG, no scripts): per metric and plan a
// histogram of the replications with the mean and interval marked, the paired comparison table, and with
// sweeps a tornado chart of the sensitivity table. Element ids (hist-<point>-<metric>-<plan>, comparisons-<point>,
// tornado) are what the browser test (tests/tools/study_html_browser.js) looks for.

#include <algorithm>
#include <cmath>
#include <sstream>

#include "pushsim/base/version.hpp"
#include "pushsim/base/xml_text.hpp"
#include "pushsim/harness/study_report.hpp"

namespace pushsim::harness {

namespace {

std::string fixed(double v, int decimals) {
  std::ostringstream s;
  s << std::fixed;
  s.precision(decimals);
  s << v;
  return s.str();
}

// A value for a reader: hours for durations.
std::string readable(double v, bool duration) {
  return duration ? fixed(v / 3600.0, 2) + " h" : fixed(v, std::abs(v) >= 100 || v == std::floor(v) ? 0 : 3);
}

// 20-bin histogram of `values` as SVG, with the mean (line) and its interval (band).
void histogram_svg(std::ostream& s, const std::string& id, const std::vector<double>& values,
                   const sim::sample_summary& sum, bool duration) {
  constexpr int bins = 20, width = 420, height = 120, left = 10, bottom = 20;
  const double lo = sum.min, hi = sum.max > sum.min ? sum.max : sum.min + 1.0;
  std::vector<std::uint64_t> counts(bins, 0);
  for (const double v : values) {
    counts[std::min<std::size_t>(bins - 1, static_cast<std::size_t>((v - lo) / (hi - lo) * bins))]++;
  }
  const double top = static_cast<double>(*std::max_element(counts.begin(), counts.end()));
  const auto x_of = [&](double v) { return left + (v - lo) / (hi - lo) * (width - 2 * left); };
  s << "<svg id=\"" << xml_escape(id) << "\" class=\"hist\" width=\"" << width << "\" height=\"" << height + bottom
    << "\" role=\"img\">";
  s << "<rect class=\"ci\" x=\"" << fixed(x_of(sum.ci.low), 1) << "\" y=\"0\" width=\""
    << fixed(std::max(1.0, x_of(sum.ci.high) - x_of(sum.ci.low)), 1) << "\" height=\"" << height
    << "\" fill=\"#fde68a\"/>";
  const double bar_w = (width - 2.0 * left) / bins;
  for (int b = 0; b < bins; ++b) {
    const double h = top > 0 ? counts[static_cast<std::size_t>(b)] / top * (height - 10) : 0;
    s << "<rect class=\"bar\" x=\"" << fixed(left + b * bar_w + 1, 1) << "\" y=\"" << fixed(height - h, 1)
      << "\" width=\"" << fixed(bar_w - 2, 1) << "\" height=\"" << fixed(h, 1) << "\" fill=\"#2563eb\"/>";
  }
  s << "<line class=\"mean\" x1=\"" << fixed(x_of(sum.mean), 1) << "\" x2=\"" << fixed(x_of(sum.mean), 1)
    << "\" y1=\"0\" y2=\"" << height << "\" stroke=\"#b91c1c\" stroke-width=\"2\"/>";
  s << "<text x=\"" << left << "\" y=\"" << height + 15 << "\">" << readable(lo, duration) << "</text>";
  s << "<text x=\"" << width - left << "\" y=\"" << height + 15 << "\" text-anchor=\"end\">" << readable(hi, duration)
    << "</text></svg>";
}

void distributions(std::ostream& s, const study_report& r, const study_point& point, std::size_t index) {
  const auto& metrics = study_metrics();
  s << "<h2>Distributions</h2><table><tr><th>metric</th>";
  for (const auto& p : r.plans) s << "<th>" << xml_escape(p) << "</th>";
  s << "</tr>";
  for (std::size_t m = 0; m < metrics.size(); ++m) {
    s << "<tr><td>" << xml_escape(metrics[m].name) << "</td>";
    for (std::size_t p = 0; p < r.plans.size(); ++p) {
      const auto& sample = point.result.accumulator.sample(p, m);
      s << "<td>";
      if (metrics[m].boolean) {
        const auto prop = sample.proportion(r.confidence);
        s << "share " << fixed(prop.proportion, 3) << " [" << fixed(prop.ci.low, 3) << ", " << fixed(prop.ci.high, 3)
          << "]";
      } else if (sample.size() > 0) {
        const auto sum = sample.summary(r.confidence);
        histogram_svg(s, "hist-" + std::to_string(index) + "-" + metrics[m].name + "-" + std::to_string(p),
                      sample.values(), sum, metrics[m].duration);
        s << "<div>mean " << readable(sum.mean, metrics[m].duration) << " ["
          << readable(sum.ci.low, metrics[m].duration) << ", " << readable(sum.ci.high, metrics[m].duration)
          << "], p95 " << readable(sum.p95, metrics[m].duration) << "</div>";
      }
      s << "</td>";
    }
    s << "</tr>";
  }
  s << "</table>";
}

void comparisons(std::ostream& s, const study_report& r, const study_point& point, std::size_t index) {
  const auto rows = point.result.accumulator.compare(r.confidence);
  if (rows.empty()) return;
  s << "<h2>Paired differences (plan - " << xml_escape(r.plans[0]) << ", same seeds)</h2>";
  s << "<table id=\"comparisons-" << index
    << "\" class=\"comparisons\"><tr><th>plan</th><th>metric</th><th>mean difference</th><th>interval</th>"
       "<th>significant</th></tr>";
  for (const auto& c : rows) {
    const bool d = std::any_of(study_metrics().begin(), study_metrics().end(),
                               [&](const auto& m) { return m.name == c.metric && m.duration; });
    s << "<tr" << (c.significant ? " class=\"significant\"" : "") << "><td>" << xml_escape(r.plans[c.plan])
      << "</td><td>" << xml_escape(c.metric) << "</td><td>" << readable(c.difference.mean, d) << "</td><td>["
      << readable(c.difference.ci.low, d) << ", " << readable(c.difference.ci.high, d) << "]</td><td>"
      << (c.significant ? "yes" : "no") << "</td></tr>";
  }
  s << "</table>";
}

// Tornado chart: one bar per (input, metric) with a swing, from the mean at the low value to the one at the high.
void tornado(std::ostream& s, const study_report& r) {
  std::vector<sensitivity_row> rows;
  for (const auto& row : r.sensitivity) {
    if (row.swing != 0.0 && rows.size() < 12) rows.push_back(row);
  }
  s << "<h2>Sensitivity</h2>";
  constexpr int width = 720, label_w = 360, row_h = 24;
  s << "<svg id=\"tornado\" width=\"" << width << "\" height=\"" << rows.size() * row_h + 10 << "\" role=\"img\">";
  double widest = 0;
  for (const auto& row : rows) widest = std::max(widest, std::abs(row.swing));
  const double center = label_w + (width - label_w) / 2.0, scale = widest > 0 ? (width - label_w) / 2.0 / widest : 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    const double w = std::abs(row.swing) * scale;
    const double x = row.swing >= 0 ? center : center - w;
    const double y = static_cast<double>(i) * row_h + 4;
    s << "<text x=\"" << label_w - 6 << "\" y=\"" << y + 15 << "\" text-anchor=\"end\">"
      << xml_escape(row.metric + " @ " + row.pointer) << "</text>";
    s << "<rect class=\"swing\" x=\"" << fixed(x, 1) << "\" y=\"" << fixed(y, 1) << "\" width=\""
      << fixed(std::max(1.0, w), 1) << "\" height=\"" << row_h - 6 << "\" fill=\""
      << (row.swing >= 0 ? "#dc2626" : "#16a34a") << "\"><title>" << fixed(row.at_low, 3) << " -> "
      << fixed(row.at_high, 3) << "</title></rect>";
  }
  s << "</svg>";
}

}  // namespace

std::string render_study_html(const study_report& r) {
  std::ostringstream s;
  s << "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>pushsim study: "
    << xml_escape(r.scenario_name) << "</title><style>body{font-family:sans-serif;margin:2em}"
    << "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}"
    << "tr.significant{background:#fee2e2}</style></head><body>";
  s << "<h1>Study: " << xml_escape(r.scenario_name) << "</h1>";
  s << "<p>seed " << r.seed << ", vary " << to_string(r.vary) << ", confidence " << r.confidence << ", digest "
    << r.digest() << ", pushsim " << xml_escape(std::string(pushsim::version())) << "</p>";
  for (std::size_t i = 0; i < r.points.size(); ++i) {
    const auto& point = r.points[i];
    if (r.swept) s << "<h2>At " << xml_escape(point.set.dump()) << "</h2>";
    s << "<p>" << point.result.accumulator.replications() << " replications</p>";
    distributions(s, r, point, i);
    comparisons(s, r, point, i);
  }
  if (r.swept) tornado(s, r);
  s << "</body></html>\n";
  return s.str();
}

}  // namespace pushsim::harness
