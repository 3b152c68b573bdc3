#include "pushsim/harness/backtest_tally.hpp"

#include "pushsim/base/assert.hpp"
#include "pushsim/harness/world.hpp"

namespace pushsim::harness {

backtest_tally::backtest_tally(std::vector<mock_org::org_key> orgs, std::uint64_t first, std::uint64_t replications)
    : orgs_(std::move(orgs)),
      first_(first),
      failed_replications_(orgs_.size(), 0),
      per_replication_(static_cast<std::size_t>(replications)) {}

void backtest_tally::add(std::uint64_t index, const world& w) {
  PUSHSIM_ASSERT(index >= first_ && index - first_ < per_replication_.size(), "a replication of the tally's range");
  replication_counts counts;
  std::vector<std::size_t> failed;
  for (std::size_t i = 0; i < orgs_.size(); ++i) {
    const auto org = w.orgs->find(orgs_[i]);
    PUSHSIM_ASSERT(org.has_value(), "every org of the backtest set is in the world");
    const mock_org::org_truth& t = w.platform->truth().at(*org);
    counts.not_pushed += t.attempts == 0 ? 1 : 0;
    if (t.st != mock_org::org_truth::state::failed) continue;
    failed.push_back(i);
    ++counts.failed;
    ++counts.by_type[static_cast<std::size_t>(t.error)];
  }
  std::lock_guard lock(mutex_);
  for (const std::size_t i : failed) ++failed_replications_[i];
  per_replication_[static_cast<std::size_t>(index - first_)] = counts;
}

double backtest_tally::failure_probability(std::size_t i) const {
  if (per_replication_.empty()) return 0.0;
  return static_cast<double>(failed_replications_[i]) / static_cast<double>(per_replication_.size());
}

std::vector<double> backtest_tally::failed_counts() const {
  std::vector<double> out;
  out.reserve(per_replication_.size());
  for (const auto& r : per_replication_) out.push_back(r.failed);
  return out;
}

std::vector<double> backtest_tally::failed_counts(mock_org::error_type t) const {
  std::vector<double> out;
  out.reserve(per_replication_.size());
  for (const auto& r : per_replication_) out.push_back(r.by_type[static_cast<std::size_t>(t)]);
  return out;
}

double backtest_tally::not_pushed_mean() const {
  if (per_replication_.empty()) return 0.0;
  double sum = 0.0;
  for (const auto& r : per_replication_) sum += r.not_pushed;
  return sum / static_cast<double>(per_replication_.size());
}

}  // namespace pushsim::harness
