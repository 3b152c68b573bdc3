#pragma once
// backtest_score: how well a study predicted a past push request. Pure arithmetic on what the study predicted
// (per org of the request the share of replications in which its push failed; per replication the request's
// failed count in total and per ErrorType) and what happened (each org's job Failed or not, with its ErrorType):
//   - a count against its predicted 90% interval (the replications' 5th and 95th percentiles, linear
//     interpolation between order statistics), for the failed count and for each ErrorType;
//   - the Brier score, mean over orgs of (p - y)^2 with y = 1 when the org's push failed, and the same score of
//     the constant forecast "every org fails with the observed share" as the reference (skill = 1 - ratio);
//   - a reliability table: orgs binned by predicted probability, each bin's mean prediction against the share of
//     its orgs that failed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pushsim::harness {

// One org of the request: what the study predicted and what happened.
struct org_forecast {
  std::string org_key;               // 15 characters
  double failure_probability = 0.0;  // share of replications in which its push failed, in [0, 1]
  bool failed = false;               // its job in the request failed
};

// A count (failed orgs, or failed orgs with one ErrorType) predicted over replications against what happened.
struct count_score {
  std::string name;  // "failed", or the ErrorType ("UnclassifiedError", ...)
  std::uint64_t actual = 0;
  double predicted_mean = 0.0;
  double predicted_p5 = 0.0;  // the predicted 90% interval's ends
  double predicted_p95 = 0.0;
  bool inside = false;  // p5 <= actual <= p95
};

// Orgs whose predicted failure probability lies in [low, high) (the last bin includes 1).
struct reliability_bin {
  double low = 0.0;
  double high = 0.0;
  std::uint64_t orgs = 0;
  double mean_predicted = 0.0;           // 0 when the bin is empty
  std::optional<double> observed_share;  // share of its orgs that failed; empty when the bin is empty
};

// Every score of one backtest.
struct backtest_score {
  count_score failed;
  std::vector<count_score> failed_by_type;  // ErrorTypes that happened or were predicted, in the order given
  double brier = 0.0;                       // mean (p - y)^2 over orgs, in [0, 1]
  double brier_reference = 0.0;             // the same for the constant forecast of the observed failed share
  std::optional<double> brier_skill;        // 1 - brier / brier_reference; empty when the reference is 0
  std::vector<reliability_bin> reliability;
};

// `actual` against `predicted` (one value per replication; at least one).
count_score score_count(std::string name, std::uint64_t actual, const std::vector<double>& predicted);

// Mean (p - y)^2 over `orgs` (0 when there are none).
double brier_score(const std::vector<org_forecast>& orgs);

// The constant forecast's Brier score: s (1 - s) with s the share of `orgs` that failed.
double brier_reference(const std::vector<org_forecast>& orgs);

// `bins` equal-width bins of [0, 1] (bins >= 1), every org in exactly one.
std::vector<reliability_bin> reliability_table(const std::vector<org_forecast>& orgs, std::size_t bins = 10);

// One ErrorType's actual count and its count per replication.
struct type_counts {
  std::string error_type;
  std::uint64_t actual = 0;
  std::vector<double> predicted;
};

// Every score: the failed count (actual and per replication), the ErrorTypes, the orgs.
backtest_score score_backtest(std::uint64_t failed_actual, const std::vector<double>& failed_predicted,
                              const std::vector<type_counts>& types, const std::vector<org_forecast>& orgs);

}  // namespace pushsim::harness
