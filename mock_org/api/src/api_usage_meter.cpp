#include "api_usage_meter.hpp"

#include <algorithm>
#include <chrono>
#include <string>

#include "api_response.hpp"

namespace pushsim::mock_org::api::detail {

namespace {

std::int64_t sim_minute(time_point t) { return std::chrono::floor<std::chrono::minutes>(t.time_since_epoch()).count(); }

std::size_t slot_of(std::int64_t minute) { return static_cast<std::size_t>(((minute % 1440) + 1440) % 1440); }

}  // namespace

api_usage_meter::api_usage_meter(std::int64_t daily_requests_max) : daily_requests_max_(daily_requests_max) {
  minute_.fill(-1);
}

std::optional<rest_response> api_usage_meter::admit(time_point now) {
  advance(now);
  if (total_ >= daily_requests_max_) {
    return error_response(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
  }
  const std::int64_t m = sim_minute(now);
  const std::size_t slot = slot_of(m);
  minute_[slot] = m;
  ++counts_[slot];
  ++total_;
  return std::nullopt;
}

void api_usage_meter::add_limit_info(rest_response& out, time_point now) {
  advance(now);
  out.headers.emplace_back("Sforce-Limit-Info",
                           "api-usage=" + std::to_string(total_) + "/" + std::to_string(daily_requests_max_));
}

rest_response api_usage_meter::limits_response(std::int64_t bulk_v2_query_jobs_in_day) const {
  const std::int64_t max = daily_requests_max_;
  const std::int64_t remaining = std::max<std::int64_t>(0, max - total_);
  std::string b =
      "{\"DailyApiRequests\":{\"Max\":" + std::to_string(max) + ",\"Remaining\":" + std::to_string(remaining) + "}";
  b += ",\"DailyBulkApiBatches\":{\"Max\":15000,\"Remaining\":15000}";
  constexpr std::int64_t bulk_v2_query_jobs_max = 10000;
  b += ",\"DailyBulkV2QueryJobs\":{\"Max\":" + std::to_string(bulk_v2_query_jobs_max) + ",\"Remaining\":" +
       std::to_string(std::max<std::int64_t>(0, bulk_v2_query_jobs_max - bulk_v2_query_jobs_in_day)) + "}";
  b += ",\"DataStorageMB\":{\"Max\":5,\"Remaining\":5}";
  b += ",\"FileStorageMB\":{\"Max\":20,\"Remaining\":20}}";
  return json_response(200, std::move(b));
}

std::int64_t api_usage_meter::used_at(time_point now) const {
  const std::int64_t m = sim_minute(now);
  std::int64_t total = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (minute_[i] > m - 1440 && minute_[i] <= m) total += counts_[i];
  }
  return total;
}

void api_usage_meter::advance(time_point now) {
  const std::int64_t m = sim_minute(now);
  if (!started_) {
    started_ = true;
    last_minute_ = m;
    return;
  }
  if (m <= last_minute_) return;
  const std::int64_t from = std::max(last_minute_ + 1, m - 1439);
  if (m - last_minute_ >= 1440) {
    counts_.fill(0);
    total_ = 0;
  } else {
    for (std::int64_t k = from; k <= m; ++k) {
      const std::size_t slot = slot_of(k);
      total_ -= counts_[slot];
      counts_[slot] = 0;
      minute_[slot] = k;
    }
  }
  last_minute_ = m;
}

}  // namespace pushsim::mock_org::api::detail
