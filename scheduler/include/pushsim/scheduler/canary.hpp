#pragma once
// Representative canary selection: pick a small set of orgs that covers the customization feature space
// (every feature and every pair of features present in the population, rare ones first), so a defect that hits
// only orgs with a rare customization (combination) shows up in the canary wave.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace pushsim::scheduler {

// Chooses min(count, features.size()) positions of `features` (one feature bitmask per candidate org).
// Greedy weighted coverage: features and feature pairs are weighted by 1 / (number of candidates having
// them), computed as a co-occurrence matrix with Eigen; each step takes the candidate covering the most
// uncovered weight (lazy greedy), ties broken by a seeded shuffle. When everything is covered the coverage
// restarts (up to 3 rounds, so a larger canary covers each pair up to 3 times); the rest is filled in the seeded
// random order. Deterministic for a given seed.
// Returned positions are in selection order.
std::vector<std::uint32_t> select_representative(std::span<const std::uint64_t> features, std::size_t count,
                                                 std::uint64_t seed);

// Uniform sample of min(count, n) distinct positions in [0, n) (seeded partial Fisher-Yates), in draw order.
std::vector<std::uint32_t> select_random(std::size_t n, std::size_t count, std::uint64_t seed);

}  // namespace pushsim::scheduler
