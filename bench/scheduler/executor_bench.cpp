// Executor bookkeeping cost: the executor driven with scripted, instant, all-success results (no REST codec,
// no transport). items = orgs pushed. Target: at most 2 microseconds per org.
#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

#include "pushsim/scheduler/executor.hpp"

using namespace pushsim;
using namespace pushsim::scheduler;

namespace {

const time_point t0 = from_us(1'800'000'000'000'000);

struct scripted_api {
  std::map<std::string, std::int64_t> jobs_per_request;
  std::int64_t next_id = 0;

  api_result answer(const api_call& call) {
    if (std::holds_alternative<create_push_request>(call)) {
      std::string id = "0DV" + std::to_string(++next_id);
      jobs_per_request[id] = 0;
      return request_created{std::move(id)};
    }
    if (const auto* a = std::get_if<add_jobs>(&call)) {
      jobs_added r;
      r.outcomes.resize(a->org_keys.size());
      for (std::size_t i = 0; i < a->org_keys.size(); ++i) {
        r.outcomes[i].org_key = a->org_keys[i];
        r.outcomes[i].job_id = "0DX" + std::to_string(++next_id);
      }
      jobs_per_request[a->request_id] += static_cast<std::int64_t>(a->org_keys.size());
      return r;
    }
    if (std::holds_alternative<patch_request_status>(call)) return status_patched{};
    if (const auto* q = std::get_if<query_request_status_counts>(&call)) {
      status_counts_page p;
      p.rows.push_back({q->request_ids.front(), "Succeeded", jobs_per_request[q->request_ids.front()]});
      return p;
    }
    return jobs_page{};
  }
};

void BM_Executor_Bookkeeping(benchmark::State& state) {
  const auto orgs = static_cast<int>(state.range(0));
  const int per_slot = 1000;
  std::vector<push_slot> slots;
  for (int i = 0; i < orgs; ++i) {
    if (i % per_slot == 0) {
      push_slot s;
      s.wave = i < orgs / 100 ? 0 : (i < orgs / 10 ? 1 : 2);
      s.start = t0 + std::chrono::minutes{i / per_slot};
      slots.push_back(std::move(s));
    }
    slots.back().org_keys.push_back("00D" + std::to_string(100000000 + i));
    slots.back().instance_names.push_back("NA" + std::to_string(i % 40));
  }
  executor_config cfg;
  cfg.version_id = "04tBENCH";
  cfg.bake_time = std::chrono::minutes{30};
  std::int64_t upgraded = 0;
  for (auto _ : state) {
    executor ex(cfg, slots);
    scripted_api api;
    time_point now = t0 - std::chrono::hours{1};
    auto out = ex.on_time(now);
    std::vector<outgoing_call> queue = std::move(out.calls);
    std::optional<time_point> wake = out.wake_at;
    while (true) {
      while (!queue.empty()) {
        std::vector<outgoing_call> next;
        for (auto& c : queue) {
          auto o = ex.on_result(c.id, api.answer(c.call), now);
          for (auto& n : o.calls) next.push_back(std::move(n));
          wake = o.wake_at;
        }
        queue = std::move(next);
      }
      if (ex.done() || !wake) break;
      now = std::max(now, *wake);
      auto o = ex.on_time(now);
      queue = std::move(o.calls);
      wake = o.wake_at;
    }
    const auto r = ex.report();
    upgraded = 0;
    for (const auto& o : r.orgs) upgraded += o.state == org_final_state::upgraded;
    benchmark::DoNotOptimize(upgraded);
  }
  if (upgraded != orgs) state.SkipWithError("not every org was upgraded");
  state.SetItemsProcessed(state.iterations() * orgs);
}

}  // namespace

BENCHMARK(BM_Executor_Bookkeeping)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);
