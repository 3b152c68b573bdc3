// In-process REST handler throughput: handle() of a one-row SOQL query over a platform with 100k subscribers
// (target >= 500k requests/s), plus a paged subscriber page and a job-creation call for scale.

#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "pushsim/mock_org/api/api_handler.hpp"
#include "pushsim/mock_org/population_spec.hpp"

namespace {

using namespace pushsim;
using namespace pushsim::mock_org;
using namespace pushsim::mock_org::api;

struct world {
  package pkg = default_example_package();
  sim::simulation sim{*parse_iso8601("2026-11-18T15:00:00Z").time};
  population pop;
  std::unique_ptr<platform> plat;
  std::unique_ptr<api_handler> api;
  std::string request_id;
  world() : pop(generate_population(*parse_population_spec(nlohmann::json{{"count", 100000}}, pkg).value, pkg, 1)) {
    plat = std::make_unique<platform>(sim, pop, pkg, platform_config{}, 1);
    api_config cfg;
    cfg.tokens = {"tok"};
    cfg.daily_api_requests_max = std::int64_t{1} << 60;  // millions of calls in one sim minute: never the 403 path
    api = std::make_unique<api_handler>(*plat, cfg);
    for (int i = 0; i < 50; ++i) (void)plat->create_request(*pkg.find_version({2, 4, 0}), std::nullopt);
    request_id = platform::request_id_string(17);
  }
};

world& the_world() {
  static world w;
  return w;
}

void BM_Handle_Query1(benchmark::State& state) {
  world& w = the_world();
  rest_request r{
      "GET",
      "/services/data/v62.0/query?q=SELECT+Id,+Status+FROM+PackagePushRequest+WHERE+Id+=+'" + w.request_id + "'",
      {{"Authorization", "Bearer tok"}, {"Accept", "application/json"}},
      {}};
  std::size_t bytes = 0;
  for (auto _ : state) {
    rest_response resp = w.api->handle(r);
    if (resp.status != 200) state.SkipWithError("unexpected status");
    bytes += resp.body.size();
    benchmark::DoNotOptimize(resp);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["body_bytes"] = static_cast<double>(bytes) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_Handle_Query1);

void BM_Handle_SubscriberPage(benchmark::State& state) {
  world& w = the_world();
  rest_request r{"GET",
                 "/services/data/v62.0/query?q=SELECT+Id,+OrgKey,+OrgStatus+FROM+PackageSubscriber+WHERE+"
                 "OrgKey+=+'" +
                     w.pop.key(4242).str() + "'",
                 {{"Authorization", "Bearer tok"}},
                 {}};
  for (auto _ : state) benchmark::DoNotOptimize(w.api->handle(r));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Handle_SubscriberPage);

}  // namespace
