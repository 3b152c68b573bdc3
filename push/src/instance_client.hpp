#pragma once
// instance_client: the exchanges of `pushsim push` outside the rollout — the preliminary queries (instance,
// package, version, open requests and jobs), raw SOQL or typed calls through the codec, every page followed.
// Failures are values with the exit code they lead to.
// Until the instance has answered once, a transport failure ends the run at once (a wrong URL, nothing pushed);
// afterwards transport failures and 5xx answers are retried (1 s, 2 s, 4 s ... 30 s) for up to give_up_after.
// Private to pushsim::push.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "pushsim/push/summary.hpp"
#include "pushsim/push/wall_clock.hpp"
#include "pushsim/scheduler/api_call.hpp"
#include "pushsim/scheduler/http/http_client.hpp"
#include "pushsim/scheduler/rest/codec.hpp"

namespace pushsim::push::detail {

// Why a preliminary exchange failed: the exit code it leads to and the message for the operator.
struct query_failure {
  int exit_code = 1;
  std::string message;
};

class instance_client {
 public:
  instance_client(scheduler::http::http_client& client, const scheduler::rest::codec& codec, const std::string& token,
                  wall_clock& clock, duration give_up_after);

  // The records of a SOQL query, every page (the text is URL-encoded here; quote its literals with soql_quote).
  std::variant<std::vector<nlohmann::json>, query_failure> query(const std::string& soql);

  // Every PackagePushRequest of a version, every page.
  std::variant<std::vector<scheduler::request_row>, query_failure> requests_for_version(const std::string& version_id);
  // Every PackagePushJob of these requests (split under the URI limit), every page.
  std::variant<std::vector<scheduler::job_row>, query_failure> jobs_of(const std::vector<std::string>& request_ids);

  // PATCHes a push request's Status ("Pending" schedules it, "Canceled" aborts it).
  std::optional<query_failure> set_request_status(const std::string& request_id, const std::string& status);

  const std::string& authorization() const { return auth_; }
  const exchange_counts& counts() const { return counts_; }

 private:
  std::variant<rest_response, query_failure> send(const rest_request& request, const char* endpoint);
  std::variant<rest_response, query_failure> get(const std::string& target, const char* endpoint);
  std::variant<scheduler::api_result, query_failure> call(const scheduler::api_call& c);

  scheduler::http::http_client& client_;
  const scheduler::rest::codec& codec_;
  std::string auth_;
  wall_clock& clock_;
  duration give_up_after_;
  bool reached_ = false;  // the instance has answered at least once
  exchange_counts counts_;
};

}  // namespace pushsim::push::detail
