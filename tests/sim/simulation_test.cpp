#include "pushsim/sim/simulation.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "pushsim/sim/random.hpp"
#include "pushsim/sim/time_series_sampler.hpp"

using namespace pushsim;
using namespace pushsim::sim;
using namespace std::chrono_literals;

namespace {
const time_point t0 = *parse_iso8601("2026-11-23T00:00:00Z").time;

// A small random workload: each event schedules 0-2 more with random delays and kinds.
std::uint64_t workload_digest(std::uint64_t seed, std::uint64_t* events = nullptr) {
  simulation sim(t0);
  rng r = rng_streams(seed).get("workload");
  std::function<void()> spawn;
  int budget = 20000;
  spawn = [&] {
    const auto children = uniform_int(r, 1, 2);
    for (int i = 0; i < children && budget > 0; ++i, --budget) {
      const auto delay = duration{static_cast<std::int64_t>(exponential(r, 5e6))};
      sim.schedule_after(
          delay, [&] { spawn(); }, static_cast<event_kind>(uniform_int(r, 0, 7)));
    }
  };
  for (int i = 0; i < 10; ++i)
    sim.schedule_after(
        duration{i}, [&] { spawn(); }, 1);
  sim.run();
  if (events) *events = sim.events_processed();
  return sim.digest();
}
}  // namespace

TEST(Simulation, StartsAtTheGivenTime) {
  simulation sim(t0);
  EXPECT_EQ(sim.now(), t0);
  EXPECT_FALSE(sim.step());
}

TEST(Simulation, AdvancesTimeToEachEvent) {
  simulation sim(t0);
  std::vector<time_point> seen;
  sim.schedule_after(10s, [&] { seen.push_back(sim.now()); });
  sim.schedule_at(t0 + 5s, [&] { seen.push_back(sim.now()); });
  EXPECT_EQ(sim.run(), 2u);
  EXPECT_EQ(seen, (std::vector<time_point>{t0 + 5s, t0 + 10s}));
  EXPECT_EQ(sim.now(), t0 + 10s);
}

TEST(Simulation, EqualTimesRunFifoIncludingEventsScheduledWhileRunning) {
  simulation sim(t0);
  std::vector<int> order;
  sim.schedule_at(t0 + 1s, [&] {
    order.push_back(1);
    sim.schedule_after(0s, [&] { order.push_back(4); });
  });
  sim.schedule_at(t0 + 1s, [&] { order.push_back(2); });
  sim.schedule_at(t0 + 1s, [&] { order.push_back(3); });
  sim.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4}));
}

TEST(Simulation, RunUntilIncludesTheBoundaryAndAdvancesTheClock) {
  simulation sim(t0);
  int ran = 0;
  sim.schedule_at(t0 + 10s, [&] { ++ran; });
  sim.schedule_at(t0 + 10s + 1us, [&] { ++ran; });
  EXPECT_EQ(sim.run_until(t0 + 10s), 1u);
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(sim.now(), t0 + 10s);
  EXPECT_EQ(sim.run_until(t0 + 20s), 1u);
  EXPECT_EQ(sim.now(), t0 + 20s) << "run_until advances to t even when the queue ran dry";
  EXPECT_EQ(sim.run_until(t0 + 20s), 0u);
}

// An owner that paces the clock (pushsim serve) runs up to a time short of the next event, then schedules events
// before that event: they must run, in time order, without tripping the queue's ordering checks.
TEST(Simulation, SchedulingBeforeAPeekedEventAfterRunUntilKeepsTimeOrder) {
  simulation sim(t0);
  std::vector<int> order;
  sim.schedule_at(t0 + 1h, [&] { order.push_back(3); });
  sim.schedule_at(t0 + 2h, [&] { order.push_back(4); });
  const auto cancelled = sim.schedule_at(t0 + 30min, [&] { order.push_back(99); });
  sim.cancel(cancelled);
  EXPECT_EQ(sim.next_event_time(), t0 + 1h);  // peeks past the clock
  sim.run_until(t0 + 10min);
  sim.schedule_at(t0 + 20min, [&] { order.push_back(2); });
  sim.schedule_at(t0 + 10min, [&] { order.push_back(1); });
  sim.schedule_at(t0 + 1h, [&] { order.push_back(5); });  // same time as an earlier event: after it
  EXPECT_EQ(sim.next_event_time(), t0 + 10min);
  sim.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 5, 4}));
  EXPECT_EQ(sim.now(), t0 + 2h);
}

