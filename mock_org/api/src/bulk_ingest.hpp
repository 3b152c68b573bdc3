#pragma once
// bulk_ingest: Bulk API 2.0 ingest jobs for PackagePushJob insert (what the sf CLI uses): create a job, upload CSV
// batches, close it (UploadComplete: processed at once) or abort it, read its info and result files, delete it.
// Jobs are kept 7 days of sim time. Private to mock_org/api.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bulk_csv.hpp"
#include "pushsim/base/rest_message.hpp"
#include "pushsim/base/time.hpp"
#include "pushsim/mock_org/platform.hpp"
#include "router.hpp"

namespace pushsim::mock_org::api::detail {

class bulk_ingest {
 public:
  // Answers a request to .../jobs/ingest[/{id}[/sub]] (r.what == route::bulk), creating jobs on p.
  rest_response handle(const rest_request& req, const route& r, platform& p);

 private:
  struct job {
    std::string id;
    std::string version;
    std::string state = "Open";  // Open, UploadComplete, JobComplete, Aborted, Failed
    std::string line_ending = "LF";
    std::string data;
    bool uploaded = false;
    time_point created{};
    std::string error_message;
    csv_table table;
    std::vector<std::string> success;  // "id" per row, or empty
    std::vector<std::string> failure;  // sf__Error per row, or empty
    std::int64_t processed = 0;
    std::int64_t failed = 0;
  };

  rest_response list_jobs() const;
  rest_response create_job(const rest_request& req, const route& r, time_point now);
  rest_response answer_job(const rest_request& req, const route& r, platform& p);
  static rest_response job_info(const job& j);
  static rest_response upload(job& j, const rest_request& req);
  static rest_response change_state(job& j, const std::string& wanted, platform& p);
  static void process(job& j, platform& p);
  static rest_response result_file(const job& j, const std::string& sub);

  std::map<std::uint64_t, job> jobs_;
  std::uint64_t next_job_ = 1;
};

}  // namespace pushsim::mock_org::api::detail
