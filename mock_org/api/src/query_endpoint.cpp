#include "query_endpoint.hpp"

#include <algorithm>
#include <charconv>
#include <span>
#include <utility>

#include "api_response.hpp"
#include "query_columns.hpp"
#include "pushsim/mock_org/api/soql_compiler.hpp"
#include "pushsim/mock_org/api/soql_json.hpp"
#include "pushsim/mock_org/salesforce_id.hpp"

namespace pushsim::mock_org::api::detail {

namespace {

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

// Rows of a result: row handles when projection was deferred, else built records.
bool deferred(const query_result& res) { return res.records.empty() && !res.rows.empty(); }
std::size_t row_count(const query_result& res) { return deferred(res) ? res.rows.size() : res.records.size(); }

// The page of count rows from first, with next_url (empty: the last page).
rest_response render_page(const compiled_query& q, const query_result& res, std::size_t first, std::size_t count,
                          const std::string& version, const std::string& next_url, const data_source& ds) {
  std::string body;
  body.reserve(256);
  if (deferred(res)) {
    auto recs = project_rows(q, std::span<const row_id>(res.rows).subspan(first, count), ds);
    render_records_page(q, res.total_size, recs, version, next_url, body);
  } else {
    render_query_page(res, first, count, version, next_url, body);
  }
  return json_response(200, std::move(body));
}

std::string next_url(const std::string& version, std::uint64_t locator_id, std::size_t offset) {
  return "/services/data/v" + version + "/query/" + make_id("01g", locator_id) + "-" + std::to_string(offset);
}

rest_response invalid_locator() { return error_response(400, "INVALID_QUERY_LOCATOR", "invalid query locator"); }

}  // namespace

query_endpoint::query_endpoint(const api_config& config)
    : spaced_status_(config.spaced_status),
      batch_rows_(config.query_batch_rows),
      locator_ttl_(config.locator_ttl),
      max_open_locators_(config.max_open_locators) {}

rest_response query_endpoint::first_page(const rest_request& req, const route& r, const data_source& ds,
                                         time_point now) {
  if (!r.has_param("q")) return error_response(400, "MALFORMED_QUERY", "A query string has to be specified");
  auto compiled = compile(r.param("q"));
  if (auto* e = std::get_if<rest_response>(&compiled)) return std::move(*e);
  const auto q = std::get<std::shared_ptr<const compiled_query>>(std::move(compiled));
  if (r.param("columns") == "true") return query_columns_response(*q);  // column metadata, no rows
  const std::size_t batch = batch_rows(req);
  auto result = std::make_shared<query_result>(evaluate_soql(q, ds, nullptr, projection_mode::defer));
  const std::size_t n = row_count(*result);
  if (n <= batch) return render_page(*q, *result, 0, n, r.version, "", ds);
  const std::uint64_t id = open_locator(locator{result, r.version, batch, now}, now);
  return render_page(*q, *result, 0, batch, r.version, next_url(r.version, id, batch), ds);
}

rest_response query_endpoint::next_page(const route& r, const data_source& ds, time_point now) {
  const auto dash = r.id.rfind('-');
  if (dash == std::string::npos) return invalid_locator();
  const auto seq = parse_id("01g", std::string_view(r.id).substr(0, dash));
  std::size_t offset = 0;
  const char* end = r.id.data() + r.id.size();
  const auto [ptr, ec] = std::from_chars(r.id.data() + dash + 1, end, offset);
  if (ec != std::errc{} || ptr != end || !seq) return invalid_locator();
  prune_locators(now);
  auto it = locators_.find(*seq);
  if (it == locators_.end()) return invalid_locator();
  locator& loc = it->second;
  const query_result& res = *loc.result;
  const std::size_t n = row_count(res);
  if (offset >= n) return invalid_locator();
  loc.last_used = now;
  const std::size_t count = std::min(loc.batch, n - offset);
  const bool last = offset + count >= n;
  rest_response page = render_page(*res.query, res, offset, count, r.version,
                                   last ? std::string() : next_url(r.version, *seq, offset + count), ds);
  if (last) locators_.erase(it);
  return page;
}

// The compiled query for text (cached by its normalized text), or the 400 MALFORMED_QUERY / INVALID_FIELD ... answer.
std::variant<rest_response, std::shared_ptr<const compiled_query>> query_endpoint::compile(std::string_view text) {
  std::string normalized;
  if (text.find("rogress") != std::string_view::npos || text.find("ROGRESS") != std::string_view::npos) {
    normalized = normalize_status_literals(text, spaced_status_);
    text = normalized;
  }
  if (auto it = query_cache_.find(std::string(text)); it != query_cache_.end()) return it->second;
  auto prepared = prepare_soql(text, push_schema());
  if (auto* err = std::get_if<soql_error>(&prepared)) return error_response(400, err->error_code, err->message);
  auto q = std::get<std::shared_ptr<const compiled_query>>(prepared);
  if (query_cache_.size() >= 4096) query_cache_.clear();
  query_cache_.emplace(std::string(text), q);
  return q;
}

// Rows per page: the configured default, or Sforce-Query-Options batchSize=N clamped to 200..2000.
std::size_t query_endpoint::batch_rows(const rest_request& req) const {
  std::size_t batch = batch_rows_;
  const std::string_view opt = req.header("Sforce-Query-Options");
  if (opt.empty()) return batch;
  const auto p = opt.find("batchSize=");
  if (p == std::string_view::npos) return batch;
  std::size_t n = 0;
  const auto [ptr, ec] = std::from_chars(opt.data() + p + 10, opt.data() + opt.size(), n);
  if (ec == std::errc{}) batch = std::clamp<std::size_t>(n, 200, 2000);
  return batch;
}

// Keeps loc under a new id, closing expired locators and then the least recently used ones beyond the maximum.
std::uint64_t query_endpoint::open_locator(locator loc, time_point now) {
  prune_locators(now);
  while (locators_.size() >= max_open_locators_ && !locators_.empty()) {
    auto oldest = locators_.begin();
    for (auto it = locators_.begin(); it != locators_.end(); ++it) {
      if (it->second.last_used < oldest->second.last_used) oldest = it;
    }
    locators_.erase(oldest);
  }
  const std::uint64_t id = next_locator_++;
  locators_.emplace(id, std::move(loc));
  return id;
}

void query_endpoint::prune_locators(time_point now) {
  for (auto it = locators_.begin(); it != locators_.end();) {
    if (now - it->second.last_used > locator_ttl_) {
      it = locators_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace pushsim::mock_org::api::detail
