#pragma once
// study_section: what a scenario says about its studies, parsed by the scenario loader: the `study` section
// ({"replications": 200, "confidence": 0.95, "vary": "population" | "platform"}, every key optional; command-line
// flags win) and the statistical entries of `expect` ({"blast_radius_orgs": {"mean_max": 25}}), which `pushsim
// run` ignores and `pushsim study` checks (study_expectations.hpp parses and checks them).

#include <cstdint>
#include <optional>
#include <string>

namespace pushsim::harness {

// What replications redraw: everything (population), or all but the population, which stays the one of the
// root seed ("my subscriber base, many possible pushes").
enum class vary_mode { population, platform };
const char* to_string(vary_mode v);

// The scenario's `study` section.
struct study_section {
  std::optional<std::uint64_t> replications;
  std::optional<double> confidence;
  std::optional<vary_mode> vary;
};

// One bound on one figure of one metric's distribution over a study's replications.
struct study_expectation {
  std::string metric;  // a name of study_metrics()
  std::string key;     // e.g. "mean_max"
  double bound = 0.0;
};

}  // namespace pushsim::harness
