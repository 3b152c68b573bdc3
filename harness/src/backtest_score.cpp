#include "pushsim/harness/backtest_score.hpp"

#include <algorithm>

#include "pushsim/base/assert.hpp"
#include "pushsim/sim/ordered_sample.hpp"

namespace pushsim::harness {

count_score score_count(std::string name, std::uint64_t actual, const std::vector<double>& predicted) {
  PUSHSIM_ASSERT(!predicted.empty(), "a count is predicted by at least one replication");
  sim::ordered_sample sample;
  for (const double v : predicted) sample.add(v);
  const sim::sample_summary s = sample.summary(0.95);
  count_score out{std::move(name), actual, s.mean, s.p5, s.p95, false};
  const auto a = static_cast<double>(actual);
  out.inside = s.p5 <= a && a <= s.p95;
  return out;
}

double brier_score(const std::vector<org_forecast>& orgs) {
  if (orgs.empty()) return 0.0;
  double sum = 0.0;
  for (const auto& o : orgs) {
    const double d = o.failure_probability - (o.failed ? 1.0 : 0.0);
    sum += d * d;
  }
  return sum / static_cast<double>(orgs.size());
}

double brier_reference(const std::vector<org_forecast>& orgs) {
  if (orgs.empty()) return 0.0;
  const auto failed = std::count_if(orgs.begin(), orgs.end(), [](const org_forecast& o) { return o.failed; });
  const double share = static_cast<double>(failed) / static_cast<double>(orgs.size());
  return share * (1.0 - share);
}

std::vector<reliability_bin> reliability_table(const std::vector<org_forecast>& orgs, std::size_t bins) {
  PUSHSIM_ASSERT(bins >= 1, "a reliability table has at least one bin");
  std::vector<reliability_bin> out(bins);
  std::vector<double> predicted_sum(bins, 0.0);
  std::vector<std::uint64_t> failed(bins, 0);
  const auto n = static_cast<double>(bins);
  for (std::size_t b = 0; b < bins; ++b) {
    out[b].low = static_cast<double>(b) / n;
    out[b].high = static_cast<double>(b + 1) / n;
  }
  for (const auto& o : orgs) {
    const auto b = std::min(bins - 1, static_cast<std::size_t>(std::max(0.0, o.failure_probability) * n));
    ++out[b].orgs;
    predicted_sum[b] += o.failure_probability;
    failed[b] += o.failed ? 1 : 0;
  }
  for (std::size_t b = 0; b < bins; ++b) {
    if (out[b].orgs == 0) continue;
    const auto count = static_cast<double>(out[b].orgs);
    out[b].mean_predicted = predicted_sum[b] / count;
    out[b].observed_share = static_cast<double>(failed[b]) / count;
  }
  return out;
}

backtest_score score_backtest(std::uint64_t failed_actual, const std::vector<double>& failed_predicted,
                              const std::vector<type_counts>& types, const std::vector<org_forecast>& orgs) {
  backtest_score out;
  out.failed = score_count("failed", failed_actual, failed_predicted);
  for (const auto& t : types) out.failed_by_type.push_back(score_count(t.error_type, t.actual, t.predicted));
  out.brier = brier_score(orgs);
  out.brier_reference = brier_reference(orgs);
  if (out.brier_reference > 0.0) out.brier_skill = 1.0 - out.brier / out.brier_reference;
  out.reliability = reliability_table(orgs);
  return out;
}

}  // namespace pushsim::harness
