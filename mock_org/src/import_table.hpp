#pragma once
// import_table: the rows of one export file, CSV or JSON, behind one interface: a header of column names and
// rows of text fields, each row able to say where a field sits ("line 7, column 3 (OrgKey)" for CSV,
// "/records/5/OrgKey" for JSON). JSON input is a REST query result ({"records": [...]}), the sf CLI's --json
// output ({"result": {"records": [...]}}) or a bare array of records; record values must be scalars (a nested
// object such as "attributes" is skipped, a parent path "Parent__r": {"Field": v} becomes "Parent__r.Field").

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pushsim/base/csv_reader.hpp"
#include "pushsim/base/input_error.hpp"

namespace pushsim::mock_org::detail {

class import_table {
 public:
  // Parses `text` (kept by the caller) as JSON when its first non-blank character is '[' or '{', else as CSV.
  // Errors (syntax, no header, a non-scalar field) are appended with `file`; then ok() is false.
  import_table(std::string_view text, std::string file, std::vector<input_error>& errors);

  bool ok() const { return ok_; }
  bool is_json() const { return json_; }
  const std::vector<std::string>& header() const { return header_; }
  // The column of this name, or nullopt.
  std::optional<std::size_t> column(std::string_view name) const;

  // Moves to the next row; false at the end (or after a syntax error, which is then appended).
  bool next();
  // The field of the current row ("" when the row is short or the JSON value null).
  std::string_view field(std::size_t col) const { return col < fields_.size() ? fields_[col] : std::string_view{}; }
  // The current row's reference: its first line (CSV) or record index (JSON).
  std::uint32_t row() const { return row_; }
  // Where a field of row `row` sits, as an input_error pointer.
  std::string where(std::uint32_t row, std::size_t col) const;
  const std::string& file() const { return file_; }
  // JSON: the pointer of the records array ("/records", "/result/records" or "").
  const std::string& records_pointer() const { return json_pointer_; }

 private:
  void load_json(std::string_view text);

  std::string file_;
  std::vector<input_error>* errors_;
  bool ok_ = true;
  bool json_ = false;
  std::vector<std::string> header_;
  std::vector<std::string_view> fields_;
  std::uint32_t row_ = 0;
  std::optional<csv_reader> csv_;
  std::size_t header_width_ = 0;
  // JSON: every record's fields as text, row-major over header_ (which grows as new keys appear).
  std::string json_pointer_;  // of the records array
  std::vector<std::vector<std::optional<std::string>>> json_rows_;
  std::size_t json_next_ = 0;
};

}  // namespace pushsim::mock_org::detail
