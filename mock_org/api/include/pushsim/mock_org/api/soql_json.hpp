#pragma once
// Renders query results as Salesforce's REST API does (attributes, nested parents, child results).

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "pushsim/base/json_text.hpp"
#include "pushsim/mock_org/api/soql_evaluator.hpp"

namespace pushsim::mock_org::api {

// Appends one page: {"totalSize":N,"done":B[,"nextRecordsUrl":U],"records":[...]} with records
// [first, first + count) of r. done is next_records_url.empty(). api_version is e.g. "62.0" (URLs use
// /services/data/v62.0/sobjects/<Type>/<Id>).
void render_query_page(const query_result& r, std::size_t first, std::size_t count, std::string_view api_version,
                       std::string_view next_records_url, std::string& out);

// Appends one page of already projected records (from project_rows) of a result of total_size rows.
void render_records_page(const compiled_query& q, std::int64_t total_size, std::span<const result_record> records,
                         std::string_view api_version, std::string_view next_records_url, std::string& out);

// Appends the whole result as one page (done true).
void render_query_result(const query_result& r, std::string_view api_version, std::string& out);

// Appends one record object of r (index i).
void render_record(const query_result& r, std::size_t i, std::string_view api_version, std::string& out);

// Appends s as a JSON string literal (quoted, escaped): the one in base/, named here for the SOQL renderers.
using pushsim::append_json_string;

// Appends a value as JSON (datetimes as "2026-11-23T10:00:00.000+0000", dates as "2026-11-23").
void append_json_value(const value& v, std::string& out);

}  // namespace pushsim::mock_org::api
