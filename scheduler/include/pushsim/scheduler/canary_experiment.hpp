#pragma once
// Measures what the representative canary buys: over many seeded synthetic populations (independent
// customization features with prevalences from 50% down to 2%), a defect hits exactly the orgs having one
// feature pair whose share of the population is about 1%; the experiment counts how often a representative
// canary and a random canary of the same size contain at least one hit org. Used by tests and bench_scheduler.

#include <cstddef>
#include <cstdint>

namespace pushsim::scheduler {

struct canary_experiment_result {
  std::size_t trials = 0;
  double random_catch_rate = 0;          // share of trials where the random canary contained a hit org
  double representative_catch_rate = 0;  // same for select_representative
  double mean_defect_share = 0;          // average share of orgs the defect hit (about 0.01)
  // representative / random (0 when random never caught it).
  double ratio() const { return random_catch_rate > 0 ? representative_catch_rate / random_catch_rate : 0.0; }
};

// trials populations of population_size orgs, canaries of canary_size, seeds first_seed, first_seed + 1, ...
canary_experiment_result run_canary_experiment(std::size_t trials, std::size_t population_size, std::size_t canary_size,
                                               std::uint64_t first_seed);

}  // namespace pushsim::scheduler
