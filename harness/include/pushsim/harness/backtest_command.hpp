#pragma once
// `pushsim backtest --history DIR --request 0DV... [--scenario S] [--replications N] [--jobs J] [--json F]`:
// imports every file of DIR (a `pushsim snapshot --history N` folder, or any import files) as the population,
// re-runs the push request's orgs from its ScheduledStartTime to its target version as a study of N replications
// (harness/backtest.hpp; S gives the package, platform and population propensities, default: the built-in
// scenario) and prints how the prediction scores against what happened (harness/backtest_score.hpp); --json
// writes the same with one row per org. Exit codes: 0 scored, 1 an invariant broke, 2 bad input (a missing
// folder, an unknown request, bad --replications, a bad file: said why; nothing written).

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "pushsim/harness/backtest.hpp"

namespace pushsim::harness {

struct backtest_arguments {
  std::string history_dir;
  std::string request;                        // 0DV..., 15 or 18 characters
  std::optional<std::string> scenario;        // default: the built-in scenario
  std::optional<std::uint64_t> replications;  // 2 to 10,000,000; default 200
  std::optional<unsigned> jobs;               // threads; default: the machine's cores
  std::string json_path;                      // empty: no file written
};
int backtest_command(const backtest_arguments& args, std::ostream& out, std::ostream& err);

// The scores as `--json` writes them: {"request", "target", "start", "replications", "seed", "orgs",
// "left_out": {...}, "not_pushed_mean", "failed": {count score}, "failed_by_type": [...], "brier", "brier_reference",
// "brier_skill", "reliability": [{"low","high","orgs","mean_predicted","observed_share"}], "org_forecasts": [{"org",
// "failure_probability","failed","error_type","brier"}]}.
nlohmann::json backtest_json(const backtest_request& r, const backtest_result& result, std::uint64_t replications,
                             std::uint64_t seed, std::size_t orgs_set_back);

}  // namespace pushsim::harness
