#pragma once
// study_accumulator: what a study keeps of its replications: per plan and metric the values in replication
// order, per plan after the first the paired differences to the first plan, and a digest over every run's
// digest. Accumulators of consecutive replication ranges merge in range order into exactly the accumulator of
// the whole range, so a study split over threads, ranks or shards gives byte-identical output.

#include <cstdint>
#include <string>
#include <vector>

#include "pushsim/harness/replication.hpp"
#include "pushsim/sim/ordered_sample.hpp"

namespace pushsim::harness {

// One metric of one plan, summarized.
struct metric_summary {
  std::string metric;
  bool boolean = false;
  sim::sample_summary sample;          // numeric metrics
  sim::proportion_summary proportion;  // boolean metrics
};

// Plan `plan` against the first plan on one metric: the paired difference (plan - baseline) over the
// replications where both have the metric, with its Student-t interval.
struct comparison_summary {
  std::size_t plan = 0;
  std::string metric;
  sim::sample_summary difference;
  bool significant = false;  // the interval excludes 0
};

class study_accumulator {
 public:
  explicit study_accumulator(std::size_t plans);
  // Adds the rows of consecutive replications, in (index, plan) order, every plan of each replication present.
  void add(const std::vector<replication_row>& rows);
  // Appends an accumulator of the replications that follow this one's.
  void merge(const study_accumulator& later);

  std::uint64_t replications() const { return replications_; }
  std::size_t plans() const { return samples_.size(); }
  // The figures per plan (study_metrics() order) and per comparison (plan, then metric).
  std::vector<metric_summary> summarize_plan(std::size_t plan, double confidence) const;
  std::vector<comparison_summary> compare(double confidence) const;
  // The numeric metrics split by a relative half-width target: `met` when every plan's is within `limit`, `missed`
  // when some plan's exceeds it (each in study_metrics() order).
  struct precision_split {
    std::vector<std::string> met, missed;
  };
  precision_split split_by_precision(double limit, double confidence) const;
  // The values of one plan's metric (index into study_metrics()), in replication order.
  const sim::ordered_sample& sample(std::size_t plan, std::size_t metric) const { return samples_[plan][metric]; }
  // A digest of every run's digest in (replication, plan) order, as 16 hex digits.
  std::string digest_hex() const;

 private:
  std::uint64_t replications_ = 0;
  std::vector<std::vector<sim::ordered_sample>> samples_;      // [plan][metric]
  std::vector<std::vector<sim::ordered_sample>> differences_;  // [plan - 1][metric]
  std::vector<std::uint64_t> run_digests_;                     // one hash per run, in order
};

}  // namespace pushsim::harness
