#pragma once
// bulk_v1_query: Bulk API 1.0 query jobs under /services/async/NN.0/ (XML job and batch infos, what CumulusCI's
// push_all / push_sandbox read subscribers with, through salesforce_bulk): create a query job, add the SOQL as a
// batch (evaluated at once on the current world), read job / batch infos, the batch's result list and its CSV
// result, close or abort the job. Jobs are kept 7 days of sim time. Private to mock_org/api.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pushsim/base/rest_message.hpp"
#include "pushsim/base/time.hpp"
#include "pushsim/mock_org/api/data_source.hpp"
#include "pushsim/mock_org/api/soql_evaluator.hpp"
#include "router.hpp"

namespace pushsim::mock_org::api::detail {

class bulk_v1_query {
 public:
  // Answers a request to /services/async/NN.0/job[/{id}[/batch[/{batch}[/result[/{result}]]]]] (route::bulk_v1).
  rest_response handle(const rest_request& req, const route& r, const data_source& ds, time_point now);

 private:
  struct batch {
    std::string id;
    std::string state = "Completed";  // Completed or Failed
    std::string state_message;
    std::shared_ptr<const query_result> result;  // null when Failed
  };
  struct job {
    std::string id;
    std::string version;
    std::string operation;  // query | queryAll
    std::string object;
    std::string state = "Open";  // Open, Closed, Aborted
    time_point created{};
    std::vector<batch> batches;
  };

  rest_response create_job(const rest_request& req, const route& r, time_point now);
  rest_response answer_job(const rest_request& req, const route& r, job& j, const data_source& ds);
  rest_response add_batch(const rest_request& req, job& j, const data_source& ds);
  static rest_response answer_batch(const std::vector<std::string>& path, const job& j, const data_source& ds);

  std::map<std::uint64_t, job> jobs_;
  std::uint64_t next_job_ = 1;
  std::uint64_t next_batch_ = 1;
};

}  // namespace pushsim::mock_org::api::detail
