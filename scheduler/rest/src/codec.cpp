#include "pushsim/scheduler/rest/codec.hpp"

#include <algorithm>
#include <array>

#include <simdjson.h>

#include "pushsim/base/assert.hpp"
#include "pushsim/base/json_text.hpp"
#include "pushsim/base/url_text.hpp"
#include "pushsim/scheduler/rest/soql.hpp"

namespace pushsim::scheduler::rest {

namespace {

// Responses are read with simdjson's DOM: the bodies of job and subscriber pages are the bulk of a rehearsal's
// work at 1M orgs, and a parser reused per thread keeps its buffers.
using element = simdjson::dom::element;

// Parses a body; the element lives until the next parse on this thread.
std::optional<element> parse_json(std::string_view body) {
  thread_local simdjson::dom::parser parser;
  element root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) return std::nullopt;
  return root;
}

std::optional<element> member(element obj, std::string_view key) {
  element v;
  if (!obj.is_object() || obj[key].get(v) != simdjson::SUCCESS) return std::nullopt;
  return v;
}

// The element as an array, when there is one and it is.
std::optional<simdjson::dom::array> as_array(std::optional<element> e) {
  simdjson::dom::array a;
  if (!e || e->get_array().get(a) != simdjson::SUCCESS) return std::nullopt;
  return a;
}

bool bool_member(element obj, std::string_view key, bool fallback) {
  const auto v = member(obj, key);
  bool b = fallback;
  if (v && v->get_bool().get(b) != simdjson::SUCCESS) return fallback;
  return b;
}

bool icontains(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (iequals(hay.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

constexpr std::string_view something_bad = "Something bad has happened";

bool transient_code(std::string_view code) {
  return code == "UNKNOWN_EXCEPTION" || code == "SERVER_UNAVAILABLE" || code == "QUERY_TIMEOUT" ||
         code == "REQUEST_RUNNING_TOO_LONG" || code == "UNABLE_TO_LOCK_ROW";
}

std::string str(element j, std::string_view key) {
  const auto v = member(j, key);
  std::string_view s;
  if (!v || v->get_string().get(s) != simdjson::SUCCESS) return {};
  return std::string(s);
}

// The string members named in `keys` of an object, read in one walk over its members (a page row has a handful;
// looking each up walks them again). Empty when absent or not a string; the first of duplicate keys counts, as
// with a lookup by key. Views into the parsed document.
template <std::size_t N>
std::array<std::string_view, N> strings(element obj, const std::array<std::string_view, N>& keys) {
  std::array<std::string_view, N> out{};
  std::array<bool, N> seen{};
  simdjson::dom::object o;
  if (obj.get_object().get(o) != simdjson::SUCCESS) return out;
  for (const simdjson::dom::key_value_pair field : o) {
    for (std::size_t k = 0; k < N; ++k) {
      if (seen[k] || field.key != keys[k]) continue;
      seen[k] = true;
      if (field.value.get_string().get(out[k]) != simdjson::SUCCESS) out[k] = {};
      break;
    }
  }
  return out;
}

std::optional<time_point> time_text(std::string_view s) {
  if (s.empty()) return std::nullopt;
  return parse_iso8601(s).time;
}

std::optional<time_point> time_field(element j, std::string_view key) {
  const auto s = str(j, key);
  if (s.empty()) return std::nullopt;
  const auto r = parse_iso8601(s);
  return r.time;
}

api_error malformed(int status, std::string what) {
  api_error e;
  e.kind = api_error::kind_t::transient;
  e.http_status = status;
  e.error_code = "MALFORMED_RESPONSE";
  e.message = std::move(what);
  return e;
}

// A Salesforce error body: [{"message","errorCode","fields"}] (first entry), or anything else.
api_error error_from(const rest_response& r) {
  if (r.status == transport_error_status) {
    api_error e;
    e.kind = api_error::kind_t::transport;
    e.message = r.body.empty() ? "transport failure" : r.body;
    return e;
  }
  const auto j = parse_json(r.body);
  std::string code, message;
  if (j) {
    std::optional<element> e;
    element first;
    if (j->is_array() && j->at(0).get(first) == simdjson::SUCCESS && first.is_object()) e = first;
    if (j->is_object()) e = *j;
    if (e) {
      code = str(*e, "errorCode");
      if (code.empty()) code = str(*e, "statusCode");
      message = str(*e, "message");
    }
  }
  if (message.empty() && code.empty()) message = r.body.substr(0, 500);
  return classify_error(r.status, std::move(code), std::move(message));
}

bool ok_status(int s) { return s >= 200 && s < 300; }

job_outcome record_error(std::string org_key, std::optional<element> errors) {
  job_outcome o;
  o.org_key = std::move(org_key);
  element first;
  if (errors && errors->is_array() && errors->at(0).get(first) == simdjson::SUCCESS && first.is_object()) {
    o.error_code = str(first, "statusCode");
    if (o.error_code.empty()) o.error_code = str(first, "errorCode");
    o.message = str(first, "message");
  }
  o.kind = classify_job_error(o.error_code, o.message);
  return o;
}

api_result decode_tree(const add_jobs& c, const rest_response& r, element j) {
  const auto results = as_array(member(j, "results"));
  if (!results) return malformed(r.status, "no results");
  jobs_added out;
  out.outcomes.resize(c.org_keys.size());
  for (std::size_t i = 0; i < c.org_keys.size(); ++i) {
    out.outcomes[i].org_key = c.org_keys[i];
    out.outcomes[i].kind = job_outcome::kind_t::not_processed;
  }
  const bool has_errors = bool_member(j, "hasErrors", false);
  std::size_t seen = 0;
  for (element res : *results) {
    const std::string ref = str(res, "referenceId");
    if (ref.size() < 4 || ref.compare(0, 3, "ref") != 0) continue;
    const std::size_t idx = std::strtoul(ref.c_str() + 3, nullptr, 10);
    if (idx < 1 || idx > c.org_keys.size()) continue;
    auto& o = out.outcomes[idx - 1];
    const auto errors = member(res, "errors");
    if (const auto list = as_array(errors); list && list->size() > 0) {
      o = record_error(c.org_keys[idx - 1], errors);
    } else if (!has_errors) {
      o.kind = job_outcome::kind_t::created;
      o.job_id = str(res, "id");
      ++seen;
    }
  }
  if (!has_errors && seen != c.org_keys.size()) return malformed(r.status, "composite tree: missing results");
  return out;
}

api_result decode_collections(const add_jobs& c, const rest_response& r, element j) {
  const auto results = as_array(j);
  if (!results || results->size() != c.org_keys.size()) {
    return malformed(r.status, "sobject collections: result count");
  }
  jobs_added out;
  std::size_t i = 0;
  for (element res : *results) {
    if (bool_member(res, "success", false)) {
      job_outcome o;
      o.org_key = c.org_keys[i];
      o.job_id = str(res, "id");
      out.outcomes.push_back(std::move(o));
    } else {
      out.outcomes.push_back(record_error(c.org_keys[i], member(res, "errors")));
    }
    ++i;
  }
  return out;
}

std::string next_locator(element j) {
  if (bool_member(j, "done", true)) return {};
  return str(j, "nextRecordsUrl");
}

api_result decode_page(query_kind kind, bool with_errors, const rest_response& r, element j) {
  const auto records = as_array(member(j, "records"));
  if (!records) return malformed(r.status, "no records");
  const simdjson::dom::array recs = *records;
  switch (kind) {
    case query_kind::status_counts: {
      status_counts_page p;
      for (element rec : recs) {
        status_count row;
        row.request_id = str(rec, "PackagePushRequestId");
        row.status = str(rec, "Status");
        if (const auto n = member(rec, "expr0")) {
          std::int64_t count = 0;
          if (n->get_int64().get(count) == simdjson::SUCCESS) row.count = count;
        }
        p.rows.push_back(std::move(row));
      }
      p.next_locator = next_locator(j);
      return p;
    }
    case query_kind::jobs: {
      jobs_page p;
      p.rows.reserve(recs.size());
      static constexpr std::array<std::string_view, 6> job_keys{
          "Id", "PackagePushRequestId", "SubscriberOrganizationKey", "Status", "StartTime", "EndTime"};
      static constexpr std::array<std::string_view, 4> error_keys{"ErrorSeverity", "ErrorType", "ErrorTitle",
                                                                  "ErrorMessage"};
      for (element rec : recs) {
        const auto f = strings(rec, job_keys);
        // Built in place: a row moved into the page costs a copy of its short strings.
        job_row& row = p.rows.emplace_back();
        row.id = f[0];
        row.request_id = f[1];
        row.org_key = f[2];
        row.status = f[3];
        row.start_time = time_text(f[4]);
        row.end_time = time_text(f[5]);
        if (with_errors) {
          const auto child = member(rec, "PackagePushErrors");
          if (const auto errs = child ? as_array(member(*child, "records")) : std::nullopt) {
            for (element e : *errs) {
              const auto ef = strings(e, error_keys);
              row.errors.push_back({std::string(ef[0]), std::string(ef[1]), std::string(ef[2]), std::string(ef[3])});
            }
          }
        }
      }
      p.next_locator = next_locator(j);
      return p;
    }
    case query_kind::requests: {
      requests_page p;
      for (element rec : recs) {
        p.rows.push_back({str(rec, "Id"), str(rec, "Status"), time_field(rec, "ScheduledStartTime")});
      }
      p.next_locator = next_locator(j);
      return p;
    }
    case query_kind::subscribers: {
      subscribers_page p;
      p.rows.reserve(recs.size());
      if (const auto n = member(j, "totalSize")) {
        std::int64_t total = 0;
        if (n->get_int64().get(total) == simdjson::SUCCESS) p.total_size = total;
      }
      static constexpr std::array<std::string_view, 7> subscriber_keys{
          "OrgKey", "OrgName", "OrgType", "OrgStatus", "InstanceName", "InstalledStatus", "MetadataPackageVersionId"};
      for (element rec : recs) {
        const auto f = strings(rec, subscriber_keys);
        // Each string constructed at its exact size (assigning into an empty string gives a 16-29 character name
        // a 30-character buffer, a larger heap block in every subscriber kept for the whole run).
        p.rows.push_back({std::string(f[0]), std::string(f[1]), std::string(f[2]), std::string(f[3]), std::string(f[4]),
                          std::string(f[5]), std::string(f[6])});
      }
      p.next_locator = next_locator(j);
      return p;
    }
  }
  return malformed(r.status, "unknown query kind");
}

std::string status_counts_soql(const query_request_status_counts& c) {
  if (c.request_ids.size() == 1) {
    return "SELECT Status, COUNT(Id) FROM PackagePushJob WHERE PackagePushRequestId = " +
           soql_quote(c.request_ids.front()) + " GROUP BY Status";
  }
  return "SELECT PackagePushRequestId, Status, COUNT(Id) FROM PackagePushJob WHERE PackagePushRequestId IN " +
         soql_in_list(c.request_ids) + " GROUP BY PackagePushRequestId, Status";
}

std::string jobs_soql(const query_jobs& c) {
  std::string q = "SELECT Id, PackagePushRequestId, SubscriberOrganizationKey, Status, StartTime, EndTime";
  if (c.with_errors) {
    q += ", (SELECT ErrorSeverity, ErrorType, ErrorTitle, ErrorMessage FROM PackagePushErrors)";
  }
  q += " FROM PackagePushJob WHERE PackagePushRequestId ";
  q += c.request_ids.size() == 1 ? "= " + soql_quote(c.request_ids.front()) : "IN " + soql_in_list(c.request_ids);
  if (c.statuses.size() == 1) q += " AND Status = " + soql_quote(c.statuses.front());
  if (c.statuses.size() > 1) q += " AND Status IN " + soql_in_list(c.statuses);
  // SOQL datetime literals have whole seconds: round down, so the bound only ever includes more.
  if (c.ended_at_or_after) {
    q += " AND EndTime >= " + format_iso8601(std::chrono::floor<std::chrono::seconds>(*c.ended_at_or_after));
  }
  q += " ORDER BY Id";
  return q;
}

}  // namespace

api_error classify_error(int http_status, std::string error_code, std::string message) {
  api_error e;
  e.http_status = http_status;
  e.error_code = std::move(error_code);
  e.message = std::move(message);
  if (http_status == transport_error_status) {
    e.kind = api_error::kind_t::transport;
  } else if (e.error_code == "REQUEST_LIMIT_EXCEEDED") {
    e.kind = api_error::kind_t::limit_exceeded;
  } else if (http_status >= 500 || transient_code(e.error_code) || icontains(e.message, something_bad)) {
    e.kind = api_error::kind_t::transient;
  } else {
    e.kind = api_error::kind_t::permanent;
  }
  return e;
}

job_outcome::kind_t classify_job_error(std::string_view status_code, std::string_view message) {
  using k = job_outcome::kind_t;
  if (status_code == "DUPLICATE_VALUE") return k::duplicate;
  if (status_code == "ALL_OR_NONE_OPERATION_ROLLED_BACK") return k::not_processed;
  if (transient_code(status_code) || icontains(message, something_bad)) return k::transient;
  if (icontains(message, "ineligible")) return k::ineligible;
  if (status_code == "INVALID_ID_FIELD" || status_code == "MALFORMED_ID" ||
      status_code == "INVALID_CROSS_REFERENCE_KEY" || icontains(message, "organization key") ||
      icontains(message, "SubscriberOrganizationKey")) {
    return k::invalid_key;
  }
  return k::rejected;
}

codec::codec(codec_config config) : config_(std::move(config)), base_("/services/data/" + config_.api_version) {}

rest_request codec::encode(const api_call& call) const {
  rest_request r;
  r.headers.emplace_back("Accept", "application/json");
  auto query = [&](const std::string& soql) {
    r.method = "GET";
    r.target = base_ + "/query?q=" + url_encode(soql);
  };
  // Bodies are written by hand: thousands of job records per second go through here.
  auto post = [&](std::string path, std::string body) {
    r.method = "POST";
    r.target = base_ + std::move(path);
    r.body = std::move(body);
    r.headers.emplace_back("Content-Type", "application/json");
  };
  if (const auto* c = std::get_if<query_subscribers>(&call)) {
    query(
        "SELECT OrgKey, OrgName, OrgType, OrgStatus, InstanceName, InstalledStatus, MetadataPackageVersionId "
        "FROM PackageSubscriber WHERE MetadataPackageId = " +
        soql_quote(c->package_id));
  } else if (const auto* c1 = std::get_if<create_push_request>(&call)) {
    std::string b = "{\"PackageVersionId\":";
    append_json_string(c1->version_id, b);
    b += ",\"ScheduledStartTime\":";
    append_json_string(format_salesforce(c1->scheduled_start), b);
    b += '}';
    post("/sobjects/PackagePushRequest", std::move(b));
  } else if (const auto* c2 = std::get_if<add_jobs>(&call)) {
    PUSHSIM_ASSERT(c2->org_keys.size() <= 200, "add_jobs: more than 200 records");
    const bool tree = c2->mode == job_creation_mode::composite_tree;
    std::string request_id;
    append_json_string(c2->request_id, request_id);
    std::string b = tree ? "{\"records\":[" : "{\"allOrNone\":false,\"records\":[";
    // The whole body at once (a record is ~120 characters besides its request id and key; a short reserve
    // made every batch's body grow and copy once).
    std::size_t body_size = b.size() + 2;
    for (const auto& key : c2->org_keys) body_size += 122 + request_id.size() + key.size();
    b.reserve(body_size);
    for (std::size_t i = 0; i < c2->org_keys.size(); ++i) {
      if (i) b += ',';
      b += "{\"attributes\":{";
      if (tree) {
        b += "\"referenceId\":\"ref";
        b += std::to_string(i + 1);
        b += "\",";
      }
      b += "\"type\":\"PackagePushJob\"},\"PackagePushRequestId\":";
      b += request_id;
      b += ",\"SubscriberOrganizationKey\":";
      append_json_string(c2->org_keys[i], b);
      b += '}';
    }
    b += "]}";
    post(tree ? "/composite/tree/PackagePushJob" : "/composite/sobjects", std::move(b));
  } else if (const auto* c3 = std::get_if<patch_request_status>(&call)) {
    r.method = "PATCH";
    r.target = base_ + "/sobjects/PackagePushRequest/" + url_encode(c3->request_id);
    r.body = "{\"Status\":";
    append_json_string(c3->status, r.body);
    r.body += '}';
    r.headers.emplace_back("Content-Type", "application/json");
  } else if (const auto* c4 = std::get_if<query_request_status_counts>(&call)) {
    query(status_counts_soql(*c4));
  } else if (const auto* c5 = std::get_if<query_jobs>(&call)) {
    query(jobs_soql(*c5));
  } else if (const auto* c6 = std::get_if<query_requests_for_version>(&call)) {
    query("SELECT Id, Status, ScheduledStartTime FROM PackagePushRequest WHERE PackageVersionId = " +
          soql_quote(c6->version_id) + " ORDER BY Id");
  } else if (const auto* c7 = std::get_if<query_more>(&call)) {
    r.method = "GET";
    r.target = !c7->locator.empty() && c7->locator.front() == '/' ? c7->locator : base_ + "/query/" + c7->locator;
  }
  return r;
}

api_result codec::decode(const api_call& call, const rest_response& response) const {
  if (!ok_status(response.status)) {
    // Composite tree reports record errors with 400 and a {"hasErrors":true,...} body.
    if (const auto* c = std::get_if<add_jobs>(&call);
        c != nullptr && c->mode == job_creation_mode::composite_tree && response.status == 400) {
      const auto j = parse_json(response.body);
      if (j && bool_member(*j, "hasErrors", false)) return decode_tree(*c, response, *j);
    }
    return error_from(response);
  }
  if (std::holds_alternative<patch_request_status>(call)) return status_patched{};
  const auto parsed = parse_json(response.body);
  if (!parsed) return malformed(response.status, "body is not JSON");
  const element j = *parsed;
  if (std::holds_alternative<create_push_request>(call)) {
    const std::string id = str(j, "id");
    if (id.empty()) return malformed(response.status, "create: no id");
    return request_created{id};
  }
  if (const auto* c = std::get_if<add_jobs>(&call)) {
    return c->mode == job_creation_mode::composite_tree ? decode_tree(*c, response, j)
                                                        : decode_collections(*c, response, j);
  }
  if (std::holds_alternative<query_subscribers>(call)) return decode_page(query_kind::subscribers, false, response, j);
  if (std::holds_alternative<query_request_status_counts>(call)) {
    auto res = decode_page(query_kind::status_counts, false, response, j);
    const auto& ids = std::get<query_request_status_counts>(call).request_ids;
    if (auto* p = std::get_if<status_counts_page>(&res); p != nullptr && ids.size() == 1) {
      for (auto& row : p->rows) {
        if (row.request_id.empty()) row.request_id = ids.front();
      }
    }
    return res;
  }
  if (const auto* c = std::get_if<query_jobs>(&call)) return decode_page(query_kind::jobs, c->with_errors, response, j);
  if (std::holds_alternative<query_requests_for_version>(call)) {
    return decode_page(query_kind::requests, false, response, j);
  }
  const auto& m = std::get<query_more>(call);
  return decode_page(m.kind, m.with_errors, response, j);
}

std::vector<api_call> codec::split_call(const api_call& call) const {
  auto split_ids = [&](const std::vector<std::string>& ids, auto make) {
    std::vector<api_call> out;
    if (ids.size() <= 1 || encode(make(ids)).target.size() <= config_.uri_limit) {
      out.push_back(make(ids));
      return out;
    }
    const std::size_t fixed =
        encode(make(std::vector<std::string>{"", ""})).target.size() - url_encode(soql_in_list({"", ""})).size();
    for (auto& chunk : chunk_in_list(ids, fixed, config_.uri_limit)) out.push_back(make(std::move(chunk)));
    return out;
  };
  if (const auto* c = std::get_if<query_request_status_counts>(&call)) {
    return split_ids(c->request_ids, [](std::vector<std::string> ids) -> api_call {
      return query_request_status_counts{std::move(ids)};
    });
  }
  if (const auto* c = std::get_if<query_jobs>(&call)) {
    return split_ids(c->request_ids, [c](std::vector<std::string> ids) -> api_call {
      return query_jobs{std::move(ids), c->statuses, c->with_errors, c->ended_at_or_after};
    });
  }
  return {call};
}

}  // namespace pushsim::scheduler::rest
