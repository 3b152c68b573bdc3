#pragma once
// bulk_query: Bulk API 2.0 query jobs (what `sf data query --bulk`, `sf data export bulk` and jsforce's bulk2.query
// use): create a job from SOQL (evaluated at once on the current world), read its info (JobComplete), page its CSV
// results by Sforce-Locator with Sforce-NumberOfRecords, abort or delete it. Jobs are kept 7 days of sim time.
// Private to mock_org/api.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include "pushsim/base/rest_message.hpp"
#include "pushsim/base/time.hpp"
#include "pushsim/mock_org/api/data_source.hpp"
#include "pushsim/mock_org/api/soql_evaluator.hpp"
#include "router.hpp"

namespace pushsim::mock_org::api::detail {

class bulk_query {
 public:
  // Answers a request to .../jobs/query[/{id}[/results]] (r.what == route::bulk_query) over ds.
  rest_response handle(const rest_request& req, const route& r, const data_source& ds, time_point now);
  // Query jobs created in the 24 h of sim time up to now, deleted ones included (/limits DailyBulkV2QueryJobs).
  std::int64_t jobs_created_in_day(time_point now) const;

 private:
  struct job {
    std::string id;
    std::string version;
    std::string operation = "query";       // query | queryAll
    std::string state = "UploadComplete";  // UploadComplete (as created), JobComplete, Aborted
    std::string line_ending = "LF";
    time_point created{};
    std::shared_ptr<const query_result> result;  // deferred rows, projected page by page
  };

  rest_response list_jobs() const;
  rest_response create_job(const rest_request& req, const route& r, const data_source& ds, time_point now);
  rest_response answer_job(const rest_request& req, const route& r, const data_source& ds);
  static rest_response results_page(const job& j, const route& r, const data_source& ds);

  std::map<std::uint64_t, job> jobs_;
  std::deque<time_point> created_times_;  // creation times of the last 24 h, oldest first
  std::uint64_t next_job_ = 1;
};

}  // namespace pushsim::mock_org::api::detail
