// libFuzzer target for api_handler::handle(): any request must get a well-formed answer (a status in 200..599,
// a JSON body for JSON responses) without crashing, asserting or hanging. Input layout:
//   line 1: "METHOD TARGET"; then "Name: value" header lines; an empty line; the rest is the body.
// "Authorization: Bearer tok" is added unless the input sets Authorization itself. One world is shared by all
// runs (requests and jobs accumulate, as on a long-lived server); every 64th run advances sim time by an hour.
// Build: see tests/fuzz/README.md.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "pushsim/base/assert.hpp"
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
  std::uint64_t runs = 0;
  world() : pop(generate_population(*parse_population_spec(nlohmann::json{{"count", 30}}, pkg).value, pkg, 3)) {
    plat = std::make_unique<platform>(sim, pop, pkg, platform_config{}, 3);
    api_config cfg;
    cfg.tokens = {"tok"};
    cfg.body_bytes_max = 1 << 16;
    cfg.query_batch_rows = 2000;
    cfg.faults = parse_fault_config(R"({"seed":1,"any":{"http_503":0.02,"drop":0.01}})").config;
    api = std::make_unique<api_handler>(*plat, cfg);
  }
};

world& the_world() {
  static world w;
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  world& w = the_world();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  rest_request r;
  auto next_line = [&in]() {
    const auto p = in.find('\n');
    std::string_view line = in.substr(0, p);
    in = p == std::string_view::npos ? std::string_view{} : in.substr(p + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  };
  std::string_view first = next_line();
  const auto sp = first.find(' ');
  r.method = std::string(first.substr(0, sp));
  r.target = sp == std::string_view::npos ? std::string("/") : std::string(first.substr(sp + 1));
  bool has_auth = false;
  while (!in.empty()) {
    std::string_view line = next_line();
    if (line.empty()) break;
    const auto colon = line.find(':');
    std::string name(line.substr(0, colon));
    std::string value = colon == std::string_view::npos ? std::string() : std::string(line.substr(colon + 1));
    while (!value.empty() && value.front() == ' ') value.erase(value.begin());
    if (pushsim::iequals(name, "Authorization")) has_auth = true;
    r.headers.emplace_back(std::move(name), std::move(value));
  }
  if (!has_auth) r.headers.emplace_back("Authorization", "Bearer tok");
  r.body = std::string(in);
  const answer a = w.api->respond(r);
  const rest_response& resp = a.response;
  PUSHSIM_ASSERT(resp.status >= 200 && resp.status <= 599, "handler: status out of range");
  if (a.fault == wire_fault::none && resp.header("Content-Type").starts_with("application/json") &&
      !resp.body.empty()) {
    PUSHSIM_ASSERT(nlohmann::json::accept(resp.body), "handler: invalid JSON body: " + resp.body.substr(0, 200));
  }
  if (++w.runs % 64 == 0) w.sim.run_until(w.sim.now() + std::chrono::hours(1));
  return 0;
}
