#pragma once
// api_handler: the Salesforce push-upgrade REST API as a pure function rest_request -> rest_response over a
// mock_org::platform. No sockets: the in-process rehearsal calls handle() directly; `pushsim serve` only moves
// bytes between Beast and handle(). Single-threaded (the caller serializes calls).
//
// Surface (NN.0 from api_config::versions; sObject names in paths case-insensitive; fields in canonical case):
//   GET  /services/data                                   versions [{"label","url","version"}]
//   GET  /services/data/vNN.0                             resource map
//   GET  /services/data/vNN.0/limits                      DailyApiRequests {Max, Remaining}, ...
//   GET  /services/data/vNN.0/sobjects                    global describe
//   GET  /services/data/vNN.0/sobjects/X[/describe]       object info / describe
//   POST /services/data/vNN.0/sobjects/X                  create PackagePushRequest | PackagePushJob -> 201
//   GET  /services/data/vNN.0/sobjects/X/{id}[?fields=]   retrieve
//   PATCH /services/data/vNN.0/sobjects/X/{id}            PackagePushRequest Status Pending|Canceled -> 204
//   POST /services/data/vNN.0/composite/tree/PackagePushJob   <= 200 records, all-or-nothing
//   POST /services/data/vNN.0/composite/sobjects          {"allOrNone", "records"} (create only)
//   GET  /services/data/vNN.0/query[/]?q=...   queryAll   first page; /query/<locator>-<offset> next pages
//   Bulk API 2.0 ingest for PackagePushJob insert: POST jobs/ingest, PUT jobs/ingest/{id}/batches (CSV),
//        PATCH jobs/ingest/{id} {"state":"UploadComplete"|"Aborted"}, GET jobs/ingest/{id},
//        GET .../successfulResults | failedResults | unprocessedrecords, DELETE jobs/ingest/{id}
//   GET  /services/oauth2/userinfo
// Every response carries `Sforce-Limit-Info: api-usage=N/M` (N: authenticated calls in the last 24 h of SIM time).
//
// Faults (see fault_config): decided after routing and auth but before the platform is touched, so a faulted call
// never changes state ("Something bad has happened" on a job-creation call means nothing was created).
// respond() gives the response with its transport fault and simulated latency as typed fields (answer.hpp): the
// socket server acts the fault out on the connection and ignores the latency; the in-process transport turns the
// fault into a transport failure and delays the answer by the latency on sim time.

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pushsim/base/rest_message.hpp"
#include "pushsim/base/time.hpp"
#include "pushsim/mock_org/api/answer.hpp"
#include "pushsim/mock_org/api/fault_config.hpp"
#include "pushsim/mock_org/api/platform_data_source.hpp"
#include "pushsim/mock_org/api/soql_evaluator.hpp"
#include "pushsim/mock_org/platform.hpp"
#include "pushsim/sim/random.hpp"

namespace pushsim::mock_org::api {

// Handler settings.
struct api_config {
  std::vector<std::string> versions = {"58.0", "59.0", "60.0", "61.0", "62.0"};  // ascending
  std::vector<std::string> tokens;                  // accepted Bearer tokens (empty: every request is refused with 401)
  bool spaced_status = false;                       // running status spelled "In Progress" (else "InProgress")
  std::int64_t daily_api_requests_max = 1'000'000;  // per rolling 24 h of sim time
  std::size_t body_bytes_max = 64u << 20;           // -> 413
  std::size_t uri_bytes_max = 16 * 1024;            // -> 414
  std::size_t header_bytes_max = 32 * 1024;         // -> 431
  std::size_t query_batch_rows = 2000;              // default page size (Sforce-Query-Options batchSize 200..2000)
  duration locator_ttl = std::chrono::minutes(15);  // sim time a query locator stays valid after its last use
  std::size_t max_open_locators = 10;               // beyond: the least recently used one is closed
  std::string instance_url = "http://127.0.0.1";    // for userinfo URLs
  partner_org_info partner;
  fault_config faults;
};

// The REST handler. Holds the platform by reference (it must outlive the handler).
class api_handler {
 public:
  api_handler(platform& p, api_config config);
  ~api_handler();
  api_handler(const api_handler&) = delete;
  api_handler& operator=(const api_handler&) = delete;

  // Answers one request. Never throws.
  answer respond(const rest_request& req);
  // The response alone (tests, tools that need no transport behaviour).
  rest_response handle(const rest_request& req);

  const api_config& config() const { return config_; }
  // Authenticated API calls counted in the last 24 h of sim time.
  std::int64_t api_usage() const;
  // Calls answered with a seeded fault so far.
  std::uint64_t faults_injected() const;
  const platform_data_source& data() const { return ds_; }

 private:
  struct state;  // usage counters, fault draws, query cursors and Bulk jobs (api_handler.cpp)

  platform& p_;
  api_config config_;
  platform_data_source ds_;
  std::unique_ptr<state> state_;
};

}  // namespace pushsim::mock_org::api
