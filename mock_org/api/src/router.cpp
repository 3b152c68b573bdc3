#include "router.hpp"

#include <algorithm>
#include <span>

#include "pushsim/base/url_text.hpp"

namespace pushsim::mock_org::api::detail {

namespace {

void parse_params(std::string_view qs, route& r) {
  if (qs.empty()) return;
  for (std::string_view part : split(qs, '&')) {
    if (part.empty()) continue;
    const auto eq = part.find('=');
    if (eq == std::string_view::npos) {
      r.params.emplace_back(url_decode(part, true), std::string());
    } else {
      r.params.emplace_back(url_decode(part.substr(0, eq), true), url_decode(part.substr(eq + 1), true));
    }
  }
}

// The path after /services/data/vNN.0: "sobjects", "X"[, "describe" | id].
void match_sobjects(std::span<const std::string_view> s, std::string_view method, route& r) {
  const std::size_t n = s.size();
  if (n == 1) {
    r.what = route::sobjects_global;
    r.allowed = "GET,HEAD";
    return;
  }
  r.object = push_schema().find_object(s[1]);
  if (r.object == nullptr) return;
  if (n == 2) {
    r.what = route::sobject_info;
    r.allowed = "GET,HEAD,POST";
    if (method == "POST") r.cls = endpoint_class::create;
  } else if (n == 3 && s[2] == "describe") {
    r.what = route::sobject_describe;
    r.allowed = "GET,HEAD";
  } else if (n == 3) {
    r.what = route::sobject_row;
    r.id = std::string(s[2]);
    r.allowed = "GET,HEAD,PATCH";
    if (method == "PATCH") r.cls = endpoint_class::patch;
  }
}

// The path after /services/data/vNN.0: "jobs", "ingest"[, id[, sub]] (2 to 4 segments).
void match_bulk(std::span<const std::string_view> s, route& r) {
  r.what = route::bulk;
  r.cls = endpoint_class::bulk;
  if (s.size() == 2) {
    r.allowed = "GET,POST";
    return;
  }
  r.id = std::string(s[2]);
  if (s.size() == 3) {
    r.allowed = "GET,PATCH,DELETE";
    return;
  }
  r.sub = std::string(s[3]);
  if (r.sub == "batches") {
    r.allowed = "PUT";
  } else if (r.sub == "successfulResults" || r.sub == "failedResults" || r.sub == "unprocessedrecords") {
    r.allowed = "GET";
  } else {
    r.what = route::not_found;
  }
}

// The path after /services/data/vNN.0: "jobs", "query"[, id[, "results"]] (2 to 4 segments).
void match_bulk_query(std::span<const std::string_view> s, route& r) {
  r.what = route::bulk_query;
  r.cls = endpoint_class::bulk;
  r.allowed = "GET,POST";
  if (s.size() == 2) return;
  r.id = std::string(s[2]);
  r.allowed = "GET,PATCH,DELETE";
  if (s.size() == 3) return;
  r.sub = std::string(s[3]);
  r.allowed = "GET";
  if (r.sub != "results") r.what = route::not_found;
}

// /services/async/NN.0/job[/{id}[/batch[/{batch}[/result[/{result}]]]]] (Bulk API 1.0; seg has 4 to 9 pieces).
void match_bulk_v1(std::span<const std::string_view> seg, const std::vector<std::string>& versions,
                   std::string_view method, route& r) {
  if (std::find(versions.begin(), versions.end(), seg[2]) == versions.end()) return;
  r.version = std::string(seg[2]);
  r.what = route::bulk_v1;
  r.cls = endpoint_class::bulk;
  r.allowed = seg.size() <= 6 ? "GET,POST" : "GET";
  if (seg.size() >= 5) r.id = std::string(seg[4]);
  for (std::size_t i = 5; i < seg.size(); ++i) r.sub += (i == 5 ? "" : "/") + std::string(seg[i]);
  const bool shape_ok = (seg.size() < 6 || seg[5] == "batch") && (seg.size() < 8 || seg[7] == "result");
  if (!shape_ok || (seg.size() == 4 && method == "GET")) r.what = route::not_found;
}

// The path after /services/data/vNN.0 (s may be empty).
void match_versioned(std::span<const std::string_view> s, std::string_view method, route& r) {
  const std::size_t n = s.size();
  if (n == 0) {
    r.what = route::version_root;
    r.allowed = "GET,HEAD";
  } else if (s[0] == "limits" && n == 1) {
    r.what = route::limits;
    r.allowed = "GET,HEAD";
  } else if ((s[0] == "query" || s[0] == "queryAll") && n <= 2) {
    r.query_all = s[0] == "queryAll";
    r.cls = endpoint_class::query;
    r.allowed = "GET,HEAD";
    if (n == 1 || s[1].empty()) {
      r.what = route::query;
    } else {
      r.what = route::query_more;
      r.id = std::string(s[1]);
    }
  } else if (s[0] == "sobjects") {
    match_sobjects(s, method, r);
  } else if (s[0] == "composite" && n == 3 && s[1] == "tree") {
    r.object = push_schema().find_object(s[2]);
    if (r.object != nullptr) {
      r.what = route::composite_tree;
      r.allowed = "POST";
      r.cls = endpoint_class::composite;
    }
  } else if (s[0] == "composite" && n == 2 && s[1] == "sobjects") {
    r.what = route::composite_sobjects;
    r.allowed = "POST";
    r.cls = endpoint_class::composite;
  } else if (s[0] == "jobs" && n >= 2 && s[1] == "ingest" && n <= 4) {
    match_bulk(s, r);
  } else if (s[0] == "jobs" && n >= 2 && s[1] == "query" && n <= 4) {
    match_bulk_query(s, r);
  }
}

}  // namespace

std::string_view route::param(std::string_view name) const {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return {};
}

bool route::has_param(std::string_view name) const {
  for (const auto& kv : params) {
    if (kv.first == name) return true;
  }
  return false;
}

bool route::allows(std::string_view method) const {
  if (what == not_found) return false;
  for (std::string_view a : split(allowed, ',')) {
    if (a == method) return true;
  }
  return false;
}

route match_route(const rest_request& req, const std::vector<std::string>& versions) {
  route r;
  const std::string_view target = req.target;
  std::string_view path = target, qs;
  if (const auto q = target.find('?'); q != std::string_view::npos) {
    path = target.substr(0, q);
    qs = target.substr(q + 1);
  }
  parse_params(qs, r);
  std::string decoded_path = url_decode(path, false);
  while (decoded_path.size() > 1 && decoded_path.back() == '/') decoded_path.pop_back();  // query/ == query
  std::vector<std::string_view> seg = split(decoded_path, '/');
  while (!seg.empty() && seg.front().empty()) seg.erase(seg.begin());  // "//services/..." (Salesforce CLI)
  if (seg.size() == 2 && seg[0] == "services" && seg[1] == "data") {
    r.what = route::versions;
    r.allowed = "GET,HEAD";
  } else if (seg.size() == 3 && seg[0] == "services" && seg[1] == "oauth2" && seg[2] == "userinfo") {
    r.what = route::userinfo;
    r.allowed = "GET,POST";
  } else if (seg.size() >= 4 && seg[0] == "services" && seg[1] == "async" && seg[3] == "job" && seg.size() <= 9) {
    match_bulk_v1(seg, versions, req.method, r);
  } else if (seg.size() == 3 && seg[0] == "id") {
    r.what = route::identity;
    r.allowed = "GET";
  } else if (seg.size() >= 3 && seg[0] == "services" && seg[1] == "data" && seg[2].size() > 1 && seg[2][0] == 'v') {
    const std::string_view ver = seg[2].substr(1);
    if (std::find(versions.begin(), versions.end(), ver) != versions.end()) {
      r.version = std::string(ver);
      match_versioned(std::span<const std::string_view>(seg).subspan(3), req.method, r);
    }
  }
  return r;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const auto p = s.find(sep, start);
    if (p == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, p - start));
    start = p + 1;
  }
}

}  // namespace pushsim::mock_org::api::detail
