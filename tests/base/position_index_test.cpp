#include "pushsim/base/position_index.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace {

// The caller's table: keys by position, hashed with a deliberately poor hash so probes collide.
struct table {
  std::vector<std::string> keys;
  pushsim::position_index index;
  static std::uint64_t hash(const std::string& k) { return k.size(); }
  bool add(const std::string& k) {
    keys.push_back(k);
    const auto pos = static_cast<std::uint32_t>(keys.size() - 1);
    const auto r = index.insert(
        pos, hash(k), [&](std::uint32_t p) { return keys[p] == k; }, [&](std::uint32_t p) { return hash(keys[p]); });
    if (!r.second) keys.pop_back();
    return r.second;
  }
  std::optional<std::uint32_t> find(const std::string& k) const {
    return index.find(hash(k), [&](std::uint32_t p) { return keys[p] == k; });
  }
};

}  // namespace

TEST(PositionIndex, FindsEveryKeyThroughGrowthAndCollisions) {
  table t;
  for (int i = 0; i < 5000; ++i) ASSERT_TRUE(t.add("org" + std::to_string(i)));
  for (int i = 0; i < 5000; ++i) EXPECT_EQ(t.find("org" + std::to_string(i)), static_cast<std::uint32_t>(i));
  EXPECT_FALSE(t.find("org5000"));
  EXPECT_EQ(t.index.size(), 5000u);
  EXPECT_GE(t.index.memory_bytes(), 2 * 5000 * sizeof(std::uint32_t));  // at most half full
}

TEST(PositionIndex, ADuplicateKeyAnswersTheFirstPosition) {
  table t;
  ASSERT_TRUE(t.add("a"));
  ASSERT_TRUE(t.add("b"));
  EXPECT_FALSE(t.add("a"));
  EXPECT_EQ(t.find("a"), 0u);
  t.index.clear();
  EXPECT_FALSE(t.find("a"));
}
