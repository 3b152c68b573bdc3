// BM_Rehearsal/N: the built-in default rehearsal (staged hotfix push, quiet windows, faults, telemetry) with N
// orgs, end to end: world generation, the real scheduling core through the in-process REST transport, metrics.
// items_per_second = orgs rehearsed per second.
#include <benchmark/benchmark.h>

#include "pushsim/harness/rehearsal.hpp"
#include "pushsim/harness/scenario_file.hpp"

namespace {

void BM_Rehearsal(benchmark::State& state) {
  const auto orgs = state.range(0);
  std::string error;
  const auto count = pushsim::harness::parse_override("/population/count=" + std::to_string(orgs), error);
  const auto loaded = pushsim::harness::load_default_scenario({{*count}, {}});
  if (!loaded.value) {
    state.SkipWithError("default scenario did not load");
    return;
  }
  std::uint64_t events = 0;
  for (auto _ : state) {
    auto result = pushsim::harness::run_rehearsal(*loaded.value, {});
    if (!result.report) {
      state.SkipWithError("rehearsal failed");
      return;
    }
    events = result.report->metrics["events"].get<std::uint64_t>();
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() * orgs);
  state.counters["events"] = static_cast<double>(events);
}

}  // namespace

BENCHMARK(BM_Rehearsal)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
