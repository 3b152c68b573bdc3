#include "pushsim/mock_org/salesforce_id.hpp"

#include <algorithm>
#include <array>

#include "pushsim/base/assert.hpp"
#include "pushsim/mock_org/types.hpp"

namespace pushsim::mock_org {
namespace {
constexpr std::string_view base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::string_view filler = "3g0000";
int digit_of(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  if (c >= 'a' && c <= 'z') return c - 'a' + 36;
  return -1;
}
}  // namespace

std::string make_id(std::string_view prefix, std::uint64_t sequence) {
  PUSHSIM_ASSERT(prefix.size() == 3, "an id prefix has three characters");
  PUSHSIM_ASSERT(sequence <= max_id_sequence, "id sequence out of range");
  // Written on the stack, then copied once into the string (one allocation, no zero fill or replace).
  std::array<char, 18> id{};
  std::copy(prefix.begin(), prefix.end(), id.begin());
  std::copy(filler.begin(), filler.end(), id.begin() + 3);
  for (int i = 14; i >= 9; --i) {
    id[static_cast<std::size_t>(i)] = base62[sequence % 62];
    sequence /= 62;
  }
  const auto sum = id_checksum(std::string_view(id.data(), 15));
  std::copy(sum.begin(), sum.end(), id.begin() + 15);
  return std::string(id.data(), id.size());
}

std::optional<std::uint64_t> parse_id(std::string_view prefix, std::string_view id) {
  if (id.size() != 15 && id.size() != 18) return std::nullopt;
  if (id.substr(0, 3) != prefix || id.substr(3, 6) != filler) return std::nullopt;
  std::uint64_t seq = 0;
  for (std::size_t i = 9; i < 15; ++i) {
    const int d = digit_of(id[i]);
    if (d < 0) return std::nullopt;
    seq = seq * 62 + static_cast<std::uint64_t>(d);
  }
  if (id.size() == 18) {
    const auto sum = id_checksum(id.substr(0, 15));
    for (std::size_t i = 0; i < 3; ++i) {
      char c = id[15 + i];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (c != sum[i]) return std::nullopt;
    }
  }
  return seq;
}

}  // namespace pushsim::mock_org
