#pragma once
// The one deterministic generator of pushsim, identical on every platform: splitmix64 to seed and derive seeds,
// xoshiro256** (Blackman & Vigna) to draw, Lemire's unbiased bounded integers. sim/ builds its streams and
// distributions on it; scheduler/ (which may not depend on sim/) uses it directly.

#include <cstdint>
#include <limits>
#include <string_view>

namespace pushsim {

// splitmix64 step: advances state and returns the next output.
inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E37'79B9'7F4A'7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58'476D'1CE4'E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D0'49BB'1331'11EBull;
  return z ^ (z >> 31);
}

// FNV-1a 64-bit hash of a name (stable across platforms and runs), for named sub-seeds.
inline std::uint64_t hash_name(std::string_view name) {
  std::uint64_t h = 0xCBF2'9CE4'8422'2325ull;
  for (const char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x0000'0100'0000'01B3ull;
  }
  return h;
}

// xoshiro256**: a fast, small-state 64-bit generator seeded through splitmix64. A UniformRandomBitGenerator.
class xoshiro256 {
 public:
  using result_type = std::uint64_t;
  explicit xoshiro256(std::uint64_t seed = 0) {
    for (auto& word : s_) word = splitmix64(seed);
    // xoshiro must not start from all zeros; splitmix64 never yields four zeros in a row, but be explicit.
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;
  }

  result_type operator()() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  // Uniform in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe to take the log of.
  double uniform01_open_zero() { return static_cast<double>(((*this)() >> 11) + 1) * 0x1.0p-53; }
  // Uniform in [0, n), n > 0, unbiased (Lemire).
  std::uint64_t below(std::uint64_t n) {
    __extension__ using u128 = unsigned __int128;
    u128 m = static_cast<u128>((*this)()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<u128>((*this)()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace pushsim
