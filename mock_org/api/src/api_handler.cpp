#include "pushsim/mock_org/api/api_handler.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include <simdjson.h>

#include "api_response.hpp"
#include "api_usage_meter.hpp"
#include "composite_endpoints.hpp"
#include "describe.hpp"
#include "fault_injector.hpp"
#include "query_endpoint.hpp"
#include "record_validation.hpp"
#include "pushsim/base/assert.hpp"
#include "pushsim/base/csv_text.hpp"
#include "router.hpp"
#include "sobject_access.hpp"
#include "sobject_endpoints.hpp"
#include "pushsim/mock_org/api/soql_compiler.hpp"
#include "pushsim/mock_org/api/soql_json.hpp"
#include "pushsim/mock_org/salesforce_id.hpp"

namespace pushsim::mock_org::api {

using json = nlohmann::json;
using namespace detail;

// ---------------------------------------------------------------------------------------------------------------
// small helpers
// ---------------------------------------------------------------------------------------------------------------
namespace {

// A parsed CSV (RFC 4180 quoting). Rows keep their original text for result files.
struct csv_table {
  std::vector<std::string> header;
  std::string header_text;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row_text;
  std::string error;
};

csv_table parse_csv(std::string_view text) {
  csv_table t;
  std::size_t i = 0;
  bool first = true;
  while (i < text.size()) {
    const std::size_t line_start = i;
    std::vector<std::string> fields;
    std::string cur;
    bool quoted = false;
    bool in_quotes = false;
    for (;;) {
      if (i >= text.size()) {
        if (in_quotes) {
          t.error = "unterminated quoted field";
          return t;
        }
        fields.push_back(std::move(cur));
        break;
      }
      const char c = text[i];
      if (in_quotes) {
        if (c == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            cur.push_back('"');
            i += 2;
            continue;
          }
          in_quotes = false;
          ++i;
          continue;
        }
        cur.push_back(c);
        ++i;
        continue;
      }
      if (c == '"' && cur.empty() && !quoted) {
        in_quotes = quoted = true;
        ++i;
        continue;
      }
      if (c == ',') {
        fields.push_back(std::move(cur));
        cur.clear();
        quoted = false;
        ++i;
        continue;
      }
      if (c == '\r' || c == '\n') {
        fields.push_back(std::move(cur));
        break;
      }
      cur.push_back(c);
      ++i;
    }
    std::size_t line_end = i;
    if (i < text.size() && text[i] == '\r') ++i;
    if (i < text.size() && text[i] == '\n') ++i;
    const std::string_view raw = text.substr(line_start, line_end - line_start);
    if (raw.empty()) continue;
    if (first) {
      t.header = std::move(fields);
      t.header_text = std::string(raw);
      first = false;
    } else {
      t.rows.push_back(std::move(fields));
      t.row_text.emplace_back(raw);
    }
  }
  if (first) t.error = "no header row";
  return t;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// private types
// ---------------------------------------------------------------------------------------------------------------
namespace {
struct bulk_job {
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
}  // namespace

struct api_handler::state {
  state(platform& p, const api_config& config, platform_data_source& ds)
      : p_(p),
        config_(config),
        ds_(ds),
        faults_(config_.faults),
        usage_(config_.daily_api_requests_max),
        queries_(config_) {}
  rest_response answer(const rest_request& req, const route& r);
  void finish(rest_response& out);
  rest_response dispatch(const rest_request& req, const route& r);
  rest_response do_bulk(const rest_request& req, const route& r);

