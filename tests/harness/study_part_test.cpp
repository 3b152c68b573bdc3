#include "pushsim/harness/study_part.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>

using namespace pushsim::harness;

namespace {

study_part sample_part() {
  study_part part;
  part.identity.pushsim_version = "0.1.0 (test)";
  part.identity.scenario_name = "s";
  part.identity.scenario_file = "s.json";
  part.identity.seed = std::numeric_limits<std::uint64_t>::max();
  part.identity.replications = 10;
  part.identity.plans = {"a", "b"};
  part.shard = {2, 3};  // replications 3, 4, 5
  part_point point;
  const std::size_t width = study_metrics().size();
  for (std::uint64_t i = 3; i < 6; ++i) {
    for (std::size_t p = 0; p < 2; ++p) {
      replication_row row{i, 1000 + i, p, {}, "00ff00ff00ff00ff", {}};
      for (std::size_t m = 0; m < width; ++m) {
        // Values whose shortest text is long or unusual: they must come back bit for bit.
        const double v = m % 4 == 0   ? 0.1 + 0.2
                         : m % 4 == 1 ? -1e-300
                         : m % 4 == 2 ? 185.0
                                      : 1.0 / 3.0 * static_cast<double>(i);
        row.values.push_back(m == 1 && p == 1 ? std::optional<double>()
                                              : std::optional<double>(v * static_cast<double>(i + 1)));
      }
      point.rows.push_back(std::move(row));
    }
  }
  point.invariant_violations = {"replication 4, plan b: broken"};
  part.points.push_back(std::move(point));
  return part;
}

}  // namespace

TEST(StudyPart, ShardBlocksTileTheReplicationsInOrder) {
  for (std::uint64_t n : {1, 3, 7, 100}) {
    std::uint64_t next = 0, smallest = ~0ull, largest = 0;
    for (std::uint64_t k = 1; k <= n; ++k) {
      const auto range = shard_range({k, n}, 1000);
      EXPECT_EQ(range.first, next) << "shard " << k << "/" << n;
      next += range.count;
      smallest = std::min(smallest, range.count);
      largest = std::max(largest, range.count);
    }
    EXPECT_EQ(next, 1000u);
    EXPECT_LE(largest - smallest, 1u);
  }
}

TEST(StudyPart, ParsesShardFlagOrNamesIt) {
  std::string error;
  const auto s = parse_shard("3/8", error);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 3u);
  EXPECT_EQ(s->count, 8u);
  for (const char* bad : {"0/8", "9/8", "3", "3/", "/8", "a/b", "3/8x", "-1/8", "1/0", "1/1000001"}) {
    EXPECT_FALSE(parse_shard(bad, error)) << bad;
    EXPECT_NE(error.find("--shard"), std::string::npos);
  }
}

TEST(StudyPart, RoundTripsRowsBitForBit) {
  const study_part part = sample_part();
  std::vector<pushsim::input_error> errors;
  const auto back = parse_study_part(render_study_part(part), "p.json", errors);
  ASSERT_TRUE(back) << (errors.empty() ? "" : errors.front().to_string());
  EXPECT_EQ(identity_json(back->identity), identity_json(part.identity));
  ASSERT_EQ(back->points.size(), 1u);
  const auto& rows = back->points[0].rows;
  ASSERT_EQ(rows.size(), part.points[0].rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    EXPECT_EQ(rows[r].seed, part.points[0].rows[r].seed);
    EXPECT_EQ(rows[r].digest, part.points[0].rows[r].digest);
    for (std::size_t m = 0; m < rows[r].values.size(); ++m) {
      const auto& want = part.points[0].rows[r].values[m];
      ASSERT_EQ(rows[r].values[m].has_value(), want.has_value());
      if (want) {
        EXPECT_EQ(std::bit_cast<std::uint64_t>(*rows[r].values[m]), std::bit_cast<std::uint64_t>(*want));
      }
    }
  }
  EXPECT_EQ(back->points[0].invariant_violations, part.points[0].invariant_violations);
}

TEST(StudyPart, RefusesAPartWhoseRowsAreNotItsShardsBlock) {
  study_part part = sample_part();
  part.shard = {1, 3};  // replications 0, 1, 2: the rows hold 3, 4, 5
  std::vector<pushsim::input_error> errors;
  EXPECT_FALSE(parse_study_part(render_study_part(part), "p.json", errors));
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors.front().file, "p.json");
  EXPECT_EQ(errors.front().pointer, "/points/0/rows/0/0");
}
