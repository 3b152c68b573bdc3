// BM_Planner_Plan/N: plan N subscriber orgs (items = orgs) with partner profiles (20 zones, fiscal months,
// customization features), local quiet hours 22:00-05:00, weekends and fiscal quarter ends avoided, concurrency
// limits and three waves (random canary, by-instance wave, the rest). Target: 1M orgs in at most 1 s.
// BM_Canary_Representative/N: representative selection of 1% of N orgs with 16 features.
// BM_Canary_CatchRate: representative vs random canary catch rate for a defect hitting ~1% of orgs (counters).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "pushsim/scheduler/canary.hpp"
#include "pushsim/scheduler/canary_experiment.hpp"
#include "pushsim/scheduler/org_key.hpp"
#include "pushsim/scheduler/planner.hpp"

using namespace pushsim;
using namespace pushsim::scheduler;

namespace {

std::uint64_t next(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::string key15(std::uint32_t i) {
  static constexpr char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string k = "00D000000000000";
  for (int pos = 14; pos >= 3 && i > 0; --pos) {
    k[static_cast<std::size_t>(pos)] = digits[i % 62];
    i /= 62;
  }
  return k;
}

struct world {
  std::vector<subscriber> subs;
  profile_set profiles;
  plan p;
};

world make_world(std::size_t n) {
  static const char* zones[] = {"America/New_York",    "America/Chicago",     "America/Denver",   "America/Los_Angeles",
                                "America/Sao_Paulo",   "Europe/London",       "Europe/Berlin",    "Europe/Paris",
                                "Europe/Madrid",       "Asia/Kolkata",        "Asia/Tokyo",       "Asia/Singapore",
                                "Australia/Sydney",    "Australia/Lord_Howe", "Pacific/Auckland", "Asia/Dubai",
                                "Africa/Johannesburg", "America/Toronto",     "Asia/Shanghai",    "UTC"};
  static const char* regions[] = {"NA", "EU", "AP", "CS", "AU", "IN", "USA", "DEU"};
  world w;
  w.subs.reserve(n);
  std::uint64_t s = 42;
  for (std::uint32_t i = 0; i < n; ++i) {
    subscriber sub;
    sub.org_key = (i % 3 == 0) ? org_key18(key15(i)) : key15(i);
    sub.org_name = "Org";
    sub.type = next(s) % 5 == 0 ? org_type::sandbox : org_type::production;
    sub.status = next(s) % 50 == 0 ? org_status::inactive : org_status::active;
    sub.instance_name = std::string(regions[i % 8]) + std::to_string(i % 61);
    sub.installed_version = package_version{2, static_cast<int>(next(s) % 4), 0, 0};
    w.subs.push_back(std::move(sub));
    org_profile prof;
    prof.org_key15 = key15(i);
    prof.time_zone = zones[next(s) % 20];
    prof.fiscal_year_start_month = static_cast<int>(next(s) % 12) + 1;
    prof.features = next(s) & next(s) & 0xffff;
    w.profiles.add(std::move(prof));
  }
  plan& p = w.p;
  p.target.version = package_version{2, 3, 0, 0};
  p.start = *parse_iso8601("2026-11-23T00:00:00Z").time;
  p.deadline = *parse_iso8601("2026-12-23T00:00:00Z").time;
  p.windows.quiet_hours = {{22 * 60, 5 * 60}};
  p.windows.avoid_weekdays_mask = (1u << 6) | 1u;
  p.windows.quarter_end_business_days = 3;
  p.concurrency.orgs_per_request = 2000;
  p.concurrency.max_jobs_in_flight = 60000;
  p.concurrency.max_jobs_in_flight_per_instance = 4000;
  p.waves.resize(3);
  p.waves[0].name = "canary";
  p.waves[0].select.share_percent = 1;
  p.waves[0].bake = std::chrono::hours{6};
  p.waves[1].name = "early";
  p.waves[1].select.share_percent = 10;
  p.waves[1].strategy = selection_strategy::by_instance;
  p.waves[1].bake = std::chrono::hours{12};
  p.waves[2].name = "rest";
  return w;
}

void BM_Planner_Plan(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const world w = make_world(n);
  std::size_t planned = 0, infeasible = 0, slots = 0;
  for (auto _ : state) {
    const plan_result r = plan_rollout(w.subs, &w.profiles, w.p);
    planned = r.orgs.size();
    infeasible = r.infeasible.size();
    slots = 0;
    for (const auto& wave : r.waves) slots += wave.slots.size();
    benchmark::DoNotOptimize(r.orgs.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.counters["planned"] = static_cast<double>(planned);
  state.counters["infeasible"] = static_cast<double>(infeasible);
  state.counters["slots"] = static_cast<double>(slots);
}
BENCHMARK(BM_Planner_Plan)->Arg(10000)->Arg(1000000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Canary_Representative(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<std::uint64_t> features(n);
  std::uint64_t s = 7;
  for (auto& f : features) f = next(s) & next(s) & 0xffff;
  for (auto _ : state) {
    auto chosen = select_representative(features, n / 100, 1);
    benchmark::DoNotOptimize(chosen.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_Canary_Representative)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Canary_CatchRate(benchmark::State& state) {
  canary_experiment_result r;
  for (auto _ : state) r = run_canary_experiment(500, 5000, 50, 1);
  state.counters["representative_catch"] = r.representative_catch_rate;
  state.counters["random_catch"] = r.random_catch_rate;
  state.counters["ratio"] = r.ratio();
  state.counters["defect_share"] = r.mean_defect_share;
}
BENCHMARK(BM_Canary_CatchRate)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
BENCHMARK_MAIN();
