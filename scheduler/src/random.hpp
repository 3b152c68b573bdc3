#pragma once
// The scheduler's seed derivation over base's generator (scheduler/ may not depend on sim/, whose rng_streams
// derive seeds differently: plans keep their historical streams).

#include <cstdint>
#include <string_view>

#include "pushsim/base/random.hpp"

namespace pushsim::scheduler::detail {

using xoshiro256 = pushsim::xoshiro256;
// NOLINTNEXTLINE(modernize-use-using): __extension__ (quiets -Wpedantic on __int128) takes a typedef
__extension__ typedef unsigned __int128 u128;  // exact products of two 64-bit counts

// A seed for the stream `name` of `seed`.
inline std::uint64_t derive_seed(std::uint64_t seed, std::string_view name) {
  std::uint64_t s = seed ^ hash_name(name);
  return splitmix64(s);
}

}  // namespace pushsim::scheduler::detail
