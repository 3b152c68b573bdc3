#include "pushsim/mock_org/api/api_handler.hpp"

// The handler's front: size limits, routing, authentication, then the session part (API usage, method check,
// seeded faults) and the dispatch to the endpoint files. Each endpoint lives in a file of its own (see the
// includes); this file only wires them.

#include <algorithm>
#include <optional>
#include <utility>

#include "api_response.hpp"
#include "api_usage_meter.hpp"
#include "bulk_ingest.hpp"
#include "bulk_query.hpp"
#include "bulk_v1_query.hpp"
#include "composite_endpoints.hpp"
#include "describe.hpp"
#include "fault_injector.hpp"
#include "pushsim/base/assert.hpp"
#include "query_endpoint.hpp"
#include "router.hpp"
#include "sobject_endpoints.hpp"

namespace pushsim::mock_org::api {

using namespace detail;

// What the handler keeps between calls, and the session part of answering one.
struct api_handler::state {
  state(platform& p, const api_config& config, platform_data_source& ds)
      : p_(p),
        config_(config),
        ds_(ds),
        faults_(config_.faults),
        usage_(config_.daily_api_requests_max),
        queries_(config_) {}
  // Counts the call, checks the method, then answers with a seeded fault or the endpoint.
  api::answer answer(const rest_request& req, const route& r);
  // Adds what every answered call carries: the usage header and the simulated latency.
  void finish(api::answer& out);
  // The endpoint's answer.
  rest_response dispatch(const rest_request& req, const route& r);

  platform& p_;
  const api_config& config_;
  platform_data_source& ds_;
  fault_injector faults_;
  api_usage_meter usage_;
  query_endpoint queries_;
  bulk_ingest bulk_;
  bulk_query bulk_queries_;
  bulk_v1_query bulk_v1_queries_;
};

api_handler::api_handler(platform& p, api_config config)
    : p_(p),
      config_(std::move(config)),
      ds_(p, config_.partner, config_.spaced_status),
      state_(std::make_unique<state>(p_, config_, ds_)) {
  PUSHSIM_ASSERT(!config_.versions.empty(), "api_handler: at least one API version");
  PUSHSIM_ASSERT(config_.query_batch_rows >= 1, "api_handler: query_batch_rows must be positive");
}

api_handler::~api_handler() = default;

std::int64_t api_handler::api_usage() const { return state_->usage_.used_at(p_.simulation().now()); }

std::uint64_t api_handler::faults_injected() const { return state_->faults_.injected(); }

namespace {

// 414 / 431 / 413 for a request over the configured sizes (the socket server enforces them too), else nullopt.
std::optional<rest_response> size_limit_error(const rest_request& req, const api_config& config) {
  if (req.target.size() > config.uri_bytes_max) {
    return error_response(414, "URI_TOO_LONG", "URI Too Long");
  }
  std::size_t header_bytes = 0;
  for (const auto& [k, v] : req.headers) header_bytes += k.size() + v.size() + 4;
  if (header_bytes > config.header_bytes_max) {
    return error_response(431, "REQUEST_HEADER_FIELDS_TOO_LARGE", "Request Header Fields Too Large");
  }
  if (req.body.size() > config.body_bytes_max) {
    return error_response(413, "REQUEST_ENTITY_TOO_LARGE", "Request Entity Too Large");
  }
  return std::nullopt;
}

// Whether the request carries one of the accepted tokens ("Bearer <token>" or "OAuth <token>", or the Bulk API
// 1.0's X-SFDC-Session header).
bool authorized(const rest_request& req, const std::vector<std::string>& tokens) {
  const std::string_view auth = req.header("Authorization");
  std::string_view token = req.header("X-SFDC-Session");
  if (auth.size() > 7 && iequals(auth.substr(0, 7), "Bearer ")) token = auth.substr(7);
  else if (auth.size() > 6 && iequals(auth.substr(0, 6), "OAuth ")) token = auth.substr(6);
  return !token.empty() && std::find(tokens.begin(), tokens.end(), token) != tokens.end();
}

rest_response invalid_session() {
  rest_response e = error_response(401, "INVALID_SESSION_ID", "Session expired or invalid");
  e.headers.emplace_back("WWW-Authenticate", "Token");
  return e;
}

rest_response method_not_allowed(std::string_view method, std::string_view allowed) {
  rest_response out =
      error_response(405, "METHOD_NOT_ALLOWED",
                     "HTTP Method '" + std::string(method) + "' not allowed. Allowed are " + std::string(allowed));
  out.headers.emplace_back("Allow", std::string(allowed));
  return out;
}

}  // namespace

rest_response api_handler::handle(const rest_request& req) { return respond(req).response; }

answer api_handler::respond(const rest_request& req) {
  if (auto e = size_limit_error(req, config_)) return *std::move(e);
  const route r = match_route(req, config_.versions);
  answer out;
  if (r.is_public()) {
    out = versions_response(req.method, config_.versions);
  } else {
    if (!authorized(req, config_.tokens)) return invalid_session();
    out = state_->answer(req, r);
  }
  state_->finish(out);
  return out;
}

// Counts the call against the daily limit, checks the method, then answers with a seeded fault or the endpoint.
answer api_handler::state::answer(const rest_request& req, const route& r) {
  if (auto refused = usage_.admit(p_.simulation().now())) return *std::move(refused);
  if (r.what == route::not_found) return not_found_response();
  if (!r.allows(req.method)) return method_not_allowed(req.method, r.allowed);
  // A seeded fault is decided before the platform is touched, so a faulted call changes nothing.
  if (auto fault = faults_.draw(r.cls)) return *std::move(fault);
  return dispatch(req, r);
}

// What every answered call carries: API usage, and the simulated latency when faults configure one.
void api_handler::state::finish(api::answer& out) {
  usage_.add_limit_info(out.response, p_.simulation().now());
  out.latency = faults_.draw_latency();
}

rest_response api_handler::state::dispatch(const rest_request& req, const route& r) {
  const bool get = req.method == "GET" || req.method == "HEAD";
  switch (r.what) {
    case route::version_root: return version_root_response(r.version, config_);
    case route::limits: return usage_.limits_response(bulk_queries_.jobs_created_in_day(p_.simulation().now()));
    case route::userinfo: return userinfo_response(config_);
    case route::identity: return identity_response(config_);
    case route::query: return queries_.first_page(req, r, ds_, p_.simulation().now());
    case route::query_more: return queries_.next_page(r, ds_, p_.simulation().now());
    case route::sobjects_global: return global_describe_response(r.version);
    case route::sobject_describe: return describe_response(*r.object, r.version);
    case route::sobject_info:
      if (get) return object_info_response(*r.object, r.version);
      return create_record(p_, *r.object, req.body);
    case route::sobject_row:
      if (get) return retrieve_record(ds_, r);
      return patch_record(p_, ds_, r, req.body);
    case route::composite_tree: return composite_tree(p_, *r.object, req.body);
    case route::composite_sobjects: return composite_sobjects(p_, req.body);
    case route::bulk: return bulk_.handle(req, r, p_);
    case route::bulk_query: return bulk_queries_.handle(req, r, ds_, p_.simulation().now());
    case route::bulk_v1: return bulk_v1_queries_.handle(req, r, ds_, p_.simulation().now());
    default: break;
  }
  return not_found_response();
}

}  // namespace pushsim::mock_org::api
