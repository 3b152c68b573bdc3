#include "bulk_v1_query.hpp"

#include <chrono>
#include <utility>

#include "pushsim/base/xml_text.hpp"
#include "pushsim/mock_org/api/soql_compiler.hpp"
#include "pushsim/mock_org/salesforce_id.hpp"
#include "query_csv.hpp"

namespace pushsim::mock_org::api::detail {

namespace {

constexpr std::string_view xml_ns = "http://www.force.com/2009/06/asyncapi/dataload";
// Bulk API 1.0 job ids share the 750 prefix with the 2.0 ones; their sequence starts here so none collide.
constexpr std::uint64_t first_v1_job = 900'000;

void element(std::string& out, std::string_view tag, std::string_view text) {
  out.append("<").append(tag).append(">").append(xml_escape(text)).append("</").append(tag).append(">");
}

rest_response xml_response(int status, const std::string& root, const std::string& inner) {
  rest_response out;
  out.status = status;
  out.headers.emplace_back("Content-Type", "application/xml");
  out.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><" + root + " xmlns=\"" + std::string(xml_ns) + "\">" + inner +
             "</" + root + ">";
  return out;
}

// The Bulk API 1.0 error document.
rest_response xml_error(int status, std::string_view code, std::string_view message) {
  std::string inner;
  element(inner, "exceptionCode", code);
  element(inner, "exceptionMessage", message);
  return xml_response(status, "error", inner);
}

// The text of the first <tag>...</tag> (or <prefix:tag>) in an XML request body, or empty.
std::string tag_text(std::string_view body, std::string_view tag) {
  for (std::size_t at = body.find(tag); at != std::string_view::npos; at = body.find(tag, at + 1)) {
    if (at == 0 || (body[at - 1] != '<' && body[at - 1] != ':') || at + tag.size() >= body.size() ||
        body[at + tag.size()] != '>') {
      continue;
    }
    const std::size_t from = at + tag.size() + 1;
    const std::size_t to = body.find('<', from);
    return to == std::string_view::npos ? std::string() : std::string(body.substr(from, to - from));
  }
  return {};
}

std::int64_t rows_of(const std::shared_ptr<const query_result>& r) {
  return r ? static_cast<std::int64_t>(r->rows.size()) : 0;
}

std::string batch_info_inner(const std::string& job_id, const auto& b, time_point created) {
  std::string x;
  element(x, "id", b.id);
  element(x, "jobId", job_id);
  element(x, "state", b.state);
  if (!b.state_message.empty()) element(x, "stateMessage", b.state_message);
  element(x, "createdDate", format_salesforce(created));
  element(x, "systemModstamp", format_salesforce(created));
  element(x, "numberRecordsProcessed", std::to_string(rows_of(b.result)));
  element(x, "numberRecordsFailed", "0");
  element(x, "totalProcessingTime", "0");
  element(x, "apiActiveProcessingTime", "0");
  element(x, "apexProcessingTime", "0");
  return x;
}

std::string job_info_inner(const auto& j) {
  std::int64_t processed = 0, failed_batches = 0;
  for (const auto& b : j.batches) {
    processed += rows_of(b.result);
    failed_batches += b.state == "Failed" ? 1 : 0;
  }
  const auto n = static_cast<std::int64_t>(j.batches.size());
  std::string x;
  element(x, "id", j.id);
  element(x, "operation", j.operation);
  element(x, "object", j.object);
  element(x, "createdById", "005000000000PSHAAA");
  element(x, "createdDate", format_salesforce(j.created));
  element(x, "systemModstamp", format_salesforce(j.created));
  element(x, "state", j.state);
  element(x, "concurrencyMode", "Parallel");
  element(x, "contentType", "CSV");
  element(x, "numberBatchesQueued", "0");
  element(x, "numberBatchesInProgress", "0");
  element(x, "numberBatchesCompleted", std::to_string(n - failed_batches));
  element(x, "numberBatchesFailed", std::to_string(failed_batches));
  element(x, "numberBatchesTotal", std::to_string(n));
  element(x, "numberRecordsProcessed", std::to_string(processed));
  element(x, "numberRetries", "0");
  element(x, "apiVersion", j.version);
  element(x, "numberRecordsFailed", "0");
  element(x, "totalProcessingTime", "0");
  element(x, "apiActiveProcessingTime", "0");
  element(x, "apexProcessingTime", "0");
  return x;
}

}  // namespace

rest_response bulk_v1_query::handle(const rest_request& req, const route& r, const data_source& ds, time_point now) {
  // Salesforce keeps Bulk API jobs 7 days after they were created; so do we (on sim time).
  std::erase_if(jobs_, [&](const auto& kv) { return now - kv.second.created > std::chrono::hours(24 * 7); });
  if (r.id.empty()) return create_job(req, r, now);
  const auto seq = parse_id("750", r.id);
  auto it = seq && *seq > first_v1_job ? jobs_.find(*seq - first_v1_job) : jobs_.end();
  if (it == jobs_.end()) return xml_error(400, "InvalidJob", "Invalid job id: " + r.id);
  return answer_job(req, r, it->second, ds);
}

rest_response bulk_v1_query::create_job(const rest_request& req, const route& r, time_point now) {
  job j;
  j.operation = tag_text(req.body, "operation");
  if (j.operation != "query" && j.operation != "queryAll") {
    return xml_error(400, "InvalidJob", "Only query and queryAll jobs are served, not: " + j.operation);
  }
  const object_def* o = push_schema().find_object(tag_text(req.body, "object"));
  if (o == nullptr) return xml_error(400, "InvalidJob", "Unable to find object: " + tag_text(req.body, "object"));
  const std::string content = tag_text(req.body, "contentType");
  if (!content.empty() && content != "CSV") return xml_error(400, "InvalidJob", "Only CSV query results are served");
  j.object = o->name;
  j.id = make_id("750", first_v1_job + next_job_);
  j.version = r.version;
  j.created = now;
  rest_response out = xml_response(201, "jobInfo", job_info_inner(j));
  jobs_.emplace(next_job_++, std::move(j));
  return out;
}

rest_response bulk_v1_query::answer_job(const rest_request& req, const route& r, job& j, const data_source& ds) {
  const std::vector<std::string_view> path = r.sub.empty() ? std::vector<std::string_view>{} : split(r.sub, '/');
  if (path.empty()) {
    if (req.method == "POST") {
      const std::string state = tag_text(req.body, "state");
      if (state != "Closed" && state != "Aborted") return xml_error(400, "InvalidJobState", "Invalid state: " + state);
      if (j.state != "Open") return xml_error(400, "InvalidJobState", "Job is not open: " + j.state);
      j.state = state;
    }
    return xml_response(200, "jobInfo", job_info_inner(j));
  }
  if (path.size() == 1 && req.method == "POST") return add_batch(req, j, ds);
  if (path.size() == 1) {
    std::string inner;
    for (const batch& b : j.batches) inner += "<batchInfo>" + batch_info_inner(j.id, b, j.created) + "</batchInfo>";
    return xml_response(200, "batchInfoList", inner);
  }
  return answer_batch(std::vector<std::string>(path.begin(), path.end()), j, ds);
}

rest_response bulk_v1_query::add_batch(const rest_request& req, job& j, const data_source& ds) {
  if (j.state != "Open") return xml_error(400, "InvalidJobState", "Job is not open: " + j.state);
  batch b;
  b.id = make_id("751", next_batch_++);
  auto prepared = prepare_soql(req.body, push_schema());
  if (auto* err = std::get_if<soql_error>(&prepared)) {
    b.state = "Failed";
    b.state_message = err->error_code + ": " + err->message;
  } else {
    const auto q = std::get<std::shared_ptr<const compiled_query>>(std::move(prepared));
    if (const std::string why = bulk_unsupported(*q); !why.empty()) {
      b.state = "Failed";
      b.state_message = why;
    } else {
      b.result = std::make_shared<const query_result>(evaluate_soql(q, ds, nullptr, projection_mode::defer));
    }
  }
  rest_response out = xml_response(201, "batchInfo", batch_info_inner(j.id, b, j.created));
  j.batches.push_back(std::move(b));
  return out;
}

// path: "batch", {batch id}[, "result"[, {result id}]].
rest_response bulk_v1_query::answer_batch(const std::vector<std::string>& path, const job& j, const data_source& ds) {
  const batch* b = nullptr;
  for (const batch& x : j.batches) {
    if (x.id == path[1]) b = &x;
  }
  if (b == nullptr) return xml_error(400, "InvalidBatch", "Invalid batch id: " + path[1]);
  if (path.size() == 2) return xml_response(200, "batchInfo", batch_info_inner(j.id, *b, j.created));
  if (!b->result) return xml_error(400, "InvalidBatch", "Batch failed: " + b->state_message);
  const std::string result_id = "752" + b->id.substr(3);  // one result file per batch
  if (path.size() == 3) {
    std::string inner;
    element(inner, "result", result_id);
    return xml_response(200, "result-list", inner);
  }
  if (path[3] != result_id) return xml_error(400, "InvalidBatch", "Invalid result id: " + path[3]);
  rest_response out;
  out.status = 200;
  out.headers.emplace_back("Content-Type", "text/csv");
  out.body = query_csv(*b->result, 0, b->result->rows.size(), ds, "\n");
  return out;
}

}  // namespace pushsim::mock_org::api::detail
