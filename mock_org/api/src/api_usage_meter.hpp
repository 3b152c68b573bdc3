#pragma once
// api_usage_meter: the daily API request limit of the partner org. Counts authenticated calls per sim minute over
// a rolling 24 h of SIM time, refuses calls past the limit (403 REQUEST_LIMIT_EXCEEDED) and reports usage
// (Sforce-Limit-Info, /limits). Private to mock_org/api.

#include <array>
#include <cstdint>
#include <optional>

#include "pushsim/base/rest_message.hpp"
#include "pushsim/base/time.hpp"

namespace pushsim::mock_org::api::detail {

class api_usage_meter {
 public:
  // daily_requests_max: calls allowed per rolling 24 h of sim time.
  explicit api_usage_meter(std::int64_t daily_requests_max);

  // Counts one call made at now, or answers 403 REQUEST_LIMIT_EXCEEDED (not counted) when the limit is reached.
  std::optional<rest_response> admit(time_point now);
  // Adds `Sforce-Limit-Info: api-usage=N/M` as of now.
  void add_limit_info(rest_response& out, time_point now);
  // GET /limits: DailyApiRequests {Max, Remaining} as of the last admit, DailyBulkV2QueryJobs from the Bulk API 2.0
  // query jobs created in the last 24 h, and fixed values for the others.
  rest_response limits_response(std::int64_t bulk_v2_query_jobs_in_day) const;
  // Calls counted in the 24 h of sim time up to now.
  std::int64_t used_at(time_point now) const;

 private:
  void advance(time_point now);  // expires counters older than 24 h of sim time

  std::int64_t daily_requests_max_;
  // Rolling 24 h usage: one counter per sim minute (ring of 1440).
  std::array<std::int64_t, 1440> counts_{};
  std::array<std::int64_t, 1440> minute_{};
  std::int64_t total_ = 0;        // sum of counts_ (all within the last 24 h after advance)
  std::int64_t last_minute_ = 0;  // the sim minute advance last ran for
  bool started_ = false;
};

}  // namespace pushsim::mock_org::api::detail