  platform& p_;
  const api_config& config_;
  platform_data_source& ds_;
  fault_injector faults_;
  api_usage_meter usage_;
  query_endpoint queries_;
  std::map<std::uint64_t, std::unique_ptr<bulk_job>> bulk_jobs_;
  std::uint64_t next_bulk_job_ = 1;
};

// ---------------------------------------------------------------------------------------------------------------
// handler
// ---------------------------------------------------------------------------------------------------------------
api_handler::api_handler(platform& p, api_config config)
    : p_(p),
      config_(std::move(config)),
      ds_(p, config_.partner, config_.spaced_status),
      state_(std::make_unique<state>(p_, config_, ds_)) {
  PUSHSIM_ASSERT(!config_.versions.empty(), "api_handler: at least one API version");
  PUSHSIM_ASSERT(config_.query_batch_rows >= 1, "api_handler: query_batch_rows must be positive");
}

api_handler::~api_handler() = default;

std::int64_t api_handler::api_usage() const { return state_->usage_.used_at(p_.simulation().now()); }

std::uint64_t api_handler::faults_injected() const { return state_->faults_.injected(); }

namespace {

// 414 / 431 / 413 for a request over the configured sizes (the socket server enforces them too), else nullopt.
std::optional<rest_response> size_limit_error(const rest_request& req, const api_config& config) {
  if (req.target.size() > config.uri_bytes_max) {
    return error_response(414, "URI_TOO_LONG", "URI Too Long");
  }
  std::size_t header_bytes = 0;
  for (const auto& [k, v] : req.headers) header_bytes += k.size() + v.size() + 4;
  if (header_bytes > config.header_bytes_max) {
    return error_response(431, "REQUEST_HEADER_FIELDS_TOO_LARGE", "Request Header Fields Too Large");
  }
  if (req.body.size() > config.body_bytes_max) {
    return error_response(413, "REQUEST_ENTITY_TOO_LARGE", "Request Entity Too Large");
  }
  return std::nullopt;
}

// Whether the request carries one of the accepted tokens ("Bearer <token>" or "OAuth <token>").
bool authorized(const rest_request& req, const std::vector<std::string>& tokens) {
  const std::string_view auth = req.header("Authorization");
  std::string_view token;
  if (auth.size() > 7 && iequals(auth.substr(0, 7), "Bearer ")) token = auth.substr(7);
  else if (auth.size() > 6 && iequals(auth.substr(0, 6), "OAuth ")) token = auth.substr(6);
  return !token.empty() && std::find(tokens.begin(), tokens.end(), token) != tokens.end();
}

rest_response invalid_session() {
  rest_response e = error_response(401, "INVALID_SESSION_ID", "Session expired or invalid");
  e.headers.emplace_back("WWW-Authenticate", "Token");
  return e;
}

rest_response method_not_allowed(std::string_view method, std::string_view allowed) {
  rest_response out = error_response(405, "METHOD_NOT_ALLOWED",
                                     "HTTP Method '" + std::string(method) + "' not allowed. Allowed are " +
                                         std::string(allowed));
  out.headers.emplace_back("Allow", std::string(allowed));
  return out;
}

}  // namespace

rest_response api_handler::handle(const rest_request& req) {
  if (auto e = size_limit_error(req, config_)) return *std::move(e);
  const route r = match_route(req, config_.versions);
  rest_response out;
  if (r.is_public()) {
    out = versions_response(req.method, config_.versions);
  } else {
    if (!authorized(req, config_.tokens)) return invalid_session();
    out = state_->answer(req, r);
  }
  state_->finish(out);
  return out;
}

// Counts the call against the daily limit, checks the method, then answers with a seeded fault or the endpoint.
rest_response api_handler::state::answer(const rest_request& req, const route& r) {
  if (auto refused = usage_.admit(p_.simulation().now())) return *std::move(refused);
  if (r.what == route::not_found) return not_found_response();
  if (!r.allows(req.method)) return method_not_allowed(req.method, r.allowed);
  // A seeded fault is decided before the platform is touched, so a faulted call changes nothing.
  if (auto fault = faults_.draw(r.cls)) return *std::move(fault);
  return dispatch(req, r);
}

// The headers every answered call carries: API usage, and the simulated latency when faults configure one.
void api_handler::state::finish(rest_response& out) {
  usage_.add_limit_info(out, p_.simulation().now());
  faults_.add_latency(out);
}

rest_response api_handler::state::dispatch(const rest_request& req, const route& r) {
  const bool get = req.method == "GET" || req.method == "HEAD";
  switch (r.what) {
    case route::version_root: return version_root_response(r.version);
    case route::limits: return usage_.limits_response();
    case route::userinfo: return userinfo_response(config_);
    case route::query: return queries_.first_page(req, r, ds_, p_.simulation().now());
    case route::query_more: return queries_.next_page(r, ds_, p_.simulation().now());
    case route::sobjects_global: return global_describe_response(r.version);
    case route::sobject_describe: return describe_response(*r.object, r.version);
    case route::sobject_info:
      if (get) return object_info_response(*r.object, r.version);
      return create_record(p_, *r.object, req.body);
    case route::sobject_row:
      if (get) return retrieve_record(ds_, r);
      return patch_record(p_, ds_, r, req.body);
    case route::composite_tree: return composite_tree(p_, *r.object, req.body);
    case route::composite_sobjects: return composite_sobjects(p_, req.body);
    case route::bulk: return do_bulk(req, r);
    default: break;
  }
  return error_response(404, "NOT_FOUND", "The requested resource does not exist");
}

// ---- Bulk API 2.0 ingest ----
namespace {
void append_job_info(const bulk_job& job, std::string& b);
}

rest_response api_handler::state::do_bulk(const rest_request& req, const route& r) {
  auto not_found = [&] {
    return error_response(404, "NOT_FOUND", "The requested resource does not exist");
  };
  auto job_info = [](const bulk_job& job, int status) {
    std::string b;
    append_job_info(job, b);
    return json_response(status, std::move(b));
  };
  if (r.id.empty()) {
    if (req.method == "GET") {
      std::string b = "{\"done\":true,\"records\":[";
      bool first = true;
      for (const auto& [id, job] : bulk_jobs_) {
        if (!first) b += ',';
        first = false;
        append_job_info(*job, b);
      }
      b += "],\"nextRecordsUrl\":null}";
      return json_response(200, std::move(b));
    }
    const json j = json::parse(req.body.begin(), req.body.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return json_parse_error();
    auto str = [&](const char* k) -> std::string {
      return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
    };
    const std::string object = str("object"), operation = str("operation");
    const object_def* o = push_schema().find_object(object);
    if (o == nullptr || o->name != "PackagePushJob") {
      return error_response(400, "INVALIDJOB", "Unable to find object: " + object);
    }
    if (operation != "insert") {
      return error_response(400, "INVALIDJOB", "InvalidJob : Invalid job operation for PackagePushJob: " + operation);
    }
    if (j.contains("contentType") && str("contentType") != "CSV") {
      return error_response(400, "INVALIDJOB", "InvalidJob : contentType must be CSV");
    }
    // Salesforce deletes ingest jobs 7 days after they were created; so do we (on sim time).
    for (auto old = bulk_jobs_.begin(); old != bulk_jobs_.end();) {
      if (p_.simulation().now() - old->second->created > std::chrono::hours(24 * 7)) {
        old = bulk_jobs_.erase(old);
      } else {
        ++old;
      }
    }
    auto job = std::make_unique<bulk_job>();
    job->id = make_id("750", next_bulk_job_);
    job->version = r.version;
    job->created = p_.simulation().now();
    if (j.contains("lineEnding")) {
      job->line_ending = str("lineEnding");
      if (job->line_ending != "LF" && job->line_ending != "CRLF") {
        return error_response(400, "INVALIDJOB", "InvalidJob : lineEnding must be LF or CRLF");
      }
    }
    rest_response resp = job_info(*job, 200);
    bulk_jobs_.emplace(next_bulk_job_++, std::move(job));
    return resp;
  }
  const auto seq = parse_id("750", r.id);
  if (!seq) return not_found();
  auto it = bulk_jobs_.find(*seq);
  if (it == bulk_jobs_.end()) return not_found();
  bulk_job& job = *it->second;
  if (r.sub == "batches") {
    if (job.state != "Open") {
      return error_response(409, "INVALIDJOBSTATE", "Job is not in the Open state: " + job.state);
    }
    std::string_view ct = req.header("Content-Type");
    if (ct.substr(0, 8) != "text/csv") {
      return error_response(400, "INVALIDJOB", "Content-Type must be text/csv");
    }
    job.data += req.body;
    job.uploaded = true;
    rest_response ok;
    ok.status = 201;
    return ok;
  }
  if (r.sub.empty() && req.method == "GET") {
    return job_info(job, 200);
  }
  if (r.sub.empty() && req.method == "DELETE") {
    if (job.state == "Open") {
      return error_response(400, "INVALIDJOBSTATE", "You can delete a job only when it is closed or aborted");
    }
    bulk_jobs_.erase(it);
    rest_response ok;
    ok.status = 204;
    return ok;
  }
  if (r.sub.empty() && req.method == "PATCH") {
    const json j = json::parse(req.body.begin(), req.body.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("state") || !j["state"].is_string()) {
      return json_parse_error();
    }
    const std::string wanted = j["state"].get<std::string>();
    if (wanted == "Aborted") {
      if (job.state != "Open" && job.state != "UploadComplete") {
        return error_response(400, "INVALIDJOBSTATE", "Job can't be aborted in state " + job.state);
      }
      job.state = "Aborted";
      job.table = parse_csv(job.data);
      return job_info(job, 200);
    }
    if (wanted != "UploadComplete") {
      return error_response(400, "INVALIDJOBSTATE", "Invalid state: " + wanted);
    }
    if (job.state != "Open") {
      return error_response(400, "INVALIDJOBSTATE", "Job is not in the Open state: " + job.state);
    }
    rest_response resp;
    job.state = "UploadComplete";
    resp = job_info(job, 200);
    // Processed at once: the next GET sees JobComplete (or Failed).
    job.table = parse_csv(job.data);
    csv_table& t = job.table;
    std::optional<std::size_t> col_req, col_key;
    std::string bad_column;
    for (std::size_t c = 0; c < t.header.size(); ++c) {
      if (iequals(t.header[c], "PackagePushRequestId")) col_req = c;
      else if (iequals(t.header[c], "SubscriberOrganizationKey")) col_key = c;
      else if (bad_column.empty()) bad_column = t.header[c];
    }
    if (!job.uploaded || !t.error.empty()) {
      job.state = "Failed";
      job.error_message = !job.uploaded ? "InvalidBatch : No data uploaded" : "InvalidBatch : " + t.error;
      return resp;
    }
    if (!bad_column.empty() || !col_req || !col_key) {
      job.state = "Failed";
      job.error_message = !bad_column.empty()
                              ? "InvalidBatch : Field name not found : " + bad_column
                              : "InvalidBatch : Required fields are missing: [PackagePushRequestId, "
                                "SubscriberOrganizationKey]";
      return resp;
    }
    job.success.assign(t.rows.size(), {});
    job.failure.assign(t.rows.size(), {});
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      const auto& row = t.rows[i];
      record_spec s;
      s.object = push_schema().find_object("PackagePushJob");
      s.request_id = *col_req < row.size() ? row[*col_req] : std::string();
      s.org_key = *col_key < row.size() ? row[*col_key] : std::string();
      std::variant<std::string, record_error> res;
      if (!parse_id(push_request_prefix, s.request_id)) {
        res = record_error{"MALFORMED_ID", "Package Push Request ID: id value of incorrect type: " + s.request_id,
                           {"PackagePushRequestId"}};
      } else {
        res = commit(p_, s);
      }
      ++job.processed;
      if (auto* e = std::get_if<record_error>(&res)) {
        ++job.failed;
        std::string f;
        for (const auto& x : e->fields) f += (f.empty() ? "" : ",") + x;
        job.failure[i] = e->code + ":" + e->message + ":" + f + " --";
      } else {
        job.success[i] = std::get<std::string>(res);
      }
    }
    job.state = "JobComplete";
    return resp;
  }
  // result files
  if (job.state != "JobComplete" && job.state != "Aborted" && job.state != "Failed") {
    return error_response(400, "INVALIDJOBSTATE", "Job is not yet complete: " + job.state);
  }
  const std::string nl = job.line_ending == "CRLF" ? "\r\n" : "\n";
  rest_response out;
  out.status = 200;
  out.headers.emplace_back("Content-Type", "text/csv");
  const csv_table& t = job.table;
  if (r.sub == "successfulResults") {
    out.body = "\"sf__Id\",\"sf__Created\"," + t.header_text + nl;
    for (std::size_t i = 0; i < job.success.size(); ++i) {
      if (job.success[i].empty()) continue;
      out.body += csv_field(job.success[i], csv_quoting::always) + ",\"true\"," + t.row_text[i] + nl;
    }
  } else if (r.sub == "failedResults") {
    out.body = "\"sf__Id\",\"sf__Error\"," + t.header_text + nl;
    for (std::size_t i = 0; i < job.failure.size(); ++i) {
      if (job.failure[i].empty()) continue;
      out.body += "\"\"," + csv_field(job.failure[i], csv_quoting::always) + "," + t.row_text[i] + nl;
    }
  } else {
    out.body = t.header_text + nl;
    if (job.state != "JobComplete") {
      for (const auto& row : t.row_text) out.body += row + nl;
    }
  }
  return out;
}

namespace {
void append_job_info(const bulk_job& job, std::string& b) {
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
}  // namespace

}  // namespace pushsim::mock_org::api
