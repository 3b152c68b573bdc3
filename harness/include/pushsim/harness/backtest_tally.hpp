#pragma once
// backtest_tally: what a backtest study keeps of its replications beyond the metrics. For each org of the
// backtest set (a past push request's orgs): in how many replications its push failed. Per replication: how many
// orgs of the set failed, in total and per ErrorType. Memory: one counter per org of the set and nine per
// replication. add() may be called from run_replications' threads in any order: every figure is a sum of
// integers or kept per replication index, so the tally does not depend on the threads.

#include <array>
#include <cstdint>
#include <mutex>
#include <vector>

#include "pushsim/mock_org/types.hpp"

namespace pushsim::harness {

struct world;

class backtest_tally {
 public:
  // Counts the orgs `orgs` over replications [first, first + replications).
  backtest_tally(std::vector<mock_org::org_key> orgs, std::uint64_t first, std::uint64_t replications);

  // Counts replication `index` from its world's ground truth (every org of the set must be in the world).
  void add(std::uint64_t index, const world& w);

  std::size_t orgs() const { return orgs_.size(); }
  std::uint64_t replications() const { return per_replication_.size(); }
  // The share of replications in which org i's push failed (its last job ended Failed), in [0, 1].
  double failure_probability(std::size_t i) const;
  // The set's failed count in each replication, in index order.
  std::vector<double> failed_counts() const;
  // The set's failed count with ErrorType `t` in each replication, in index order.
  std::vector<double> failed_counts(mock_org::error_type t) const;
  // The mean count of the set's orgs no job of which ran (refused at job creation, never planned).
  double not_pushed_mean() const;

 private:
  struct replication_counts {
    std::uint32_t failed = 0;
    std::uint32_t not_pushed = 0;
    std::array<std::uint32_t, mock_org::error_type_count> by_type{};
  };
  std::vector<mock_org::org_key> orgs_;
  std::uint64_t first_ = 0;
  std::vector<std::uint64_t> failed_replications_;  // per org
  std::vector<replication_counts> per_replication_;
  std::mutex mutex_;
};

}  // namespace pushsim::harness
