// SOQL engine throughput: parse+compile of a typical one-row query, and indexed evaluation + JSON rendering
// over a large table.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <span>
#include <string>
#include <variant>

#include "pushsim/mock_org/api/memory_data_source.hpp"
#include "pushsim/mock_org/api/schema.hpp"
#include "pushsim/mock_org/api/soql_compiler.hpp"
#include "pushsim/mock_org/api/soql_evaluator.hpp"
#include "pushsim/mock_org/api/soql_json.hpp"
#include "pushsim/mock_org/api/soql_parser.hpp"

namespace {

using namespace pushsim::mock_org::api;

constexpr const char* one_row_query =
    "SELECT Id, Status, SubscriberOrganizationKey FROM PackagePushJob WHERE Id = '0DX000000004242AAA'";

std::string make_id(const char* prefix, long n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%012ldAAA", prefix, n);
  return buf;
}

void BM_Soql_Parse(benchmark::State& state) {
  for (auto _ : state) {
    auto r = parse_soql(one_row_query);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Soql_Parse);

void BM_Soql_ParseCompile(benchmark::State& state) {
  for (auto _ : state) {
    auto r = prepare_soql(one_row_query, push_schema());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Soql_ParseCompile);

const memory_data_source& jobs(long n) {
  static memory_data_source ds(push_schema());
  static long filled = 0;
  const char* statuses[] = {"Succeeded", "Failed", "Pending", "InProgress"};
  for (; filled < n; ++filled) {
    ds.add("PackagePushJob", {{"Id", make_id("0DX", filled)},
                              {"PackagePushRequestId", make_id("0DV", filled / 1000)},
                              {"SubscriberOrganizationKey", make_id("00D", filled)},
                              {"Status", std::string(statuses[filled % 4])}});
  }
  return ds;
}

// One-row lookup by Id: evaluation plus rendering of the page JSON.
void BM_Soql_EvalIndexed(benchmark::State& state) {
  const auto& ds = jobs(state.range(0));
  const auto q = std::get<std::shared_ptr<const compiled_query>>(prepare_soql(one_row_query, push_schema()));
  std::string out;
  for (auto _ : state) {
    out.clear();
    const query_result r = evaluate_soql(q, ds);
    render_query_result(r, "62.0", out);
    benchmark::DoNotOptimize(out.data());
  }
  if (out.find("0DX000000004242AAA") == std::string::npos) state.SkipWithError("row not found");
}
BENCHMARK(BM_Soql_EvalIndexed)->Arg(100000);

// The same query end to end: parse, compile, evaluate, render.
void BM_Soql_EndToEnd(benchmark::State& state) {
  const auto& ds = jobs(state.range(0));
  std::string out;
  for (auto _ : state) {
    out.clear();
    const auto q = std::get<std::shared_ptr<const compiled_query>>(prepare_soql(one_row_query, push_schema()));
    const query_result r = evaluate_soql(q, ds);
    render_query_result(r, "62.0", out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_Soql_EndToEnd)->Arg(100000);

// A query that must scan: COUNT over a LIKE filter across all rows.
void BM_Soql_ScanCount(benchmark::State& state) {
  const auto& ds = jobs(state.range(0));
  const auto q = std::get<std::shared_ptr<const compiled_query>>(prepare_soql(
      "SELECT COUNT(Id) FROM PackagePushJob WHERE SubscriberOrganizationKey LIKE '%42AAA'", push_schema()));
  for (auto _ : state) {
    const query_result r = evaluate_soql(q, ds);
    benchmark::DoNotOptimize(r.total_size);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Soql_ScanCount)->Arg(100000)->Unit(benchmark::kMillisecond);

// Jobs of one request grouped by status (the scheduler's progress poll), via the PackagePushRequestId index.
void BM_Soql_GroupByStatus(benchmark::State& state) {
  const auto& ds = jobs(state.range(0));
  const auto q = std::get<std::shared_ptr<const compiled_query>>(
      prepare_soql("SELECT Status, COUNT(Id) FROM PackagePushJob WHERE PackagePushRequestId = '0DV000000000042AAA' "
                   "GROUP BY Status",
                   push_schema()));
  std::string out;
  for (auto _ : state) {
    out.clear();
    render_query_result(evaluate_soql(q, ds), "62.0", out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_Soql_GroupByStatus)->Arg(100000)->Unit(benchmark::kMicrosecond);

// First 2000-row page of a 75k-row result over 100k rows: scan, deferred projection of one page, rendering.
void BM_Soql_ScanFirstPage(benchmark::State& state) {
  const auto& ds = jobs(state.range(0));
  const auto q = std::get<std::shared_ptr<const compiled_query>>(prepare_soql(
      "SELECT Id, Status, SubscriberOrganizationKey FROM PackagePushJob WHERE Status != 'Failed'", push_schema()));
  std::string out;
  for (auto _ : state) {
    out.clear();
    const query_result r = evaluate_soql(q, ds, nullptr, projection_mode::defer);
    const auto page = project_rows(*q, std::span<const row_id>(r.rows).first(2000), ds);
    render_records_page(*q, r.total_size, page, "62.0", "/services/data/v62.0/query/01g-2000", out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_Soql_ScanFirstPage)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
