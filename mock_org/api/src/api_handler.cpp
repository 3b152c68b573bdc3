#include "pushsim/mock_org/api/api_handler.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include <simdjson.h>

#include "pushsim/base/assert.hpp"
#include "pushsim/base/csv_text.hpp"
#include "pushsim/mock_org/api/soql_compiler.hpp"
#include "pushsim/mock_org/api/soql_json.hpp"
#include "pushsim/mock_org/salesforce_id.hpp"

namespace pushsim::mock_org::api {

using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------------------------
// small helpers
// ---------------------------------------------------------------------------------------------------------------
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding; '+' is a space in query strings.
std::string url_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  std::size_t run = 0;  // start of the pending run of plain characters
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      const int h = hex_digit(s[i + 1]), l = hex_digit(s[i + 2]);
      if (h >= 0 && l >= 0) {
        out.append(s.data() + run, i - run);
        out.push_back(static_cast<char>(h * 16 + l));
        i += 2;
        run = i + 1;
      }
    } else if (c == '+' && plus_is_space) {
      out.append(s.data() + run, i - run);
      out.push_back(' ');
      run = i + 1;
    }
  }
  out.append(s.data() + run, s.size() - run);
  return out;
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

// s with every byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD (error messages echo
// request text, which may be anything once percent-decoded).
std::string utf8_sanitize(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3 : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
    bool ok = n > 0 && i + n <= s.size();
    for (std::size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok && n >= 3) {
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      if (c == 0xE0 && c1 < 0xA0) ok = false;  // overlong
      if (c == 0xED && c1 > 0x9F) ok = false;  // surrogates
      if (c == 0xF0 && c1 < 0x90) ok = false;  // overlong
      if (c == 0xF4 && c1 > 0x8F) ok = false;  // > U+10FFFF
    }
    if (ok) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

void append_error_object(std::string& out, std::string_view code, std::string_view message,
                         const std::vector<std::string>* fields, bool status_code_key = false) {
  out += '{';
  out += status_code_key ? "\"statusCode\":" : "\"errorCode\":";
  append_json_string(code, out);
  out += ",\"message\":";
  append_json_string(utf8_sanitize(message), out);
  if (fields != nullptr) {
    out += ",\"fields\":[";
    for (std::size_t i = 0; i < fields->size(); ++i) {
      if (i) out += ',';
      append_json_string((*fields)[i], out);
    }
    out += ']';
  }
  out += '}';
}

rest_response json_response(int status, std::string body) {
  rest_response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json;charset=UTF-8");
  r.body = std::move(body);
  return r;
}

rest_response error_response(int status, std::string_view code, std::string_view message,
                             const std::vector<std::string>* fields = nullptr) {
  std::string b = "[";
  append_error_object(b, code, message, fields);
  b += ']';
  return json_response(status, std::move(b));
}

rest_response platform_error(const api_error& e) {
  return error_response(400, to_string(e.code), e.message, &e.fields);
}

std::string_view json_kind(const json& v) {
  switch (v.type()) {
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "VALUE_NUMBER_INT";
    case json::value_t::number_float: return "VALUE_NUMBER_FLOAT";
    case json::value_t::boolean: return v.get<bool>() ? "VALUE_TRUE" : "VALUE_FALSE";
    case json::value_t::array: return "START_ARRAY";
    case json::value_t::object: return "START_OBJECT";
    case json::value_t::null: return "VALUE_NULL";
    default: return "VALUE_STRING";
  }
}

std::optional<push_status> parse_status(std::string_view s) {
  static constexpr std::pair<std::string_view, push_status> names[] = {
      {"Created", push_status::created},       {"Pending", push_status::pending},
      {"InProgress", push_status::in_progress}, {"In Progress", push_status::in_progress},
      {"Succeeded", push_status::succeeded},   {"Failed", push_status::failed},
      {"Canceled", push_status::canceled}};
  for (const auto& [n, st] : names) {
    if (n == s) return st;
  }
  return std::nullopt;
}

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

// Rewrites quoted 'InProgress' / 'In Progress' literals to the configured spelling, so filters on Status accept
// both spellings (the data source renders only the configured one). Other text is left alone.
std::string normalize_status_literals(std::string_view text, bool spaced) {
  std::string out;
  out.reserve(text.size() + 2);
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '\'') {
      out.push_back(text[i++]);
      continue;
    }
    std::size_t j = i + 1;
    while (j < text.size() && text[j] != '\'') j += text[j] == '\\' ? 2 : 1;
    if (j >= text.size()) {
      out.append(text.substr(i));
      break;
    }
    const std::string_view lit = text.substr(i + 1, j - i - 1);
    if (iequals(lit, "InProgress") || iequals(lit, "In Progress")) {
      out += spaced ? "'In Progress'" : "'InProgress'";
    } else {
      out.append(text.substr(i, j - i + 1));
    }
    i = j + 1;
  }
  return out;
}

constexpr std::string_view something_bad = "Something bad has happened. Please verify your input and try again.";

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// faults
// ---------------------------------------------------------------------------------------------------------------
double fault_rates::total() const {
  return http_503 + http_500 + something_bad_400 + unknown_exception_500 + drop + empty + malformed;
}

bool fault_config::enabled() const {
  if (any.total() > 0 || latency_median_ms > 0) return true;
  for (const auto& r : per_class) {
    if (r.total() > 0) return true;
  }
  return false;
}

