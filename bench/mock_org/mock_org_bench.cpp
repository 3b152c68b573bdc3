// Benchmarks of the simulated world.
//  BM_Population_Generate/N: draw N orgs from the default profile; items = orgs. bytes_per_org is measured by
//    counting live heap bytes (malloc_usable_size of every allocation) before and after generation;
//    accounted_bytes_per_org is the population's own memory_bytes() for comparison.
//  BM_Platform_PushJobs/N: one push request with N jobs (add_job for each org, Pending, run the simulation until
//    every job is terminal); items = jobs that reached a terminal status.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>

#include <nlohmann/json.hpp>

#include "pushsim/mock_org/platform.hpp"
#include "pushsim/mock_org/population_spec.hpp"

// ---- live heap byte counter (this binary only) ----
namespace {
std::atomic<std::int64_t> live_bytes{0};
void* counted_alloc(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  live_bytes.fetch_add(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  return p;
}
void counted_free(void* p) {
  if (p == nullptr) return;
  live_bytes.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  std::free(p);
}
}  // namespace

void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }

using namespace pushsim;
using namespace pushsim::mock_org;

namespace {
const package& example() {
  static const package p = default_example_package();
  return p;
}

void BM_Population_Generate(benchmark::State& state) {
  population_spec spec = default_population_spec(example());
  spec.count = static_cast<std::uint64_t>(state.range(0));
  double bytes_per_org = 0;
  double accounted = 0;
  for (auto _ : state) {
    const std::int64_t before = live_bytes.load();
    population pop = generate_population(spec, example(), 1234);
    const std::int64_t after = live_bytes.load();
    benchmark::DoNotOptimize(pop.size());
    bytes_per_org = static_cast<double>(after - before) / static_cast<double>(pop.size());
    accounted = static_cast<double>(pop.memory_bytes()) / static_cast<double>(pop.size());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["bytes_per_org"] = bytes_per_org;
  state.counters["accounted_bytes_per_org"] = accounted;
}
BENCHMARK(BM_Population_Generate)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_Platform_PushJobs(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  population_spec spec = default_population_spec(example());
  spec.count = n;
  // Every org eligible, so every job runs; the default noise and customization profile otherwise.
  spec.status_mix = {{org_status::active, 1.0}};
  spec.version_mix = {{*example().find_version({2, 3, 1}), 1.0}};
  spec.push_blocked_probability = 0;
  const population base = generate_population(spec, example(), 99);
  const version_index target = *example().find_version({2, 4, 0});
  const time_point t0 = *parse_iso8601("2026-11-18T15:00:00Z").time;
  std::uint64_t finished = 0;
  std::uint64_t failed = 0;
  std::uint64_t broken = 0;
  std::vector<std::string> keys;
  keys.reserve(n);
  for (org_index i = 0; i < base.size(); ++i) keys.push_back(base.key(i).str());
  std::unique_ptr<population> pop;
  std::unique_ptr<sim::simulation> sim;
  std::unique_ptr<platform> plat;
  for (auto _ : state) {
    state.PauseTiming();
    plat.reset();  // tear-down of the previous iteration is not timed
    pop = std::make_unique<population>(base);
    sim = std::make_unique<sim::simulation>(t0);
    state.ResumeTiming();
    plat = std::make_unique<platform>(*sim, *pop, example(), platform_config{}, 7);
    const request_id r = *plat->create_request(target, std::nullopt).value;
    for (const auto& k : keys) benchmark::DoNotOptimize(plat->add_job(r, k));
    (void)plat->set_request_status(r, push_status::pending);
    sim->run();
    finished += plat->jobs_finished();
    const auto s = plat->truth().summarize();
    failed = s.failed;
    broken = s.broken;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(finished));
  state.counters["failed_share"] = static_cast<double>(failed) / static_cast<double>(n);
  state.counters["broken_share"] = static_cast<double>(broken) / static_cast<double>(n);
}
BENCHMARK(BM_Platform_PushJobs)->Arg(100'000)->Unit(benchmark::kMillisecond)->MinTime(3.0);
}  // namespace

BENCHMARK_MAIN();
