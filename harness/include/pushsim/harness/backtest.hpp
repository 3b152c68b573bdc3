#pragma once
// backtest: re-runs a past push request on the imported subscriber base and scores the prediction against what
// happened. The request's orgs (those whose job in it ended, Succeeded or Failed, and that a subscriber file
// lists) are pushed again from the request's ScheduledStartTime to its target version, in one wave, with no
// windows, gates or retries (a push request is one attempt per org), over many replications
// (harness/study.hpp); a backtest_tally counts per org the replications in which its push failed.
//
// What the import cannot know is reconstructed, rule by rule:
//   - an org of the request that is now on the target or newer was upgraded by it (or later): its version before
//     is not in the history, so it is set back to the newest version below the target;
//   - "always fails" is judged on the history before the request only (its own outcome is what is predicted).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "pushsim/base/time.hpp"
#include "pushsim/harness/backtest_score.hpp"
#include "pushsim/harness/scenario.hpp"
#include "pushsim/mock_org/population_import.hpp"

namespace pushsim::harness {

// One org of the past request and what happened to it.
struct backtest_org {
  mock_org::org_key key;
  std::uint32_t import_index = 0;  // into population_import::orgs
  bool failed = false;
  std::optional<mock_org::error_type> error;  // its first PackagePushError's type; empty when none was exported
};

// The past request, typed.
struct backtest_request {
  mock_org::record_id id;
  mock_org::version_number target;
  time_point start;                      // ScheduledStartTime (else StartTime)
  std::vector<backtest_org> orgs;        // in job order
  std::size_t orgs_not_imported = 0;     // jobs of orgs no subscriber file lists (left out)
  std::size_t jobs_not_ended = 0;        // jobs neither Succeeded nor Failed (left out)
  std::size_t failed_without_error = 0;  // Failed jobs with no PackagePushError row (no ErrorType)
};

// The request `id` (0DV..., 15 or 18 characters) of the import's history, or why not: a malformed id, no such
// request (naming up to five that exist), no known target version or start, no ended job of an imported org.
std::variant<backtest_request, std::string> find_backtest_request(const mock_org::population_import& im,
                                                                  std::string_view id);

// The scenario that re-runs `r`: `base`'s package, platform and population propensities, the import as its
// population (versions set back and always-failing judged as the header says), a plan of one wave of r's orgs
// starting at r's start. `orgs_set_back` counts the orgs whose version was set back.
scenario backtest_scenario(const scenario& base, const mock_org::population_import& im, const backtest_request& r,
                           std::size_t& orgs_set_back);

struct backtest_options {
  std::uint64_t replications = 200;
  unsigned jobs = 1;  // threads; results do not depend on it
};

struct backtest_result {
  backtest_score score;
  std::vector<org_forecast> orgs;  // r's orgs in order
  double not_pushed_mean = 0.0;    // orgs of r no job of which ran in a replication (e.g. a drawn push block), mean
  std::vector<std::string> invariant_violations;
  std::vector<input_error> errors;  // bad input found by a run (nothing scored)
};

// Runs the study of `s` (a backtest_scenario of `r`) and scores it against `r`.
backtest_result run_backtest(const scenario& s, const backtest_request& r, const backtest_options& options);

}  // namespace pushsim::harness
