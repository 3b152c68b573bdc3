#include "instance_client.hpp"

#include <algorithm>

#include "pushsim/push/run_push.hpp"
#include "pushsim/base/url_text.hpp"

namespace pushsim::push::detail {
namespace {

namespace sch = pushsim::scheduler;
using json = nlohmann::json;

query_failure unreachable(const sch::http::send_error& e) {
  return query_failure{push_exit_error,
                       "cannot reach the instance: " + std::string(sch::http::to_string(e.code)) + ": " + e.message};
}

query_failure http_failure(const std::string& what, const rest_response& resp) {
  if (resp.status == 401) {
    return query_failure{push_exit_error,
                         "authentication failed (HTTP 401): check --token: " + resp.body.substr(0, 300)};
  }
  return query_failure{push_exit_error,
                       what + " failed: HTTP " + std::to_string(resp.status) + ": " + resp.body.substr(0, 300)};
}

}  // namespace

instance_client::instance_client(sch::http::http_client& client, const sch::rest::codec& codec,
                                 const std::string& token, wall_clock& clock, duration give_up_after)
    : client_(client), codec_(codec), auth_("Bearer " + token), clock_(clock), give_up_after_(give_up_after) {}

std::variant<rest_response, query_failure> instance_client::send(const rest_request& request, const char* endpoint) {
  std::optional<time_point> failing_since;
  for (int attempt = 0;; ++attempt) {
    ++counts_.api_calls;
    ++counts_.api_calls_by_endpoint[endpoint];
    auto r = client_.send(request);
    if (r && r.value().status < 500) {
      reached_ = true;
      return std::move(r.value());
    }
    if (!r && !reached_) return unreachable(r.error());
    ++counts_.retryable_errors;
    ++counts_.retryable_errors_by_endpoint[endpoint];
    if (!r) ++counts_.transport_errors;
    const auto now = clock_.now();
    if (!failing_since) failing_since = now;
    if (now - *failing_since >= give_up_after_) {
      const std::string why = r ? "HTTP " + std::to_string(r.value().status) + ": " + r.value().body.substr(0, 300)
                                : std::string(sch::http::to_string(r.error().code)) + ": " + r.error().message;
      return query_failure{push_exit_error, "gave up: no successful exchange with the instance for --give-up-after (" +
                                                std::string(endpoint) + ": " + why +
                                                "); nothing was pushed by this run: run the same command again when "
                                                "the instance is back"};
    }
    clock_.sleep_for(std::chrono::seconds{std::min(30, 1 << std::min(attempt, 5))});
  }
}

std::variant<rest_response, query_failure> instance_client::get(const std::string& target, const char* endpoint) {
  rest_request req;
  req.method = "GET";
  req.target = target;
  req.headers.emplace_back("Authorization", auth_);
  req.headers.emplace_back("Accept", "application/json");
  return send(req, endpoint);
}

std::variant<std::vector<json>, query_failure> instance_client::query(const std::string& soql) {
  std::vector<json> records;
  std::string target = codec_.base_path() + "/query?q=" + url_encode(soql);
  while (!target.empty()) {
    auto got = get(target, "query");
    if (auto* f = std::get_if<query_failure>(&got)) return std::move(*f);
    const auto& resp = std::get<rest_response>(got);
    if (resp.status != 200) return http_failure("query '" + soql + "'", resp);
    json body = json::parse(resp.body, nullptr, false);
    if (!body.is_object() || !body.contains("records") || !body["records"].is_array()) {
      return query_failure{push_exit_error, "query '" + soql + "': unexpected response body"};
    }
    for (auto& r : body["records"]) records.push_back(std::move(r));
    const auto next = body.find("nextRecordsUrl");
    target = next != body.end() && next->is_string() ? next->get<std::string>() : std::string();
  }
  return records;
}

std::variant<sch::api_result, query_failure> instance_client::call(const sch::api_call& c) {
  rest_request req = codec_.encode(c);
  req.headers.emplace_back("Authorization", auth_);
  auto got = send(req, sch::endpoint_name(c));
  if (auto* f = std::get_if<query_failure>(&got)) return std::move(*f);
  const auto& resp = std::get<rest_response>(got);
  if (resp.status == 401) return http_failure(sch::endpoint_name(c), resp);
  auto result = codec_.decode(c, resp);
  if (const auto* e = std::get_if<sch::api_error>(&result)) {
    return query_failure{push_exit_error, std::string(sch::endpoint_name(c)) + " failed: HTTP " +
                                              std::to_string(e->http_status) + ": " + e->error_code + " " + e->message};
  }
  return result;
}

std::optional<query_failure> instance_client::set_request_status(const std::string& request_id,
                                                                 const std::string& status) {
  auto got = call(sch::patch_request_status{request_id, status});
  if (auto* f = std::get_if<query_failure>(&got)) return std::move(*f);
  return std::nullopt;
}

std::variant<std::vector<sch::request_row>, query_failure> instance_client::requests_for_version(
    const std::string& version_id) {
  std::vector<sch::request_row> rows;
  sch::api_call next = sch::query_requests_for_version{version_id};
  for (;;) {
    auto got = call(next);
    if (auto* f = std::get_if<query_failure>(&got)) return std::move(*f);
    auto* page = std::get_if<sch::requests_page>(&std::get<sch::api_result>(got));
    if (page == nullptr) return query_failure{push_exit_error, "PackagePushRequest query: unexpected result"};
    for (auto& r : page->rows) rows.push_back(std::move(r));
    if (page->next_locator.empty()) return rows;
    next = sch::query_more{page->next_locator, sch::query_kind::requests, false};
  }
}

std::variant<std::vector<sch::job_row>, query_failure> instance_client::jobs_of(
    const std::vector<std::string>& request_ids) {
  std::vector<sch::job_row> rows;
  if (request_ids.empty()) return rows;
  for (auto next : codec_.split_call(sch::query_jobs{request_ids, {}, false, std::nullopt})) {
    for (;;) {
      auto got = call(next);
      if (auto* f = std::get_if<query_failure>(&got)) return std::move(*f);
      auto* page = std::get_if<sch::jobs_page>(&std::get<sch::api_result>(got));
      if (page == nullptr) return query_failure{push_exit_error, "PackagePushJob query: unexpected result"};
      for (auto& r : page->rows) rows.push_back(std::move(r));
      if (page->next_locator.empty()) break;
      next = sch::query_more{page->next_locator, sch::query_kind::jobs, false};
    }
  }
  return rows;
}

}  // namespace pushsim::push::detail
