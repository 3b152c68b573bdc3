#include "pushsim/harness/study_accumulator.hpp"

#include <cstdio>

#include "pushsim/base/assert.hpp"
#include "pushsim/base/random.hpp"

namespace pushsim::harness {

study_accumulator::study_accumulator(std::size_t plans)
    : samples_(plans, std::vector<sim::ordered_sample>(study_metrics().size())),
      differences_(plans > 0 ? plans - 1 : 0, std::vector<sim::ordered_sample>(study_metrics().size())) {}

void study_accumulator::add(const std::vector<replication_row>& rows) {
  const std::size_t plans = samples_.size();
  PUSHSIM_ASSERT(rows.size() % plans == 0, "a study adds every plan of each replication");
  for (std::size_t r = 0; r < rows.size(); r += plans) {
    const auto& base = rows[r];
    for (std::size_t p = 0; p < plans; ++p) {
      const auto& row = rows[r + p];
      PUSHSIM_ASSERT(row.plan == p && row.index == base.index, "rows come in (replication, plan) order");
      run_digests_.push_back(hash_name(row.digest));
      for (std::size_t m = 0; m < row.values.size(); ++m) {
        if (!row.values[m]) continue;
        samples_[p][m].add(*row.values[m]);
        if (p > 0 && base.values[m]) differences_[p - 1][m].add(*row.values[m] - *base.values[m]);
      }
    }
    ++replications_;
  }
}

void study_accumulator::merge(const study_accumulator& later) {
  PUSHSIM_ASSERT(later.samples_.size() == samples_.size(), "merged studies have the same plans");
  for (std::size_t p = 0; p < samples_.size(); ++p) {
    for (std::size_t m = 0; m < samples_[p].size(); ++m) samples_[p][m].merge(later.samples_[p][m]);
  }
  for (std::size_t p = 0; p < differences_.size(); ++p) {
    for (std::size_t m = 0; m < differences_[p].size(); ++m) differences_[p][m].merge(later.differences_[p][m]);
  }
  run_digests_.insert(run_digests_.end(), later.run_digests_.begin(), later.run_digests_.end());
  replications_ += later.replications_;
}

std::vector<metric_summary> study_accumulator::summarize_plan(std::size_t plan, double confidence) const {
  std::vector<metric_summary> out;
  const auto& metrics = study_metrics();
  for (std::size_t m = 0; m < metrics.size(); ++m) {
    metric_summary s{metrics[m].name, metrics[m].boolean, {}, {}};
    if (metrics[m].boolean) {
      s.proportion = samples_[plan][m].proportion(confidence);
    } else {
      s.sample = samples_[plan][m].summary(confidence);
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<comparison_summary> study_accumulator::compare(double confidence) const {
  std::vector<comparison_summary> out;
  const auto& metrics = study_metrics();
  for (std::size_t p = 0; p < differences_.size(); ++p) {
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      comparison_summary c{p + 1, metrics[m].name, differences_[p][m].summary(confidence), false};
      c.significant = c.difference.n > 0 && !c.difference.ci.contains(0.0);
      out.push_back(std::move(c));
    }
  }
  return out;
}

study_accumulator::precision_split study_accumulator::split_by_precision(double limit, double confidence) const {
  precision_split out;
  const auto& metrics = study_metrics();
  for (std::size_t m = 0; m < metrics.size(); ++m) {
    if (metrics[m].boolean) continue;
    bool precise = true;
    for (const auto& plan : samples_) precise = precise && plan[m].moments(confidence).relative_half_width() <= limit;
    (precise ? out.met : out.missed).push_back(metrics[m].name);
  }
  return out;
}

std::string study_accumulator::digest_hex() const {
  std::uint64_t state = 0x70757368'73747564ULL;  // "pushstud"
  std::uint64_t h = splitmix64(state);
  for (const auto d : run_digests_) {
    state ^= d;
    h ^= splitmix64(state);
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
  return text;
}

}  // namespace pushsim::harness
