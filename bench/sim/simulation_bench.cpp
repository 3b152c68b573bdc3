// The classic hold model: with `pending` events in the queue, pop the earliest and schedule one new event at
// now + an exponential delay. items_per_second = events per second.
#include <benchmark/benchmark.h>

#include <functional>
#include <queue>
#include <vector>

#include "pushsim/sim/random.hpp"
#include "pushsim/sim/simulation.hpp"

using namespace pushsim;
using namespace pushsim::sim;

namespace {
constexpr double mean_delay_us = 1'000'000.0;

struct hold {
  simulation* sim;
  rng* r;
  std::uint64_t* counter;
  void operator()() const {
    ++*counter;
    sim->schedule_after(duration{static_cast<std::int64_t>(exponential(*r, mean_delay_us))}, hold{*this});
  }
};

void BM_Simulation_Hold(benchmark::State& state) {
  const auto pending = static_cast<std::size_t>(state.range(0));
  simulation sim(from_us(0));
  rng r(1);
  std::uint64_t counter = 0;
  for (std::size_t i = 0; i < pending; ++i) {
    sim.schedule_after(duration{static_cast<std::int64_t>(exponential(r, mean_delay_us))}, hold{&sim, &r, &counter});
  }
  // Warm up: one pass through the queue so the heap reaches its steady-state shape.
  for (std::size_t i = 0; i < pending; ++i) sim.step();
  for (auto _ : state) {
    sim.step();
  }
  benchmark::DoNotOptimize(counter);
  state.SetItemsProcessed(state.iterations());
  state.counters["pending"] = static_cast<double>(sim.pending());
}

struct std_event {
  std::int64_t time;
  std::uint64_t seq;
  std::function<void()> fn;
  bool operator>(const std_event& o) const { return time > o.time || (time == o.time && seq > o.seq); }
};

void BM_StdPriorityQueue_Hold(benchmark::State& state) {
  const auto pending = static_cast<std::size_t>(state.range(0));
  std::priority_queue<std_event, std::vector<std_event>, std::greater<>> q;
  rng r(1);
  std::int64_t now = 0;
  std::uint64_t seq = 0;
  std::uint64_t counter = 0;
  std::function<void()> handler;
  auto schedule = [&] {
    q.push(std_event{now + static_cast<std::int64_t>(exponential(r, mean_delay_us)), seq++, [&] { ++counter; }});
  };
  for (std::size_t i = 0; i < pending; ++i) schedule();
  auto step = [&] {
    std_event e = std::move(const_cast<std_event&>(q.top()));
    q.pop();
    now = e.time;
    e.fn();
    schedule();
  };
  for (std::size_t i = 0; i < pending; ++i) step();
  for (auto _ : state) step();
  benchmark::DoNotOptimize(counter);
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_Simulation_Hold)->Arg(1000)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_StdPriorityQueue_Hold)->Arg(1000)->Arg(100000)->Arg(1000000);
BENCHMARK_MAIN();
