#pragma once
// run_digest: a 64-bit fingerprint folded from every processed event (its time and kind), in order.
// Two runs with the same seed and inputs print the same digest; any change in what happened, or when, changes it.

#include <cstdint>
#include <string>

namespace pushsim::sim {

class run_digest {
 public:
  // Folds one event: its time in microseconds since the epoch and its kind.
  void fold(std::int64_t time_us, std::uint32_t kind) {
    state_ =
        mix(state_ ^ mix(static_cast<std::uint64_t>(time_us) + (std::uint64_t{kind} << 1) + 0x632B'E59B'D9B4'E019ull));
    ++count_;
  }
  // Folds any other 64-bit value a component wants to be part of the fingerprint (e.g. an outcome).
  void fold_value(std::uint64_t v) { state_ = mix(state_ ^ mix(v + 0x9E37'79B9'7F4A'7C15ull)); }

  std::uint64_t value() const { return state_; }
  std::uint64_t folded() const { return count_; }
  // 16 lowercase hex digits.
  std::string hex() const;

  static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58'476D'1CE4'E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D0'49BB'1331'11EBull;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_ = 0xCBF2'9CE4'8422'2325ull;
  std::uint64_t count_ = 0;
};

}  // namespace pushsim::sim
