#pragma once
// csv_reader: reads CSV text (RFC 4180) record by record: a UTF-8 byte-order mark is skipped, records end in LF
// or CRLF, quoted fields may hold commas, doubled quotes and line breaks. Each record knows the line it starts on,
// so an importer can name file, line and column. A malformed record (a quote inside an unquoted field, text after
// a closing quote, an unterminated quote) stops the reader with an error naming line and column; nothing throws.
//
// Why not Debian's libcsv: it handles quoting and newlines in quotes, but reports no positions and drops blank
// lines silently, so the line a bad value sits on cannot be named; this reader is one screen and streams.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pushsim {

// A malformed record: the line and the 1-based column (field number) where it went wrong, and what was found.
struct csv_syntax_error {
  std::size_t line = 0;
  std::size_t column = 0;
  std::string message;
};

class csv_reader {
 public:
  // Reads from `text`, which must outlive the reader.
  explicit csv_reader(std::string_view text);

  // The next record's fields (views valid until the next call), or false at the end of the text or on a
  // malformed record (then error() says where). A blank line is a record with one empty field.
  bool next(std::vector<std::string_view>& fields);
  // The 1-based line the last record returned by next() starts on.
  std::size_t line() const { return record_line_; }
  const std::optional<csv_syntax_error>& error() const { return error_; }

 private:
  bool quoted_field(std::size_t column);
  void unquoted_field();

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t current_line_ = 1;
  std::size_t record_line_ = 0;
  std::string scratch_;                                     // unescaped text of quoted fields
  std::vector<std::pair<std::size_t, std::size_t>> spans_;  // per field: offset, length (in text_ or scratch_)
  std::vector<bool> in_scratch_;
  std::optional<csv_syntax_error> error_;
};

}  // namespace pushsim
