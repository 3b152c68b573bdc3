#include "bulk_query.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "api_response.hpp"
#include "query_csv.hpp"
#include "pushsim/mock_org/api/soql_compiler.hpp"
#include "pushsim/mock_org/salesforce_id.hpp"

namespace pushsim::mock_org::api::detail {

namespace {

using json = nlohmann::json;

// Query job ids share the 750 prefix with ingest jobs; their sequence starts here so the two never collide.
constexpr std::uint64_t first_query_job = 500'000;
// Rows per results page when the client does not ask (maxRecords).
constexpr std::size_t default_page_rows = 50'000;

rest_response invalid_job(const std::string& message) { return error_response(400, "INVALIDJOB", message); }

json job_info_json(const std::string& id, const std::string& version, const std::string& operation,
                   const std::string& object, const std::string& state, const std::string& line_ending,
                   time_point created, std::int64_t processed) {
  return {{"id", id},
          {"operation", operation},
          {"object", object},
          {"createdById", "005000000000PSHAAA"},
          {"createdDate", format_salesforce(created)},
          {"systemModstamp", format_salesforce(created)},
          {"state", state},
          {"concurrencyMode", "Parallel"},
          {"contentType", "CSV"},
          {"apiVersion", std::stod(version)},
          {"jobType", "V2Query"},
          {"lineEnding", line_ending},
          {"columnDelimiter", "COMMA"},
          {"numberRecordsProcessed", processed},
          {"retries", 0},
          {"totalProcessingTime", 0},
          {"isPkChunkingSupported", false}};
}

std::size_t parse_count(std::string_view text, std::size_t fallback) {
  std::size_t n = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  return ec == std::errc{} && ptr == text.data() + text.size() ? n : fallback;
}

}  // namespace

rest_response bulk_query::handle(const rest_request& req, const route& r, const data_source& ds, time_point now) {
  // Salesforce keeps query jobs 7 days after they were created; so do we (on sim time).
  std::erase_if(jobs_, [&](const auto& kv) { return now - kv.second.created > std::chrono::hours(24 * 7); });
  if (!r.id.empty()) return answer_job(req, r, ds);
  if (req.method == "GET") return list_jobs();
  return create_job(req, r, ds, now);
}

rest_response bulk_query::list_jobs() const {
  json records = json::array();
  for (const auto& [id, j] : jobs_) {
    records.push_back(job_info_json(j.id, j.version, j.operation, j.result->query->object->name, j.state, j.line_ending,
                                    j.created, j.result->total_size));
  }
  const json body = {{"done", true}, {"records", records}, {"nextRecordsUrl", nullptr}};
  return json_response(200, body.dump());
}

rest_response bulk_query::create_job(const rest_request& req, const route& r, const data_source& ds, time_point now) {
  const json j = json::parse(req.body.begin(), req.body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return json_parse_error();
  auto str = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
  job created;
  created.operation = str("operation");
  if (created.operation != "query" && created.operation != "queryAll") {
    return invalid_job("InvalidJob : Invalid job operation: " + created.operation);
  }
  if (j.contains("lineEnding")) created.line_ending = str("lineEnding");
  if (created.line_ending != "LF" && created.line_ending != "CRLF") {
    return invalid_job("InvalidJob : lineEnding must be LF or CRLF");
  }
  if (j.contains("columnDelimiter") && str("columnDelimiter") != "COMMA") {
    return invalid_job("InvalidJob : only the COMMA column delimiter is served");
  }
  auto prepared = prepare_soql(str("query"), push_schema());
  if (auto* err = std::get_if<soql_error>(&prepared)) return error_response(400, err->error_code, err->message);
  const auto q = std::get<std::shared_ptr<const compiled_query>>(std::move(prepared));
  if (const std::string why = bulk_unsupported(*q); !why.empty()) return error_response(400, "API_ERROR", why);
  created.result = std::make_shared<const query_result>(evaluate_soql(q, ds, nullptr, projection_mode::defer));
  created.id = make_id("750", first_query_job + next_job_);
  created.version = r.version;
  created.created = now;
  const json info = job_info_json(created.id, created.version, created.operation, q->object->name, created.state,
                                  created.line_ending, now, 0);
  created.state = "JobComplete";  // evaluated at once: the first poll sees it complete
  jobs_.emplace(next_job_++, std::move(created));
  while (!created_times_.empty() && now - created_times_.front() >= std::chrono::hours(24)) created_times_.pop_front();
  created_times_.push_back(now);
  return json_response(200, info.dump());
}

std::int64_t bulk_query::jobs_created_in_day(time_point now) const {
  return std::count_if(created_times_.begin(), created_times_.end(),
                       [&](time_point t) { return t <= now && now - t < std::chrono::hours(24); });
}

rest_response bulk_query::answer_job(const rest_request& req, const route& r, const data_source& ds) {
  const auto seq = parse_id("750", r.id);
  auto it = seq && *seq > first_query_job ? jobs_.find(*seq - first_query_job) : jobs_.end();
  if (it == jobs_.end()) return error_response(404, "NOT_FOUND", "The requested resource does not exist");
  job& j = it->second;
  if (r.sub == "results") return results_page(j, r, ds);
  if (req.method == "DELETE") {
    jobs_.erase(it);
    return empty_response(204);
  }
  if (req.method == "PATCH") {
    const json body = json::parse(req.body.begin(), req.body.end(), nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("state") || body["state"] != "Aborted") {
      return error_response(400, "INVALIDJOBSTATE", "A query job can only be set to Aborted");
    }
    if (j.state == "JobComplete") {
      return error_response(400, "INVALIDJOBSTATE", "Job can't be aborted in state JobComplete");
    }
    j.state = "Aborted";
  }
  const json info = job_info_json(j.id, j.version, j.operation, j.result->query->object->name, j.state, j.line_ending,
                                  j.created, j.result->total_size);
  return json_response(200, info.dump());
}

// GET results[?locator=L][&maxRecords=N]: one page of CSV; Sforce-Locator names the next page ("null" after the
// last), Sforce-NumberOfRecords counts this page's rows.
rest_response bulk_query::results_page(const job& j, const route& r, const data_source& ds) {
  if (j.state != "JobComplete") {
    return error_response(400, "INVALIDJOBSTATE", "Job is not in the JobComplete state: " + j.state);
  }
  const query_result& res = *j.result;
  const std::size_t n = res.rows.size();
  const std::size_t first = r.has_param("locator") ? parse_count(r.param("locator"), n + 1) : 0;
  if (first > n || (first == n && n != 0)) return error_response(400, "INVALIDLOCATOR", "Invalid locator");
  const std::size_t page = std::max<std::size_t>(1, parse_count(r.param("maxRecords"), default_page_rows));
  const std::size_t count = std::min(page, n - first);
  rest_response out;
  out.status = 200;
  out.body = query_csv(res, first, count, ds, j.line_ending == "CRLF" ? "\r\n" : "\n");
  out.headers.emplace_back("Content-Type", "text/csv");
  out.headers.emplace_back("Sforce-Locator", first + count < n ? std::to_string(first + count) : "null");
  out.headers.emplace_back("Sforce-NumberOfRecords", std::to_string(count));
  return out;
}

}  // namespace pushsim::mock_org::api::detail