fault_config_result parse_fault_config(std::string_view text) {
  fault_config_result out;
  const json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    out.error = "/: expected a JSON object";
    return out;
  }
  static constexpr std::pair<std::string_view, double fault_rates::*> rate_names[] = {
      {"http_503", &fault_rates::http_503},
      {"http_500", &fault_rates::http_500},
      {"something_bad_400", &fault_rates::something_bad_400},
      {"unknown_exception_500", &fault_rates::unknown_exception_500},
      {"drop", &fault_rates::drop},
      {"empty", &fault_rates::empty},
      {"malformed", &fault_rates::malformed}};
  static constexpr std::string_view class_names[] = {"query", "create", "composite", "patch", "bulk", "other"};
  auto read_rates = [&](const json& o, const std::string& ptr, fault_rates& r) -> bool {
    if (!o.is_object()) {
      out.error = ptr + ": expected an object of rates";
      return false;
    }
    for (const auto& [k, v] : o.items()) {
      bool known = false;
      for (const auto& [n, m] : rate_names) {
        if (k == n) {
          known = true;
          if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1) {
            out.error = ptr + "/" + k + ": expected a probability in [0, 1]";
            return false;
          }
          r.*m = v.get<double>();
        }
      }
      if (!known) {
        out.error = ptr + "/" + k + ": unknown fault kind";
        return false;
      }
    }
    if (r.total() > 1) {
      out.error = ptr + ": rates add up to more than 1";
      return false;
    }
    return true;
  };
  for (const auto& [k, v] : j.items()) {
    if (k == "seed") {
      if (!v.is_number_unsigned()) {
        out.error = "/seed: expected a non-negative integer";
        return out;
      }
      out.config.seed = v.get<std::uint64_t>();
    } else if (k == "any") {
      if (!read_rates(v, "/any", out.config.any)) return out;
    } else if (k == "latency") {
      if (!v.is_object()) {
        out.error = "/latency: expected {\"median_ms\", \"p99_ms\"}";
        return out;
      }
      for (const auto& [lk, lv] : v.items()) {
        if ((lk != "median_ms" && lk != "p99_ms") || !lv.is_number() || lv.get<double>() < 0) {
          out.error = "/latency/" + lk + ": expected median_ms or p99_ms, a number >= 0";
          return out;
        }
        (lk == "median_ms" ? out.config.latency_median_ms : out.config.latency_p99_ms) = lv.get<double>();
      }
      if (out.config.latency_p99_ms < out.config.latency_median_ms) out.config.latency_p99_ms = out.config.latency_median_ms;
    } else {
      bool known = false;
      for (std::size_t c = 0; c < std::size(class_names); ++c) {
        if (k == class_names[c]) {
          known = true;
          if (!read_rates(v, "/" + k, out.config.per_class[c])) return out;
        }
      }
      if (!known) {
        out.error = "/" + k + ": unknown member (expected seed, any, latency, query, create, composite, patch, bulk, "
                    "other)";
        return out;
      }
    }
  }
  for (const auto& r : out.config.per_class) {
    if (r.total() + out.config.any.total() > 1) {
      out.error = "/any: any + class rates add up to more than 1";
      return out;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// private types
// ---------------------------------------------------------------------------------------------------------------
struct api_handler::locator {
  std::shared_ptr<query_result> result;
  std::string version;
  std::size_t batch = 2000;
  time_point last_used{};
};

struct api_handler::bulk_job {
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

struct api_handler::route {
  enum kind {
    versions, version_root, limits, query, query_more, sobjects_global, sobject_info, sobject_describe, sobject_row,
    composite_tree, composite_sobjects, bulk, userinfo, not_found
  };
  kind what = not_found;
  std::string version;
  const object_def* object = nullptr;
  std::string id;   // row id, locator tail, or bulk job id
  std::string sub;  // bulk: "", "batches", "successfulResults", ...
  bool query_all = false;
  std::vector<std::pair<std::string, std::string>> params;
  std::string_view allowed;  // methods (for 405)
  endpoint_class cls = endpoint_class::other;
  std::string_view param(std::string_view name) const {
    for (const auto& [k, v] : params) {
      if (k == name) return v;
    }
    return {};
  }
  bool has_param(std::string_view name) const {
    for (const auto& kv : params) {
      if (kv.first == name) return true;
    }
    return false;
  }
};

// ---------------------------------------------------------------------------------------------------------------
// handler
// ---------------------------------------------------------------------------------------------------------------
api_handler::api_handler(platform& p, api_config config)
    : p_(p),
      config_(std::move(config)),
      ds_(p, config_.partner, config_.spaced_status),
      fault_rng_(sim::rng_streams(config_.faults.seed).get("api/faults")),
      latency_rng_(sim::rng_streams(config_.faults.seed).get("api/latency")) {
  PUSHSIM_ASSERT(!config_.versions.empty(), "api_handler: at least one API version");
  PUSHSIM_ASSERT(config_.query_batch_rows >= 1, "api_handler: query_batch_rows must be positive");
  usage_minute_.fill(-1);
}

api_handler::~api_handler() = default;

namespace {
std::int64_t sim_minute(time_point t) {
  return std::chrono::floor<std::chrono::minutes>(t.time_since_epoch()).count();
}
}  // namespace

std::int64_t api_handler::api_usage() const {
  const std::int64_t now = sim_minute(p_.simulation().now());
  std::int64_t total = 0;
  for (std::size_t i = 0; i < usage_counts_.size(); ++i) {
    if (usage_minute_[i] > now - 1440 && usage_minute_[i] <= now) total += usage_counts_[i];
  }
  return total;
}

void api_handler::advance_usage() {
  const std::int64_t m = sim_minute(p_.simulation().now());
  if (!usage_started_) {
    usage_started_ = true;
    usage_last_minute_ = m;
    return;
  }
  if (m <= usage_last_minute_) return;
  const std::int64_t from = std::max(usage_last_minute_ + 1, m - 1439);
  if (m - usage_last_minute_ >= 1440) {
    usage_counts_.fill(0);
    usage_total_ = 0;
  } else {
    for (std::int64_t k = from; k <= m; ++k) {
      const auto slot = static_cast<std::size_t>(((k % 1440) + 1440) % 1440);
      usage_total_ -= usage_counts_[slot];
      usage_counts_[slot] = 0;
      usage_minute_[slot] = k;
    }
  }
  usage_last_minute_ = m;
}

void api_handler::count_call() {
  const std::int64_t m = sim_minute(p_.simulation().now());
  const auto slot = static_cast<std::size_t>(((m % 1440) + 1440) % 1440);
  usage_minute_[slot] = m;
  ++usage_counts_[slot];
  ++usage_total_;
}

void api_handler::prune_locators() {
  const time_point now = p_.simulation().now();
  for (auto it = locators_.begin(); it != locators_.end();) {
    if (now - it->second->last_used > config_.locator_ttl) {
      it = locators_.erase(it);
    } else {
      ++it;
    }
  }
}

rest_response api_handler::handle(const rest_request& req) {
  // ---- transport-level limits (the socket server enforces them too) ----
  if (req.target.size() > config_.uri_bytes_max) {
    return error_response(414, "URI_TOO_LONG", "URI Too Long");
  }
  std::size_t header_bytes = 0;
  for (const auto& [k, v] : req.headers) header_bytes += k.size() + v.size() + 4;
  if (header_bytes > config_.header_bytes_max) {
    return error_response(431, "REQUEST_HEADER_FIELDS_TOO_LARGE", "Request Header Fields Too Large");
  }
  if (req.body.size() > config_.body_bytes_max) {
    return error_response(413, "REQUEST_ENTITY_TOO_LARGE", "Request Entity Too Large");
  }

  // ---- routing (pure) ----
  route r;
  std::string_view target = req.target;
  std::string_view path = target, qs;
  if (const auto q = target.find('?'); q != std::string_view::npos) {
    path = target.substr(0, q);
    qs = target.substr(q + 1);
  }
  if (!qs.empty()) {
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
  std::string decoded_path = url_decode(path, false);
  while (decoded_path.size() > 1 && decoded_path.back() == '/') decoded_path.pop_back();  // query/ == query
  std::vector<std::string_view> seg = split(decoded_path, '/');
  while (!seg.empty() && seg.front().empty()) seg.erase(seg.begin());  // "//services/..." (Salesforce CLI)
  bool public_route = false;
  if (seg.size() == 2 && seg[0] == "services" && seg[1] == "data") {
    r.what = route::versions;
    r.allowed = "GET,HEAD";
    public_route = true;
  } else if (seg.size() == 3 && seg[0] == "services" && seg[1] == "oauth2" && seg[2] == "userinfo") {
    r.what = route::userinfo;
    r.allowed = "GET,POST";
  } else if (seg.size() >= 3 && seg[0] == "services" && seg[1] == "data" && seg[2].size() > 1 && seg[2][0] == 'v') {
    const std::string_view ver = seg[2].substr(1);
    const bool known = std::find(config_.versions.begin(), config_.versions.end(), ver) != config_.versions.end();
    if (known) {
      r.version = std::string(ver);
      const std::size_t n = seg.size() - 3;
      auto s = [&](std::size_t i) { return seg[3 + i]; };
      if (n == 0) {
        r.what = route::version_root;
        r.allowed = "GET,HEAD";
      } else if (s(0) == "limits" && n == 1) {
        r.what = route::limits;
        r.allowed = "GET,HEAD";
      } else if ((s(0) == "query" || s(0) == "queryAll") && n <= 2) {
        r.query_all = s(0) == "queryAll";
        r.cls = endpoint_class::query;
        r.allowed = "GET,HEAD";
        if (n == 1 || s(1).empty()) {
          r.what = route::query;
        } else {
          r.what = route::query_more;
          r.id = std::string(s(1));
        }
      } else if (s(0) == "sobjects") {
        if (n == 1) {
          r.what = route::sobjects_global;
          r.allowed = "GET,HEAD";
        } else {
          r.object = push_schema().find_object(s(1));
          if (r.object != nullptr) {
            if (n == 2) {
              r.what = route::sobject_info;
              r.allowed = "GET,HEAD,POST";
              if (req.method == "POST") r.cls = endpoint_class::create;
            } else if (n == 3 && s(2) == "describe") {
              r.what = route::sobject_describe;
              r.allowed = "GET,HEAD";
            } else if (n == 3) {
              r.what = route::sobject_row;
              r.id = std::string(s(2));
              r.allowed = "GET,HEAD,PATCH";
              if (req.method == "PATCH") r.cls = endpoint_class::patch;
            }
          }
        }
      } else if (s(0) == "composite" && n == 3 && s(1) == "tree") {
        r.object = push_schema().find_object(s(2));
        if (r.object != nullptr) {
          r.what = route::composite_tree;
          r.allowed = "POST";
          r.cls = endpoint_class::composite;
        }
      } else if (s(0) == "composite" && n == 2 && s(1) == "sobjects") {
        r.what = route::composite_sobjects;
        r.allowed = "POST";
        r.cls = endpoint_class::composite;
      } else if (s(0) == "jobs" && n >= 2 && s(1) == "ingest" && n <= 4) {
        r.what = route::bulk;
        r.cls = endpoint_class::bulk;
        if (n == 2) {
          r.allowed = "GET,POST";
        } else if (n == 3) {
          r.id = std::string(s(2));
          r.allowed = "GET,PATCH,DELETE";
        } else {
          r.id = std::string(s(2));
          r.sub = std::string(s(3));
          if (r.sub == "batches") {
            r.allowed = "PUT";
          } else if (r.sub == "successfulResults" || r.sub == "failedResults" || r.sub == "unprocessedrecords") {
            r.allowed = "GET";
          } else {
            r.what = route::not_found;
          }
        }
      }
    }
  }

  rest_response out;
  bool faulted = false;
  if (!public_route) {
    // ---- auth ----
    std::string_view auth = req.header("Authorization");
    std::string_view token;
    if (auth.size() > 7 && iequals(auth.substr(0, 7), "Bearer ")) token = auth.substr(7);
    else if (auth.size() > 6 && iequals(auth.substr(0, 6), "OAuth ")) token = auth.substr(6);
    const bool ok = !token.empty() &&
                    std::find(config_.tokens.begin(), config_.tokens.end(), token) != config_.tokens.end();
    if (!ok) {
      rest_response e = error_response(401, "INVALID_SESSION_ID", "Session expired or invalid");
      e.headers.emplace_back("WWW-Authenticate", "Token");
      return e;
    }
    advance_usage();
    if (usage_total_ >= config_.daily_api_requests_max) {
      out = error_response(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
    } else {
      count_call();
      const std::string_view m = req.method;
      const bool allowed = r.what != route::not_found &&
                           [&] {
                             for (std::string_view a : split(r.allowed, ',')) {
                               if (a == m) return true;
                             }
                             return false;
                           }();
      if (r.what == route::not_found) {
        out = error_response(404, "NOT_FOUND", "The requested resource does not exist");
      } else if (!allowed) {
        out = error_response(405, "METHOD_NOT_ALLOWED",
                             "HTTP Method '" + req.method + "' not allowed. Allowed are " + std::string(r.allowed));
        out.headers.emplace_back("Allow", std::string(r.allowed));
      } else {
        // ---- seeded fault, decided before the platform is touched ----
        const fault_config& fc = config_.faults;
        const fault_rates& cr = fc.per_class[static_cast<std::size_t>(r.cls)];
        const double total = fc.any.total() + cr.total();
        if (total > 0) {
          const double u = sim::uniform_real(fault_rng_, 0.0, 1.0);
          double acc = 0;
          auto hit = [&](double fault_rates::*m2) {
            acc += fc.any.*m2 + cr.*m2;
            return u < acc;
          };
          faulted = true;
          if (hit(&fault_rates::http_503)) {
            out = error_response(503, "SERVER_UNAVAILABLE", "Service temporarily unavailable, please retry");
          } else if (hit(&fault_rates::http_500)) {
            out = error_response(500, "SERVER_ERROR", "Internal Server Error");
          } else if (hit(&fault_rates::something_bad_400)) {
            out = error_response(400, "UNKNOWN_EXCEPTION", something_bad);
          } else if (hit(&fault_rates::unknown_exception_500)) {
            out = error_response(500, "UNKNOWN_EXCEPTION",
                                 "An unexpected error occurred. Please include this ErrorId if you contact support: "
                                 "1520493851-42317 (-1158224813)");
          } else if (hit(&fault_rates::drop)) {
            out = error_response(503, "SERVER_UNAVAILABLE", "connection dropped");
            out.set_header(std::string(transport_fault_header), "drop");
          } else if (hit(&fault_rates::empty)) {
            out = json_response(200, "");
            out.set_header(std::string(transport_fault_header), "empty");
          } else if (hit(&fault_rates::malformed)) {
            out = json_response(200, "{\"totalSize\":");
            out.set_header(std::string(transport_fault_header), "malformed");
          } else {
            faulted = false;
          }
          if (faulted) ++faults_injected_;
        }
        if (!faulted) out = dispatch(req, r);
      }
    }
  } else {
    if (req.method != "GET" && req.method != "HEAD") {
      out = error_response(405, "METHOD_NOT_ALLOWED",
                           "HTTP Method '" + req.method + "' not allowed. Allowed are GET,HEAD");
    } else {
      std::string b = "[";
      for (std::size_t i = 0; i < config_.versions.size(); ++i) {
        const std::string& v = config_.versions[i];
        if (i) b += ',';
        b += "{\"label\":";
        append_json_string("Release " + v, b);
        b += ",\"url\":";
        append_json_string("/services/data/v" + v, b);
        b += ",\"version\":";
        append_json_string(v, b);
        b += '}';
      }
      b += ']';
      out = json_response(200, std::move(b));
    }
  }

  advance_usage();
  out.headers.emplace_back("Sforce-Limit-Info",
                           "api-usage=" + std::to_string(usage_total_) + "/" +
                               std::to_string(config_.daily_api_requests_max));
  if (config_.faults.latency_median_ms > 0) {
    const double med_us = config_.faults.latency_median_ms * 1000.0;
    const double p99_us = config_.faults.latency_p99_ms * 1000.0;
    const double sigma = p99_us > med_us ? std::log(p99_us / med_us) / 2.3263478740408408 : 0.0;
    const double us = sigma > 0 ? sim::lognormal(latency_rng_, std::log(med_us), sigma) : med_us;
    out.headers.emplace_back(std::string(latency_header), std::to_string(static_cast<std::int64_t>(us)));
  }
  return out;
}

rest_response api_handler::dispatch(const rest_request& req, const route& r) {
  const bool get = req.method == "GET" || req.method == "HEAD";
  switch (r.what) {
    case route::version_root: {
      const std::string base = "/services/data/v" + r.version;
      std::string b = "{";
      bool first = true;
      for (const char* k : {"limits", "query", "queryAll", "sobjects", "composite", "jobs/ingest"}) {
        if (!first) b += ',';
        first = false;
        std::string key = k;
        if (key == "jobs/ingest") key = "jobs";
        append_json_string(key, b);
        b += ':';
        append_json_string(base + "/" + k, b);
      }
      b += '}';
      return json_response(200, std::move(b));
    }
    case route::limits: return do_limits();
    case route::userinfo: return do_userinfo();
    case route::query: return do_query(req, r);
    case route::query_more: return do_query_more(r);
    case route::sobjects_global: return do_global_describe(r);
    case route::sobject_describe: return do_describe(r);
    case route::sobject_info:
      if (get) return do_describe(r);
      return do_create(r, req.body);
    case route::sobject_row:
      if (get) return do_retrieve(r);
      return do_patch(r, req.body);
    case route::composite_tree: return do_composite_tree(r, req.body);
    case route::composite_sobjects: return do_composite_sobjects(r, req.body);
    case route::bulk: return do_bulk(req, r);
    default: break;
  }
  return error_response(404, "NOT_FOUND", "The requested resource does not exist");
}

// ---- limits / userinfo ----
rest_response api_handler::do_limits() {
  const std::int64_t max = config_.daily_api_requests_max;
  const std::int64_t remaining = std::max<std::int64_t>(0, max - usage_total_);
  std::string b = "{\"DailyApiRequests\":{\"Max\":" + std::to_string(max) + ",\"Remaining\":" +
                  std::to_string(remaining) + "}";
  b += ",\"DailyBulkApiBatches\":{\"Max\":15000,\"Remaining\":15000}";
  b += ",\"DailyBulkV2QueryJobs\":{\"Max\":10000,\"Remaining\":10000}";
  b += ",\"DataStorageMB\":{\"Max\":5,\"Remaining\":5}";
  b += ",\"FileStorageMB\":{\"Max\":20,\"Remaining\":20}}";
  return json_response(200, std::move(b));
}

rest_response api_handler::do_userinfo() {
  const partner_org_info& pi = config_.partner;
  const std::string& base = config_.instance_url;
  const std::string v = config_.versions.back();
  json j = {{"sub", base + "/id/" + pi.org_id + "/" + pi.user_id},
            {"user_id", pi.user_id},
            {"organization_id", pi.org_id},
            {"preferred_username", pi.username},
            {"nickname", pi.username.substr(0, pi.username.find('@'))},
            {"name", pi.user_name},
            {"email", pi.email},
            {"email_verified", true},
            {"zoneinfo", "America/Los_Angeles"},
            {"locale", "en_US"},
            {"language", "en_US"},
            {"active", true},
            {"user_type", "STANDARD"},
            {"is_app_installed", true},
            {"urls",
             {{"enterprise", base + "/services/Soap/c/{version}/" + pi.org_id.substr(0, 15)},
              {"rest", base + "/services/data/v{version}/"},
              {"sobjects", base + "/services/data/v{version}/sobjects/"},
              {"query", base + "/services/data/v{version}/query/"},
              {"profile", base + "/" + pi.user_id},
              {"custom_domain", base}}}};
  return json_response(200, j.dump(-1, ' ', false, json::error_handler_t::replace));
}

// ---- query ----
rest_response api_handler::do_query(const rest_request& req, const route& r) {
  if (!r.has_param("q")) {
    return error_response(400, "MALFORMED_QUERY", "A query string has to be specified");
  }
  std::string_view text = r.param("q");
  std::string normalized;
  if (text.find("rogress") != std::string_view::npos || text.find("ROGRESS") != std::string_view::npos) {
    normalized = normalize_status_literals(text, config_.spaced_status);
    text = normalized;
  }
  std::shared_ptr<const compiled_query> q;
  if (auto it = query_cache_.find(std::string(text)); it != query_cache_.end()) {
    q = it->second;
  } else {
    auto prepared = prepare_soql(text, push_schema());
    if (auto* err = std::get_if<soql_error>(&prepared)) {
      return error_response(400, err->error_code, err->message);
    }
    q = std::get<std::shared_ptr<const compiled_query>>(prepared);
    if (query_cache_.size() >= 4096) query_cache_.clear();
    query_cache_.emplace(std::string(text), q);
  }
  std::size_t batch = config_.query_batch_rows;
  if (std::string_view opt = req.header("Sforce-Query-Options"); !opt.empty()) {
    const auto p = opt.find("batchSize=");
    if (p != std::string_view::npos) {
      std::size_t n = 0;
      const char* b = opt.data() + p + 10;
      auto [ptr, ec] = std::from_chars(b, opt.data() + opt.size(), n);
      if (ec == std::errc{}) batch = std::clamp<std::size_t>(n, 200, 2000);
    }
  }
  auto result = std::make_shared<query_result>(evaluate_soql(q, ds_, nullptr, projection_mode::defer));
  const bool deferred = result->records.empty() && !result->rows.empty();
  const std::size_t n = deferred ? result->rows.size() : result->records.size();
  std::string body;
  body.reserve(256);
  if (n <= batch) {
    if (deferred) {
      auto recs = project_rows(*q, result->rows, ds_);
      render_records_page(*q, result->total_size, recs, r.version, "", body);
    } else {
      render_query_page(*result, 0, n, r.version, "", body);
    }
    return json_response(200, std::move(body));
  }
  prune_locators();
  while (locators_.size() >= config_.max_open_locators && !locators_.empty()) {
    auto oldest = locators_.begin();
    for (auto it = locators_.begin(); it != locators_.end(); ++it) {
      if (it->second->last_used < oldest->second->last_used) oldest = it;
    }
    locators_.erase(oldest);
  }
  const std::uint64_t id = next_locator_++;
  auto loc = std::make_unique<locator>();
  loc->result = result;
  loc->version = r.version;
  loc->batch = batch;
  loc->last_used = p_.simulation().now();
  locators_.emplace(id, std::move(loc));
  const std::string next =
      "/services/data/v" + r.version + "/query/" + make_id("01g", id) + "-" + std::to_string(batch);
  if (deferred) {
    auto recs = project_rows(*q, std::span<const row_id>(result->rows).subspan(0, batch), ds_);
    render_records_page(*q, result->total_size, recs, r.version, next, body);
  } else {
    render_query_page(*result, 0, batch, r.version, next, body);
  }
  return json_response(200, std::move(body));
}

rest_response api_handler::do_query_more(const route& r) {
  auto invalid = [] { return error_response(400, "INVALID_QUERY_LOCATOR", "invalid query locator"); };
  const auto dash = r.id.rfind('-');
  if (dash == std::string::npos) return invalid();
  const auto seq = parse_id("01g", std::string_view(r.id).substr(0, dash));
  std::size_t offset = 0;
  {
    const char* b = r.id.data() + dash + 1;
    auto [ptr, ec] = std::from_chars(b, r.id.data() + r.id.size(), offset);
    if (ec != std::errc{} || ptr != r.id.data() + r.id.size()) return invalid();
  }
  if (!seq) return invalid();
  prune_locators();
  auto it = locators_.find(*seq);
  if (it == locators_.end()) return invalid();
  locator& loc = *it->second;
  const query_result& res = *loc.result;
  const bool deferred = res.records.empty() && !res.rows.empty();
  const std::size_t n = deferred ? res.rows.size() : res.records.size();
  if (offset >= n) return invalid();
  loc.last_used = p_.simulation().now();
  const std::size_t count = std::min(loc.batch, n - offset);
  std::string next;
  if (offset + count < n) {
    next = "/services/data/v" + r.version + "/query/" + make_id("01g", *seq) + "-" + std::to_string(offset + count);
  }
  std::string body;
  if (deferred) {
    auto recs = project_rows(*res.query, std::span<const row_id>(res.rows).subspan(offset, count), ds_);
    render_records_page(*res.query, res.total_size, recs, r.version, next, body);
  } else {
    render_query_page(res, offset, count, r.version, next, body);
  }
  if (next.empty()) locators_.erase(it);
  return json_response(200, std::move(body));
}

// ---- describe ----
namespace {
bool createable(const object_def& o) { return o.name == "PackagePushRequest" || o.name == "PackagePushJob"; }
bool field_createable(const object_def& o, const field_def& f) {
  if (o.name == "PackagePushRequest") return f.name == "PackageVersionId" || f.name == "ScheduledStartTime";
  if (o.name == "PackagePushJob") return f.name == "PackagePushRequestId" || f.name == "SubscriberOrganizationKey";
  return false;
}
bool field_updateable(const object_def& o, const field_def& f) {
  return o.name == "PackagePushRequest" && f.name == "Status";
}
void append_object_urls(const object_def& o, const std::string& version, std::string& b) {
  const std::string base = "/services/data/v" + version + "/sobjects/" + o.name;
  b += "\"urls\":{\"sobject\":";
  append_json_string(base, b);
  b += ",\"describe\":";
  append_json_string(base + "/describe", b);
  b += ",\"rowTemplate\":";
  append_json_string(base + "/{ID}", b);
  b += '}';
}
// {"name", "label", "keyPrefix" and the create/update/query flags of an object, up to and including the comma
// after "custom" (shared by the global describe, the object info and the full describe).
void append_object_head(const object_def& o, std::string& b) {
  b += "{\"name\":";
  append_json_string(o.name, b);
  b += ",\"label\":";
  append_json_string(o.name, b);
  b += ",\"keyPrefix\":";
  append_json_string(o.key_prefix, b);
  b += createable(o) ? ",\"createable\":true" : ",\"createable\":false";
  b += o.name == "PackagePushRequest" ? ",\"updateable\":true" : ",\"updateable\":false";
  b += ",\"deletable\":false,\"queryable\":true,\"retrieveable\":true,\"custom\":false,";
}

void append_object_summary(const object_def& o, const std::string& version, std::string& b) {
  append_object_head(o, b);
  append_object_urls(o, version, b);
  b += '}';
}
}  // namespace

rest_response api_handler::do_global_describe(const route& r) {
  std::string b = "{\"encoding\":\"UTF-8\",\"maxBatchSize\":200,\"sobjects\":[";
  bool first = true;
  for (const auto& o : push_schema().objects()) {
    if (!first) b += ',';
    first = false;
    append_object_summary(o, r.version, b);
  }
  b += "]}";
  return json_response(200, std::move(b));
}

rest_response api_handler::do_describe(const route& r) {
  const object_def& o = *r.object;
  std::string b;
  if (r.what == route::sobject_info) {
    b = "{\"objectDescribe\":";
    append_object_summary(o, r.version, b);
    b += ",\"recentItems\":[]}";
    return json_response(200, std::move(b));
  }
  b.clear();
  append_object_head(o, b);
  b += "\"fields\":[";
  for (std::size_t i = 0; i < o.fields.size(); ++i) {
    const field_def& f = o.fields[i];
    if (i) b += ',';
    b += "{\"name\":";
    append_json_string(f.name, b);
    b += ",\"label\":";
    append_json_string(f.name, b);
    b += ",\"type\":";
    append_json_string(field_type_name(f.type), b);
    b += ",\"nillable\":";
    b += f.type == field_type::id || f.type == field_type::boolean ? "false" : "true";
    b += ",\"createable\":";
    b += field_createable(o, f) ? "true" : "false";
    b += ",\"updateable\":";
    b += field_updateable(o, f) ? "true" : "false";
    b += ",\"filterable\":true,\"referenceTo\":[";
    if (f.type == field_type::reference) append_json_string(f.reference_to, b);
    b += "],\"relationshipName\":";
    if (f.type == field_type::reference) append_json_string(f.relationship_name, b);
    else b += "null";
    b += '}';
  }
  b += "],\"childRelationships\":[";
  for (std::size_t i = 0; i < o.children.size(); ++i) {
    if (i) b += ',';
    b += "{\"childSObject\":";
    append_json_string(o.children[i].child_object, b);
    b += ",\"field\":";
    append_json_string(o.children[i].field, b);
    b += ",\"relationshipName\":";
    append_json_string(o.children[i].name, b);
    b += '}';
  }
  b += "],";
  append_object_urls(o, r.version, b);
  b += '}';
  return json_response(200, std::move(b));
}

// ---- retrieve ----
rest_response api_handler::do_retrieve(const route& r) {
  const object_def& o = *r.object;
  auto rows = ds_.lookup_eq(o, o.id_field(), value{r.id});
  if (!rows || rows->empty()) {
    return error_response(404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: " + r.id);
  }
  std::vector<const field_def*> fields;
  if (r.has_param("fields")) {
    for (std::string_view name : split(r.param("fields"), ',')) {
      while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
      while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
      const field_def* f = o.find_field(name);
      if (f == nullptr) {
        return error_response(400, "INVALID_FIELD",
                              "No such column '" + std::string(name) + "' on entity '" + o.name +
                                  "'. If you are attempting to use a custom field, be sure to append the '__c' after "
                                  "the custom field name. Please reference your WSDL or the describe call for the "
                                  "appropriate names.");
      }
      fields.push_back(f);
    }
  } else {
    for (const auto& f : o.fields) fields.push_back(&f);
  }
  const row_id row = rows->front();
  const std::string id = std::get<std::string>(ds_.field(o, row, o.id_field()));
  std::string b = "{\"attributes\":{\"type\":";
  append_json_string(o.name, b);
  b += ",\"url\":";
  append_json_string("/services/data/v" + r.version + "/sobjects/" + o.name + "/" + id, b);
  b += '}';
  for (const field_def* f : fields) {
    b += ',';
    append_json_string(f->name, b);
    b += ':';
    append_json_value(ds_.field(o, row, *f), b);
  }
  b += '}';
  return json_response(200, std::move(b));
}

// ---- record validation shared by create / composite / bulk ----
namespace {
struct record_error {
  std::string code;
  std::string message;
  std::vector<std::string> fields;
};

// A PackagePushRequest or PackagePushJob to create, checked for shape.
struct record_spec {
  const object_def* object = nullptr;
  std::string version_id;                     // request
  std::optional<time_point> scheduled_start;  // request
  std::string request_id;                     // job
  std::string org_key;                        // job
  std::optional<org_index> org;               // job: set by precheck once it has found the org
};

// One record of a create body, as read_record needs it, whichever parser read it. Members are sorted by key with
// the last of duplicate keys kept (what a JSON object map gives); the views point into the parsed document.
struct record_body {
  struct member {
    std::string_view key;
    std::string_view kind;  // json_kind of the value ("VALUE_STRING", "VALUE_NULL", ...)
    std::string_view text;  // the value when it is a string
  };
  std::string_view kind;  // json_kind of the record itself
  std::vector<member> members;
  // attributes.type / attributes.referenceId: present? and a string?
  bool has_attributes = false;
  bool has_type = false, type_is_string = false;
  std::string_view type;
  bool reference_is_string = false;
  std::string_view reference_id;

  void normalize() {
    std::stable_sort(members.begin(), members.end(), [](const member& a, const member& b) { return a.key < b.key; });
    std::vector<member> last;
    last.reserve(members.size());
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (i + 1 < members.size() && members[i + 1].key == members[i].key) continue;
      last.push_back(members[i]);
    }
    members = std::move(last);
  }
};

record_body body_of(const json& rec) {
  record_body b;
  b.kind = json_kind(rec);
  if (!rec.is_object()) return b;
  for (const auto& [k, v] : rec.items()) {
    if (k == "attributes") {
      if (!v.is_object()) continue;
      b.has_attributes = true;
      if (const auto t = v.find("type"); t != v.end()) {
        b.has_type = true;
        b.type_is_string = t->is_string();
        if (b.type_is_string) b.type = t->get_ref<const std::string&>();
      }
      if (const auto r = v.find("referenceId"); r != v.end() && r->is_string()) {
        b.reference_is_string = true;
        b.reference_id = r->get_ref<const std::string&>();
      }
      continue;
    }
    record_body::member m{k, json_kind(v), {}};
    if (v.is_string()) m.text = v.get_ref<const std::string&>();
    b.members.push_back(m);
  }
  return b;  // a JSON object map is sorted and has unique keys already
}

std::string_view json_kind(simdjson::dom::element v) {
  using t = simdjson::dom::element_type;
  switch (v.type()) {
    case t::INT64:
    case t::UINT64: return "VALUE_NUMBER_INT";
    case t::DOUBLE: return "VALUE_NUMBER_FLOAT";
    case t::BOOL: return v.get_bool().value_unsafe() ? "VALUE_TRUE" : "VALUE_FALSE";
    case t::ARRAY: return "START_ARRAY";
    case t::OBJECT: return "START_OBJECT";
    case t::NULL_VALUE: return "VALUE_NULL";
    default: return "VALUE_STRING";
  }
}

record_body body_of(simdjson::dom::element rec) {
  record_body b;
  b.kind = json_kind(rec);
  simdjson::dom::object obj;
  if (rec.get_object().get(obj) != simdjson::SUCCESS) return b;
  b.members.reserve(obj.size());
  for (const auto field : obj) {
    if (field.key == "attributes") {
      simdjson::dom::object a;
      if (field.value.get_object().get(a) != simdjson::SUCCESS) continue;
      // Later duplicates win, as in a JSON object map.
      b.has_attributes = true;
      for (const auto af : a) {
        if (af.key == "type") {
          b.has_type = true;
          b.type_is_string = af.value.get_string().get(b.type) == simdjson::SUCCESS;
        } else if (af.key == "referenceId") {
          b.reference_is_string = af.value.get_string().get(b.reference_id) == simdjson::SUCCESS;
          if (!b.reference_is_string) b.reference_id = {};
        }
      }
      continue;
    }
    record_body::member m{field.key, json_kind(field.value), {}};
    if (field.value.is_string()) m.text = field.value.get_string().value_unsafe();
    b.members.push_back(m);
  }
  b.normalize();
  return b;
}

// Checks a JSON record body against the object's createable fields. nullopt: ok (spec filled).
std::optional<record_error> read_record(const object_def& o, const record_body& rec, record_spec& spec) {
  spec.object = &o;
  if (rec.kind != "START_OBJECT") {
    return record_error{"JSON_PARSER_ERROR",
                        "Cannot deserialize instance of " + o.name + " from " + std::string(rec.kind) + " value", {}};
  }
  if (!createable(o)) {
    return record_error{"INVALID_TYPE_FOR_OPERATION", "entity type cannot be inserted: " + o.name, {}};
  }
  bool has_version = false, has_request = false, has_key = false;
  for (const auto& m : rec.members) {
    const field_def* f = o.find_field(m.key);
    if (f == nullptr) {
      return record_error{"INVALID_FIELD", "No such column '" + std::string(m.key) + "' on sobject of type " + o.name,
                          {}};
    }
    if (!field_createable(o, *f)) {
      return record_error{"INVALID_FIELD_FOR_INSERT_UPDATE",
                          "Unable to create/update fields: " + f->name +
                              ". Please check the security settings of this field and verify that it is read/write "
                              "for your profile or permission set.",
                          {f->name}};
    }
    if (f->name == "ScheduledStartTime") {
      if (m.kind == "VALUE_NULL") continue;
      if (m.kind != "VALUE_STRING") {
        return record_error{"JSON_PARSER_ERROR",
                            "Cannot deserialize instance of datetime from " + std::string(m.kind) +
                                " value or request may be missing a required field",
                            {f->name}};
      }
      auto t = parse_iso8601(m.text);
      if (!t.time) {
        return record_error{"JSON_PARSER_ERROR",
                            "Cannot deserialize instance of datetime from VALUE_STRING value " +
                                std::string(m.text) + " or request may be missing a required field",
                            {f->name}};
      }
      spec.scheduled_start = *t.time;
      continue;
    }
    if (m.kind != "VALUE_STRING") {
      return record_error{"JSON_PARSER_ERROR",
                          "Cannot deserialize instance of " + std::string(field_type_name(f->type)) + " from " +
                              std::string(m.kind) + " value or request may be missing a required field",
                          {f->name}};
    }
    const std::string s(m.text);
    if (f->name == "PackageVersionId") {
      spec.version_id = s;
      has_version = true;
    } else if (f->name == "PackagePushRequestId") {
      spec.request_id = s;
      has_request = true;
    } else {
      spec.org_key = s;
      has_key = true;
    }
  }
  if (o.name == "PackagePushRequest" && !has_version) {
    return record_error{"REQUIRED_FIELD_MISSING", "Required fields are missing: [PackageVersionId]",
                        {"PackageVersionId"}};
  }
  if (o.name == "PackagePushJob" && (!has_request || !has_key)) {
    std::vector<std::string> missing;
    if (!has_request) missing.emplace_back("PackagePushRequestId");
    if (!has_key) missing.emplace_back("SubscriberOrganizationKey");
    std::string m = "Required fields are missing: [";
    for (std::size_t i = 0; i < missing.size(); ++i) m += (i ? ", " : "") + missing[i];
    return record_error{"REQUIRED_FIELD_MISSING", m + "]", missing};
  }
  if (o.name == "PackagePushRequest" && !parse_id(package_version_prefix, spec.version_id)) {
    return record_error{"MALFORMED_ID", "Package Version ID: id value of incorrect type: " + spec.version_id,
                        {"PackageVersionId"}};
  }
  if (o.name == "PackagePushJob" && !parse_id(push_request_prefix, spec.request_id)) {
    return record_error{"MALFORMED_ID", "Package Push Request ID: id value of incorrect type: " + spec.request_id,
                        {"PackagePushRequestId"}};
  }
  return std::nullopt;
}

record_error from_platform(const api_error& e) { return {std::string(to_string(e.code)), e.message, e.fields}; }

// The platform's own add_job/create_request checks, without changing anything (for all-or-nothing batches).
// seen: (request, org) pairs earlier in the same batch.
std::optional<record_error> precheck(const platform& p, record_spec& s,
                                     std::set<std::pair<request_id, org_index>>& seen) {
  if (s.object->name == "PackagePushRequest") {
    const auto v = p.find_version(s.version_id);
    if (!v) return record_error{"INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", {"PackageVersionId"}};
    const auto& pv = p.pkg().versions[*v];
    if (pv.state != release_state::released || pv.deprecated) {
      return record_error{"FIELD_INTEGRITY_EXCEPTION", "The package version must be released and not deprecated.",
                          {"PackageVersionId"}};
    }
    return std::nullopt;
  }
  const auto r = p.find_request(s.request_id);
  if (!r) return record_error{"INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", {"PackagePushRequestId"}};
  const push_request_row& row = p.request(*r);
  if (row.status != push_status::created) {
    return record_error{"INVALID_OPERATION",
                        "You can add push jobs only to a push request whose status is Created; this one is " +
                            std::string(to_string(row.status)) + ".",
                        {"PackagePushRequestId"}};
  }
  const auto key = parse_org_key(s.org_key);
  if (!key) {
    return record_error{"INVALID_ID_FIELD", "invalid organization ID: " + s.org_key, {"SubscriberOrganizationKey"}};
  }
  const auto org = p.orgs().find(*key);
  if (!org) {
    return record_error{"INVALID_CROSS_REFERENCE_KEY",
                        "The organization " + key->str() + " isn't a subscriber of this package.",
                        {"SubscriberOrganizationKey"}};
  }
  s.org = *org;
  const bool dup = !seen.insert({*r, *org}).second || p.has_job_in_request(*r, *org);
  if (dup) {
    return record_error{"DUPLICATE_VALUE", "duplicate value found: SubscriberOrganizationKey duplicates value",
                        {"SubscriberOrganizationKey"}};
  }
  if (p.check_eligibility(*org, row.version) != ineligibility::none) {
    return record_error{"FIELD_INTEGRITY_EXCEPTION",
                        "The organization " + key->str() + " isn't eligible for this push upgrade.",
                        {"SubscriberOrganizationKey"}};
  }
  return std::nullopt;
}

// Creates one checked record on the platform: its id, or the platform's error.
std::variant<std::string, record_error> commit(platform& p, const record_spec& s) {
  if (s.object->name == "PackagePushRequest") {
    auto res = p.create_request(s.version_id, s.scheduled_start);
    if (!res) return from_platform(res.error);
    return platform::request_id_string(*res.value);
  }
  const auto r = p.find_request(s.request_id);
  if (!r) return record_error{"INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", {"PackagePushRequestId"}};
  auto res = s.org ? p.add_job(*r, *s.org) : p.add_job(*r, s.org_key);
  if (!res) return from_platform(res.error);
  return platform::job_id_string(*res.value);
}

rest_response json_parse_error(std::string_view body) {
  (void)body;
  return error_response(400, "JSON_PARSER_ERROR", "Unexpected character or end of input in request body");
}
}  // namespace

// ---- create ----
rest_response api_handler::do_create(const route& r, std::string_view body) {
  const json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) return json_parse_error(body);
  record_spec spec;
  if (auto e = read_record(*r.object, body_of(j), spec)) return error_response(400, e->code, e->message, &e->fields);
  auto res = commit(p_, spec);
  if (auto* e = std::get_if<record_error>(&res)) return error_response(400, e->code, e->message, &e->fields);
  std::string b = "{\"id\":";
  append_json_string(std::get<std::string>(res), b);
  b += ",\"success\":true,\"errors\":[]}";
  return json_response(201, std::move(b));
}

// ---- PATCH ----
rest_response api_handler::do_patch(const route& r, std::string_view body) {
  const object_def& o = *r.object;
  const json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) return json_parse_error(body);
  if (!j.is_object()) {
    return error_response(400, "JSON_PARSER_ERROR",
                          "Cannot deserialize instance of " + o.name + " from " + std::string(json_kind(j)) + " value");
  }
  auto rows = ds_.lookup_eq(o, o.id_field(), value{r.id});
  if (!rows || rows->empty()) {
    return error_response(404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: " + r.id);
  }
  if (o.name != "PackagePushRequest" && o.name != "PackagePushJob") {
    return error_response(400, "INVALID_TYPE_FOR_OPERATION", "entity type cannot be updated: " + o.name);
  }
  std::optional<push_status> status;
  for (const auto& [k, v] : j.items()) {
    if (k == "attributes") continue;
    const field_def* f = o.find_field(k);
    if (f == nullptr) {
      return error_response(400, "INVALID_FIELD", "No such column '" + k + "' on sobject of type " + o.name);
    }
    if (!field_updateable(o, *f)) {
      std::vector<std::string> fields{f->name};
      return error_response(400, "INVALID_FIELD_FOR_INSERT_UPDATE",
                            "Unable to create/update fields: " + f->name +
                                ". Please check the security settings of this field and verify that it is read/write "
                                "for your profile or permission set.",
                            &fields);
    }
    std::vector<std::string> fields{"Status"};
    if (!v.is_string()) {
      return error_response(400, "JSON_PARSER_ERROR",
                            "Cannot deserialize instance of picklist from " + std::string(json_kind(v)) + " value",
                            &fields);
    }
    status = parse_status(v.get<std::string>());
    if (!status) {
      return error_response(400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                            "Status: bad value for restricted picklist field: " + v.get<std::string>(), &fields);
    }
  }
  if (!status) {
    rest_response ok;
    ok.status = 204;
    return ok;
  }
  const auto id = static_cast<request_id>(rows->front() + 1);
  auto res = p_.set_request_status(id, *status);
  if (!res) return platform_error(res.error);
  rest_response ok;
  ok.status = 204;
  return ok;
}

// ---- composite/tree ----
rest_response api_handler::do_composite_tree(const route& r, std::string_view body) {
  // The hot path of a rehearsal (200 job records per call): read with simdjson's DOM, a parser kept per thread.
  const object_def& o = *r.object;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element j;
  if (parser.parse(body.data(), body.size()).get(j) != simdjson::SUCCESS) return json_parse_error(body);
  simdjson::dom::array recs;
  if (!j.is_object() || j["records"].get_array().get(recs) != simdjson::SUCCESS) {
    return error_response(400, "JSON_PARSER_ERROR", "Expected a JSON object with a \"records\" array");
  }
  if (recs.size() > 200) {
    return error_response(400, "LIMIT_EXCEEDED", "The request can't contain more than 200 records");
  }
  if (recs.size() == 0) return error_response(400, "INVALID_INPUT", "No records to process");
  const std::size_t n = recs.size();
  std::vector<std::string> refs(n);
  std::vector<record_spec> specs(n);
  std::vector<std::optional<record_error>> errors(n);
  std::set<std::pair<request_id, org_index>> seen;
  std::set<std::string> ref_seen;
  bool has_errors = false;
  std::size_t at = 0;
  for (const simdjson::dom::element rec_json : recs) {
    const record_body rec = body_of(rec_json);
    if (rec.has_attributes) {
      if (rec.reference_is_string) refs[at] = std::string(rec.reference_id);
      if (rec.has_type && (!rec.type_is_string || !iequals(rec.type, o.name))) {
        errors[at] = record_error{"INVALID_TYPE", "The type in attributes doesn't match the object in the URL", {}};
      }
    }
    if (!errors[at] && refs[at].empty()) {
      errors[at] = record_error{"INVALID_INPUT", "Include a reference ID for each record in the request.", {}};
    }
    if (!errors[at] && !ref_seen.insert(refs[at]).second) {
      errors[at] = record_error{"INVALID_INPUT", "Duplicate ReferenceId provided in the request: " + refs[at], {}};
    }
    if (!errors[at]) errors[at] = read_record(o, rec, specs[at]);
    if (!errors[at]) errors[at] = precheck(p_, specs[at], seen);
    if (errors[at]) has_errors = true;
    ++at;
  }
  std::string b;
  if (has_errors) {
    b = "{\"hasErrors\":true,\"results\":[";
    bool first = true;
    for (std::size_t i = 0; i < n; ++i) {
      if (!errors[i]) continue;
      if (!first) b += ',';
      first = false;
      b += "{\"referenceId\":";
      append_json_string(refs[i], b);
      b += ",\"errors\":[";
      append_error_object(b, errors[i]->code, errors[i]->message, &errors[i]->fields, true);
      b += "]}";
    }
    b += "]}";
    return json_response(400, std::move(b));
  }
  b = "{\"hasErrors\":false,\"results\":[";
  for (std::size_t i = 0; i < n; ++i) {
    auto res = commit(p_, specs[i]);
    PUSHSIM_ASSERT(std::holds_alternative<std::string>(res) || specs[i].object->name != "PackagePushJob",
                   "composite/tree: a prechecked job was refused");
    if (auto* e = std::get_if<record_error>(&res)) return error_response(400, e->code, e->message, &e->fields);
    if (i) b += ',';
    b += "{\"referenceId\":";
    append_json_string(refs[i], b);
    b += ",\"id\":";
    append_json_string(std::get<std::string>(res), b);
    b += '}';
  }
  b += "]}";
  return json_response(201, std::move(b));
}

// ---- composite/sobjects ----
rest_response api_handler::do_composite_sobjects(const route&, std::string_view body) {
  const json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) return json_parse_error(body);
  if (!j.is_object() || !j.contains("records") || !j["records"].is_array()) {
    return error_response(400, "JSON_PARSER_ERROR", "Expected a JSON object with a \"records\" array");
  }
  bool all_or_none = false;
  if (j.contains("allOrNone")) {
    if (!j["allOrNone"].is_boolean()) {
      return error_response(400, "JSON_PARSER_ERROR",
                            "Cannot deserialize instance of boolean from " + std::string(json_kind(j["allOrNone"])) +
                                " value");
    }
    all_or_none = j["allOrNone"].get<bool>();
  }
  const json& recs = j["records"];
  if (recs.size() > 200) {
    return error_response(400, "LIMIT_EXCEEDED", "The request can't contain more than 200 records");
  }
  std::vector<record_spec> specs(recs.size());
  std::vector<std::optional<record_error>> errors(recs.size());
  std::set<std::pair<request_id, org_index>> seen;
  bool any_error = false;
  for (std::size_t i = 0; i < recs.size(); ++i) {
    const json& rec = recs[i];
    const object_def* o = nullptr;
    if (rec.is_object() && rec.contains("attributes") && rec["attributes"].is_object() &&
        rec["attributes"].contains("type") && rec["attributes"]["type"].is_string()) {
      o = push_schema().find_object(rec["attributes"]["type"].get<std::string>());
    }
    if (o == nullptr) {
      errors[i] = record_error{"INVALID_TYPE", "Must specify a valid type in attributes for each record", {}};
    } else {
      errors[i] = read_record(*o, body_of(rec), specs[i]);
      if (!errors[i] && all_or_none) errors[i] = precheck(p_, specs[i], seen);
    }
    if (errors[i]) any_error = true;
  }
  std::string b = "[";
  for (std::size_t i = 0; i < recs.size(); ++i) {
    if (i) b += ',';
    std::optional<record_error> e = errors[i];
    std::string id;
    if (!e && all_or_none && any_error) {
      e = record_error{"ALL_OR_NONE_OPERATION_ROLLED_BACK",
                       "Record rolled back because not all records were valid and the request was using AllOrNone "
                       "header",
                       {}};
    }
    if (!e) {
      auto res = commit(p_, specs[i]);
      PUSHSIM_ASSERT(!all_or_none || std::holds_alternative<std::string>(res) ||
                         specs[i].object->name != "PackagePushJob",
                     "composite/sobjects: a prechecked job was refused");
      if (auto* err = std::get_if<record_error>(&res)) e = *err;
      else id = std::get<std::string>(res);
    }
    if (e) {
      b += "{\"success\":false,\"errors\":[";
      append_error_object(b, e->code, e->message, &e->fields, true);
      b += "]}";
    } else {
      b += "{\"id\":";
      append_json_string(id, b);
      b += ",\"success\":true,\"errors\":[]}";
    }
  }
  b += ']';
  return json_response(200, std::move(b));
}

// ---- Bulk API 2.0 ingest ----
namespace {
void append_job_info(const api_handler::bulk_job& job, std::string& b);
}

rest_response api_handler::do_bulk(const rest_request& req, const route& r) {
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
    if (j.is_discarded() || !j.is_object()) return json_parse_error(req.body);
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
      return json_parse_error(req.body);
    }
    const std::string state = j["state"].get<std::string>();
    if (state == "Aborted") {
      if (job.state != "Open" && job.state != "UploadComplete") {
        return error_response(400, "INVALIDJOBSTATE", "Job can't be aborted in state " + job.state);
      }
      job.state = "Aborted";
      job.table = parse_csv(job.data);
      return job_info(job, 200);
    }
    if (state != "UploadComplete") {
      return error_response(400, "INVALIDJOBSTATE", "Invalid state: " + state);
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
void append_job_info(const api_handler::bulk_job& job, std::string& b) {
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
