#pragma once
// bulk_csv: reading the CSV of Bulk API 2.0 ingest uploads (RFC 4180 quoting; result files are written with
// base's csv_field). Private to mock_org/api.

#include <string>
#include <string_view>
#include <vector>

namespace pushsim::mock_org::api::detail {

// A parsed CSV. Rows keep their original text for result files.
struct csv_table {
  std::vector<std::string> header;
  std::string header_text;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row_text;
  std::string error;  // empty: ok
};

// Parses CSV text (LF or CRLF lines; empty lines skipped); the first line is the header.
csv_table parse_csv(std::string_view text);

}  // namespace pushsim::mock_org::api::detail
