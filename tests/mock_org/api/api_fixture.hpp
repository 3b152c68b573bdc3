#pragma once
// A small world behind an api_handler for the REST tests: the example package, N generated orgs on 2.3.1
// (quiet platform noise), token "tok".

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "pushsim/mock_org/api/api_handler.hpp"
#include "pushsim/mock_org/population_spec.hpp"

namespace pushsim::mock_org::api::testing {

inline const package& example_pkg() {
  static const package p = default_example_package();
  return p;
}

struct api_world {
  sim::simulation sim{*parse_iso8601("2026-11-18T15:00:00Z").time};
  population pop;
  std::unique_ptr<platform> plat;
  std::unique_ptr<api_handler> api;

  explicit api_world(std::size_t orgs = 200, api_config cfg = {}, std::uint64_t seed = 11) : pop(make_pop(orgs, seed)) {
    platform_config pc;
    pc.noise.unclassified_rate = 0;
    pc.noise.lock_base_rate = 0;
    pc.noise.lock_rate_per_active_user = 0;
    pc.noise.maintenance_fails_jobs = false;
    plat = std::make_unique<platform>(sim, pop, example_pkg(), pc, seed);
    if (cfg.tokens.empty()) cfg.tokens = {"tok"};
    api = std::make_unique<api_handler>(*plat, std::move(cfg));
  }

  static population make_pop(std::size_t n, std::uint64_t seed) {
    auto spec = parse_population_spec(
        nlohmann::json{
            {"count", n},
            {"mix", {{"status", {{"Active", 1}}}, {"installed_version", {{"2.3.1", 1}}}, {"push_blocked", 0}}}},
        example_pkg());
    PUSHSIM_ASSERT(static_cast<bool>(spec), "test population spec");
    return generate_population(*spec.value, example_pkg(), seed);
  }

  std::string version_id(std::uint16_t ma, std::uint16_t mi, std::uint16_t pa) const {
    return plat->version_id_string(*example_pkg().find_version({ma, mi, pa}));
  }

  // The whole answer (response, transport fault, simulated latency) to an authenticated request.
  answer respond(std::string method, std::string target, std::string body = {}, header_list extra = {}) {
    rest_request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.headers = {{"Authorization", "Bearer tok"}, {"Content-Type", "application/json"}};
    for (auto& h : extra) r.headers.push_back(std::move(h));
    return api->respond(r);
  }
  rest_response call(std::string method, std::string target, std::string body = {}, header_list extra = {}) {
    return respond(std::move(method), std::move(target), std::move(body), std::move(extra)).response;
  }
  rest_response get(std::string target, header_list extra = {}) {
    return call("GET", std::move(target), {}, std::move(extra));
  }
  nlohmann::json get_json(std::string target) { return nlohmann::json::parse(get(std::move(target)).body); }
  // A new PackagePushRequest for 2.4.0 (via REST); its id.
  std::string new_request() {
    auto r = call("POST", "/services/data/v62.0/sobjects/PackagePushRequest",
                  nlohmann::json{{"PackageVersionId", version_id(2, 4, 0)}}.dump());
    PUSHSIM_ASSERT(r.status == 201, "create request: " + r.body);
    return nlohmann::json::parse(r.body)["id"].get<std::string>();
  }
};

}  // namespace pushsim::mock_org::api::testing