TEST(Simulation, StopEndsRunAfterTheCurrentEvent) {
  simulation sim(t0);
  int ran = 0;
  sim.schedule_at(t0 + 1s, [&] {
    ++ran;
    sim.stop();
  });
  sim.schedule_at(t0 + 2s, [&] { ++ran; });
  sim.run();
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(sim.pending(), 1u);
  sim.run();
  EXPECT_EQ(ran, 2);
}

TEST(Simulation, StopInsideRunUntilKeepsTheClockAtTheLastEvent) {
  simulation sim(t0);
  sim.schedule_at(t0 + 1s, [&] { sim.stop(); });
  sim.run_until(t0 + 1h);
  EXPECT_EQ(sim.now(), t0 + 1s);
}

TEST(Simulation, CancelledEventsNeitherRunNorCountInTheDigest) {
  simulation a(t0), b(t0);
  bool ran = false;
  a.schedule_at(
      t0 + 1s, [] {}, 1);
  const auto h = a.schedule_at(
      t0 + 2s, [&] { ran = true; }, 2);
  EXPECT_TRUE(a.cancel(h));
  a.run();
  b.schedule_at(
      t0 + 1s, [] {}, 1);
  b.run();
  EXPECT_FALSE(ran);
  EXPECT_EQ(a.digest(), b.digest());
  EXPECT_EQ(a.events_processed(), 1u);
}

TEST(Simulation, SameSeedSameDigest) {
  std::uint64_t e1 = 0, e2 = 0;
  EXPECT_EQ(workload_digest(1234, &e1), workload_digest(1234, &e2));
  EXPECT_EQ(e1, e2);
  EXPECT_GT(e1, 1000u);
}

TEST(Simulation, DifferentSeedDifferentDigest) { EXPECT_NE(workload_digest(1234), workload_digest(1235)); }

TEST(Simulation, DigestDependsOnKindAndTime) {
  simulation a(t0), b(t0), c(t0);
  a.schedule_after(
      1s, [] {}, 1);
  b.schedule_after(
      1s, [] {}, 2);
  c.schedule_after(
      2s, [] {}, 1);
  a.run();
  b.run();
  c.run();
  EXPECT_NE(a.digest(), b.digest());
  EXPECT_NE(a.digest(), c.digest());
  EXPECT_EQ(a.digest_hex().size(), 16u);
}

TEST(SimulationDeathTest, SchedulingInThePastAsserts) {
  simulation sim(t0);
  EXPECT_DEATH(sim.schedule_at(t0 - 1s, [] {}), "scheduled in the past");
}

TEST(SimulationDeathTest, NegativeDelayAsserts) {
  simulation sim(t0);
  EXPECT_DEATH(sim.schedule_after(-1us, [] {}), "negative delay");
}

TEST(SimulationDeathTest, AssertPrintsTheSeed) {
  set_assert_context(987654, "pushsim run x.json --seed 987654");
  simulation sim(t0);
  EXPECT_DEATH(sim.schedule_at(t0 - 1s, [] {}), "seed: 987654");
}

TEST(TimeSeriesSampler, SamplesWhileWorkIsPendingAndStopsByItself) {
  simulation sim(t0);
  int in_flight = 0;
  for (int i = 1; i <= 5; ++i) {
    sim.schedule_at(t0 + std::chrono::minutes(10 * i), [&] { ++in_flight; });
  }
  time_series_sampler sampler(sim, std::chrono::minutes(15), [&] { return in_flight; });
  sim.run();  // must terminate
  const auto& pts = sampler.series().points;
  // Samples at 0, 15, 30, 45 and 60 min; at 60 nothing else is pending, so it stops.
  ASSERT_EQ(pts.size(), 5u);
  const double expect[] = {0, 1, 3, 4, 5};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(pts[i].time, t0 + std::chrono::minutes(15 * i));
    EXPECT_EQ(pts[i].value, expect[i]);
  }
}
