#include "pushsim/sim/pacing_clock.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace pushsim;
using namespace pushsim::sim;
using namespace std::chrono_literals;

namespace {

const time_point t0 = *parse_iso8601("2026-11-23T00:00:00Z").time;

// A wall clock moved by hand.
struct fake_wall {
  pacing_clock::wall_time now{std::chrono::hours{1000}};
  pacing_clock::wall_source source() {
    return [this] { return now; };
  }
};

}  // namespace

TEST(PacingClock, RunsAtSpeedTimesWallTime) {
  fake_wall wall;
  const pacing_clock clock(t0, 60.0, wall.source());
  EXPECT_EQ(clock.sim_time(), t0);
  wall.now += 10s;
  EXPECT_EQ(clock.sim_time(), t0 + 600s);
  wall.now += 500ms;
  EXPECT_EQ(clock.sim_time(), t0 + 630s);
}

TEST(PacingClock, SlowerThanWallTime) {
  fake_wall wall;
  const pacing_clock clock(t0, 0.5, wall.source());
  wall.now += 10s;
  EXPECT_EQ(clock.sim_time(), t0 + 5s);
}

TEST(PacingClock, AWallTimeBeforeTheAnchorShowsTheAnchor) {
  fake_wall wall;
  const pacing_clock clock(t0, 2.0, wall.source());
  EXPECT_EQ(clock.sim_time_at(wall.now - 1h), t0);
}

TEST(PacingClock, FreezeStopsTheClockAndUnfreezeRunsOnWithoutAJump) {
  fake_wall wall;
  pacing_clock clock(t0, 10.0, wall.source());
  wall.now += 3s;
  clock.freeze();
  EXPECT_TRUE(clock.frozen());
  EXPECT_EQ(clock.sim_time(), t0 + 30s);
  wall.now += 1h;
  EXPECT_EQ(clock.sim_time(), t0 + 30s);
  clock.freeze();  // twice: still the same frozen time
  EXPECT_EQ(clock.sim_time(), t0 + 30s);
  clock.unfreeze();
  EXPECT_FALSE(clock.frozen());
  EXPECT_EQ(clock.sim_time(), t0 + 30s);
  wall.now += 2s;
  EXPECT_EQ(clock.sim_time(), t0 + 50s);
}

TEST(PacingClock, ReanchorAfterAnAdvanceRunsOnFromTheNewTime) {
  fake_wall wall;
  pacing_clock clock(t0, 1.0, wall.source());
  wall.now += 5s;
  clock.reanchor(t0 + 24h);
  EXPECT_EQ(clock.sim_time(), t0 + 24h);
  wall.now += 7s;
  EXPECT_EQ(clock.sim_time(), t0 + 24h + 7s);
}

TEST(PacingClock, ReanchorWhileFrozenStaysFrozen) {
  fake_wall wall;
  pacing_clock clock(t0, 1.0, wall.source());
  clock.freeze();
  clock.reanchor(t0 + 1h);
  wall.now += 10s;
  EXPECT_TRUE(clock.frozen());
  EXPECT_EQ(clock.sim_time(), t0 + 1h);
}

TEST(PacingClock, NextWallTimeIsWhenTheClockShowsTheSimTime) {
  fake_wall wall;
  const pacing_clock clock(t0, 100.0, wall.source());
  const auto at = clock.next_wall_time(t0 + 1000s);
  ASSERT_TRUE(at.has_value());
  EXPECT_EQ(*at, wall.now + 10s);
  EXPECT_EQ(clock.sim_time_at(*at), t0 + 1000s);
  // A time already passed is due at once.
  EXPECT_EQ(clock.next_wall_time(t0 - 1h), wall.now);
}

TEST(PacingClock, NextWallTimeIsNoneWhileFrozen) {
  fake_wall wall;
  pacing_clock clock(t0, 1.0, wall.source());
  clock.freeze();
  EXPECT_FALSE(clock.next_wall_time(t0 + 1s).has_value());
}

TEST(PacingClock, LargeValuesSaturateInsteadOfOverflowing) {
  fake_wall wall;
  const pacing_clock fast(t0, 1e300, wall.source());
  wall.now += 100h;
  EXPECT_EQ(fast.sim_time(), pacing_clock::sim_time_max);
  // A far event at a tiny speed: the wait is capped, not an overflowed wall time.
  const pacing_clock slow(t0, 1e-300, wall.source());
  EXPECT_EQ(slow.next_wall_time(t0 + 1s), wall.now + pacing_clock::wall_wait_max);
  const pacing_clock normal(t0, 1.0, wall.source());
  EXPECT_EQ(normal.next_wall_time(time_point::max()), wall.now + pacing_clock::wall_wait_max);
  EXPECT_EQ(format_iso8601(pacing_clock::sim_time_max), "9999-12-31T23:59:59Z");
}

TEST(PacingClock, CatchUpRunsEventsDueByTheClock) {
  fake_wall wall;
  simulation sim(t0);
  const pacing_clock clock(t0, 60.0, wall.source());
  std::vector<time_point> ran;
  sim.schedule_at(t0 + 30s, [&] { ran.push_back(sim.now()); });
  sim.schedule_at(t0 + 90s, [&] { ran.push_back(sim.now()); });
  EXPECT_EQ(next_wake(sim, clock), wall.now + 500ms);
  wall.now += 1s;
  EXPECT_EQ(catch_up(sim, clock), 1u);
  EXPECT_EQ(sim.now(), t0 + 60s);
  EXPECT_EQ(ran, std::vector<time_point>{t0 + 30s});
  EXPECT_EQ(next_wake(sim, clock), wall.now + 500ms);
}

TEST(PacingClock, CatchUpNeverMovesTheSimulationBack) {
  fake_wall wall;
  simulation sim(t0);
  const pacing_clock clock(t0, 1.0, wall.source());
  sim.run_until(t0 + 1h);
  EXPECT_EQ(catch_up(sim, clock), 0u);
  EXPECT_EQ(sim.now(), t0 + 1h);
  EXPECT_FALSE(next_wake(sim, clock).has_value());
}
