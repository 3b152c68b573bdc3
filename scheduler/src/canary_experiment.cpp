#include "pushsim/scheduler/canary_experiment.hpp"

#include <cmath>
#include <vector>

#include "pushsim/scheduler/canary.hpp"
#include "random.hpp"

namespace pushsim::scheduler {

canary_experiment_result run_canary_experiment(std::size_t trials, std::size_t population_size, std::size_t canary_size,
                                               std::uint64_t first_seed) {
  static constexpr double prevalence[] = {0.5, 0.4,  0.3,  0.25, 0.2,  0.15, 0.12, 0.1,
                                          0.1, 0.08, 0.06, 0.05, 0.04, 0.03, 0.02, 0.02};
  constexpr int f = static_cast<int>(std::size(prevalence));
  canary_experiment_result out;
  out.trials = trials;
  std::size_t random_hits = 0, representative_hits = 0;
  double share_sum = 0;
  std::vector<std::uint64_t> features(population_size);
  for (std::size_t t = 0; t < trials; ++t) {
    const std::uint64_t seed = first_seed + t;
    detail::xoshiro256 rng(detail::derive_seed(seed, "population"));
    for (auto& bits : features) {
      bits = 0;
      for (int i = 0; i < f; ++i) {
        if (rng.uniform01() < prevalence[i]) bits |= std::uint64_t{1} << i;
      }
    }
    // The defect: a random pair among those hitting 0.7%-1.4% of orgs (else the pair closest to 1%).
    std::vector<std::uint64_t> pairs;
    std::uint64_t closest = 0;
    double closest_gap = 1e9;
    for (int a = 0; a < f; ++a) {
      for (int b = a + 1; b < f; ++b) {
        const std::uint64_t mask = (std::uint64_t{1} << a) | (std::uint64_t{1} << b);
        std::size_t hit = 0;
        for (const auto bits : features) hit += (bits & mask) == mask;
        const double share = static_cast<double>(hit) / static_cast<double>(population_size);
        if (share >= 0.007 && share <= 0.014) pairs.push_back(mask);
        if (std::abs(share - 0.01) < closest_gap) {
          closest_gap = std::abs(share - 0.01);
          closest = mask;
        }
      }
    }
    const std::uint64_t defect = pairs.empty() ? closest : pairs[rng.below(pairs.size())];
    std::size_t hit = 0;
    for (const auto bits : features) hit += (bits & defect) == defect;
    share_sum += static_cast<double>(hit) / static_cast<double>(population_size);
    auto caught = [&](const std::vector<std::uint32_t>& canary) {
      for (const auto i : canary) {
        if ((features[i] & defect) == defect) return true;
      }
      return false;
    };
    random_hits += caught(select_random(population_size, canary_size, detail::derive_seed(seed, "random")));
    representative_hits +=
        caught(select_representative(features, canary_size, detail::derive_seed(seed, "representative")));
  }
  if (trials > 0) {
    out.random_catch_rate = static_cast<double>(random_hits) / static_cast<double>(trials);
    out.representative_catch_rate = static_cast<double>(representative_hits) / static_cast<double>(trials);
    out.mean_defect_share = share_sum / static_cast<double>(trials);
  }
  return out;
}

}  // namespace pushsim::scheduler
