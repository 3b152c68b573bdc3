#include "bulk_csv.hpp"

#include <utility>

namespace pushsim::mock_org::api::detail {

namespace {

// Reads the fields of the line at text[i] up to (not past) its line break or the end. False: a quoted field is
// not closed before the end of text.
bool read_fields(std::string_view text, std::size_t& i, std::vector<std::string>& fields) {
  std::string cur;
  bool quoted = false;
  bool in_quotes = false;
  for (;;) {
    if (i >= text.size()) {
      if (in_quotes) return false;
      fields.push_back(std::move(cur));
      return true;
    }
    const char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cur.push_back('"');
        i += 2;
      } else if (c == '"') {
        in_quotes = false;
        ++i;
      } else {
        cur.push_back(c);
        ++i;
      }
    } else if (c == '"' && cur.empty() && !quoted) {
      in_quotes = quoted = true;
      ++i;
    } else if (c == ',') {
      fields.push_back(std::move(cur));
      cur.clear();
      quoted = false;
      ++i;
    } else if (c == '\r' || c == '\n') {
      fields.push_back(std::move(cur));
      return true;
    } else {
      cur.push_back(c);
      ++i;
    }
  }
}

}  // namespace

csv_table parse_csv(std::string_view text) {
  csv_table t;
  std::size_t i = 0;
  bool first = true;
  while (i < text.size()) {
    const std::size_t line_start = i;
    std::vector<std::string> fields;
    if (!read_fields(text, i, fields)) {
      t.error = "unterminated quoted field";
      return t;
    }
    const std::size_t line_end = i;
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

}  // namespace pushsim::mock_org::api::detail
