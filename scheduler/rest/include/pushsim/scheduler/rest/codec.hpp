#pragma once
// codec: typed push-API calls <-> Salesforce REST messages (paths, JSON bodies, SOQL text) and back.
//
// Transport failures reach decode as a rest_response with status == transport_error_status (0) and a
// description in the body ("timeout", "connection reset", ...): they decode to api_error kind transport.

#include <string>
#include <string_view>
#include <vector>

#include "pushsim/base/rest_message.hpp"
#include "pushsim/scheduler/api_call.hpp"

namespace pushsim::scheduler::rest {

// rest_response::status meaning "no HTTP response": timeout, dropped connection, TLS or DNS failure.
inline constexpr int transport_error_status = 0;

struct codec_config {
  std::string api_version = "v60.0";  // "vNN.0"
  std::size_t uri_limit = 16 * 1024;  // longest request target split_call produces, in bytes
};

// Classifies a Salesforce error (HTTP status, errorCode, message) as transport, transient, limit or permanent.
api_error classify_error(int http_status, std::string error_code, std::string message);

// Classifies one record's error in a job-creation response.
job_outcome::kind_t classify_job_error(std::string_view status_code, std::string_view message);

class codec {
 public:
  explicit codec(codec_config config = {});

  // The REST request for a call. Queries longer than uri_limit are still encoded: split them first.
  rest_request encode(const api_call& call) const;
  // The typed result of a call from its REST response (errors, malformed bodies and transport failures
  // become api_error).
  api_result decode(const api_call& call, const rest_response& response) const;
  // Splits a query call whose request-id IN list would make the target longer than uri_limit into several
  // calls (their results are to be merged by the caller); any other call comes back alone.
  std::vector<api_call> split_call(const api_call& call) const;

  // "/services/data/v60.0"
  const std::string& base_path() const { return base_; }

 private:
  codec_config config_;
  std::string base_;
};

}  // namespace pushsim::scheduler::rest
