#include "bulk_ingest.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "api_response.hpp"
#include "pushsim/base/csv_text.hpp"
#include "pushsim/mock_org/salesforce_id.hpp"
#include "record_validation.hpp"

namespace pushsim::mock_org::api::detail {

namespace {

using json = nlohmann::json;

rest_response job_state_error(int status, const std::string& message) {
  return error_response(status, "INVALIDJOBSTATE", message);
}

rest_response invalid_job(const std::string& message) { return error_response(400, "INVALIDJOB", message); }

// The job-info JSON object of Bulk API 2.0.
template <class Job>
void append_job_info(const Job& job, std::string& b) {
  json j = {{"id", job.id},
            {"operation", "insert"},
            {"object", "PackagePushJob"},
            {"createdById", "005000000000PSHAAA"},
            {"createdDate", format_salesforce(job.created)},
            {"systemModstamp", format_salesforce(job.created)},
            {"state", job.state},
            {"concurrencyMode", "Parallel"},
            {"contentType", "CSV"},
            {"apiVersion", std::stod(job.version)},
            {"contentUrl", "services/data/v" + job.version + "/jobs/ingest/" + job.id + "/batches"},
            {"lineEnding", job.line_ending},
            {"columnDelimiter", "COMMA"},
            {"jobType", "V2Ingest"},
            {"numberRecordsProcessed", job.processed},
            {"numberRecordsFailed", job.failed},
            {"retries", 0},
            {"totalProcessingTime", 0},
            {"apiActiveProcessingTime", 0},
            {"apexProcessingTime", 0}};
  if (!job.error_message.empty()) j["errorMessage"] = job.error_message;
  b += j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The columns of an upload: PackagePushRequestId and SubscriberOrganizationKey, or the job's failure message.
struct csv_columns {
  std::optional<std::size_t> request, key;
  std::string error;  // empty: both found and no other column
};

csv_columns find_columns(const csv_table& t) {
  csv_columns c;
  std::string bad_column;
  for (std::size_t i = 0; i < t.header.size(); ++i) {
    if (iequals(t.header[i], "PackagePushRequestId")) c.request = i;
    else if (iequals(t.header[i], "SubscriberOrganizationKey")) c.key = i;
    else if (bad_column.empty()) bad_column = t.header[i];
  }
  if (!bad_column.empty()) {
    c.error = "InvalidBatch : Field name not found : " + bad_column;
  } else if (!c.request || !c.key) {
    c.error = "InvalidBatch : Required fields are missing: [PackagePushRequestId, SubscriberOrganizationKey]";
  }
  return c;
}

// Creates the job of one CSV row: its id, or why not.
std::variant<std::string, record_error> insert_row(platform& p, const std::vector<std::string>& row,
                                                   const csv_columns& c) {
  record_spec s;
  s.object = push_schema().find_object("PackagePushJob");
  s.request_id = *c.request < row.size() ? row[*c.request] : std::string();
  s.org_key = *c.key < row.size() ? row[*c.key] : std::string();
  if (!parse_id(push_request_prefix, s.request_id)) return malformed_request_id(s.request_id);
  return commit(p, s);
}

}  // namespace

rest_response bulk_ingest::handle(const rest_request& req, const route& r, platform& p) {
  if (!r.id.empty()) return answer_job(req, r, p);
  if (req.method == "GET") return list_jobs();
  return create_job(req, r, p.simulation().now());
}

rest_response bulk_ingest::list_jobs() const {
  std::string b = "{\"done\":true,\"records\":[";
  bool first = true;
  for (const auto& [id, j] : jobs_) {
    if (!first) b += ',';
    first = false;
    append_job_info(j, b);
  }
  b += "],\"nextRecordsUrl\":null}";
  return json_response(200, std::move(b));
}

rest_response bulk_ingest::create_job(const rest_request& req, const route& r, time_point now) {
  const json j = json::parse(req.body.begin(), req.body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return json_parse_error();
  auto str = [&](const char* k) -> std::string {
    return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
  };
  const std::string object = str("object"), operation = str("operation");
  const object_def* o = push_schema().find_object(object);
  if (o == nullptr || o->name != "PackagePushJob") return invalid_job("Unable to find object: " + object);
  if (operation != "insert") {
    return invalid_job("InvalidJob : Invalid job operation for PackagePushJob: " + operation);
  }
  if (j.contains("contentType") && str("contentType") != "CSV") {
    return invalid_job("InvalidJob : contentType must be CSV");
  }
  // Salesforce deletes ingest jobs 7 days after they were created; so do we (on sim time).
  std::erase_if(jobs_, [&](const auto& kv) { return now - kv.second.created > std::chrono::hours(24 * 7); });
  job created;
  created.id = make_id("750", next_job_);
  created.version = r.version;
  created.created = now;
  if (j.contains("lineEnding")) {
    created.line_ending = str("lineEnding");
    if (created.line_ending != "LF" && created.line_ending != "CRLF") {
      return invalid_job("InvalidJob : lineEnding must be LF or CRLF");
    }
  }
  rest_response resp = job_info(created);
  jobs_.emplace(next_job_++, std::move(created));
  return resp;
}

rest_response bulk_ingest::answer_job(const rest_request& req, const route& r, platform& p) {
  const auto seq = parse_id("750", r.id);
  auto it = seq ? jobs_.find(*seq) : jobs_.end();
  if (it == jobs_.end()) return not_found_response();
  job& j = it->second;
  if (r.sub == "batches") return upload(j, req);
  if (!r.sub.empty()) return result_file(j, r.sub);
  if (req.method == "GET") return job_info(j);
  if (req.method == "DELETE") {
    if (j.state == "Open") return job_state_error(400, "You can delete a job only when it is closed or aborted");
    jobs_.erase(it);
    return empty_response(204);
  }
  const json body = json::parse(req.body.begin(), req.body.end(), nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("state") || !body["state"].is_string()) {
    return json_parse_error();
  }
  return change_state(j, body["state"].get<std::string>(), p);
}

rest_response bulk_ingest::job_info(const job& j) {
  std::string b;
  append_job_info(j, b);
  return json_response(200, std::move(b));
}

rest_response bulk_ingest::upload(job& j, const rest_request& req) {
  if (j.state != "Open") return job_state_error(409, "Job is not in the Open state: " + j.state);
  if (req.header("Content-Type").substr(0, 8) != "text/csv") return invalid_job("Content-Type must be text/csv");
  j.data += req.body;
  j.uploaded = true;
  return empty_response(201);
}

// PATCH {"state": "Aborted" | "UploadComplete"}. The answer shows the job as the PATCH left it, before processing.
rest_response bulk_ingest::change_state(job& j, const std::string& wanted, platform& p) {
  if (wanted == "Aborted") {
    if (j.state != "Open" && j.state != "UploadComplete") {
      return job_state_error(400, "Job can't be aborted in state " + j.state);
    }
    j.state = "Aborted";
    j.table = parse_csv(j.data);
    return job_info(j);
  }
  if (wanted != "UploadComplete") return job_state_error(400, "Invalid state: " + wanted);
  if (j.state != "Open") return job_state_error(400, "Job is not in the Open state: " + j.state);
  j.state = "UploadComplete";
  rest_response resp = job_info(j);
  process(j, p);  // at once: the next GET sees JobComplete (or Failed)
  return resp;
}

void bulk_ingest::process(job& j, platform& p) {
  j.table = parse_csv(j.data);
  const csv_table& t = j.table;
  const csv_columns cols = find_columns(t);
  if (!j.uploaded || !t.error.empty()) {
    j.state = "Failed";
    j.error_message = !j.uploaded ? "InvalidBatch : No data uploaded" : "InvalidBatch : " + t.error;
    return;
  }
  if (!cols.error.empty()) {
    j.state = "Failed";
    j.error_message = cols.error;
    return;
  }
  j.success.assign(t.rows.size(), {});
  j.failure.assign(t.rows.size(), {});
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    auto res = insert_row(p, t.rows[i], cols);
    ++j.processed;
    if (auto* e = std::get_if<record_error>(&res)) {
      ++j.failed;
      std::string f;
      for (const auto& x : e->fields) f += (f.empty() ? "" : ",") + x;
      j.failure[i] = e->code + ":" + e->message + ":" + f + " --";
    } else {
      j.success[i] = std::get<std::string>(res);
    }
  }
  j.state = "JobComplete";
}

// GET successfulResults | failedResults | unprocessedrecords (CSV in the job's line ending).
rest_response bulk_ingest::result_file(const job& j, const std::string& sub) {
  if (j.state != "JobComplete" && j.state != "Aborted" && j.state != "Failed") {
    return job_state_error(400, "Job is not yet complete: " + j.state);
  }
  const std::string nl = j.line_ending == "CRLF" ? "\r\n" : "\n";
  rest_response out;
  out.status = 200;
  out.headers.emplace_back("Content-Type", "text/csv");
  const csv_table& t = j.table;
  if (sub == "successfulResults") {
    out.body = "\"sf__Id\",\"sf__Created\"," + t.header_text + nl;
    for (std::size_t i = 0; i < j.success.size(); ++i) {
      if (j.success[i].empty()) continue;
      out.body += csv_field(j.success[i], csv_quoting::always) + ",\"true\"," + t.row_text[i] + nl;
    }
  } else if (sub == "failedResults") {
    out.body = "\"sf__Id\",\"sf__Error\"," + t.header_text + nl;
    for (std::size_t i = 0; i < j.failure.size(); ++i) {
      if (j.failure[i].empty()) continue;
      out.body += "\"\"," + csv_field(j.failure[i], csv_quoting::always) + "," + t.row_text[i] + nl;
    }
  } else {
    out.body = t.header_text + nl;
    if (j.state != "JobComplete") {
      for (const auto& row : t.row_text) out.body += row + nl;
    }
  }
  return out;
}

}  // namespace pushsim::mock_org::api::detail
