#include "pushsim/base/csv_reader.hpp"

namespace pushsim {

csv_reader::csv_reader(std::string_view text) : text_(text) {
  if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
}

void csv_reader::unquoted_field() {
  const std::size_t start = pos_;
  while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r' &&
         text_[pos_] != '"') {
    ++pos_;
  }
  spans_.emplace_back(start, pos_ - start);
  in_scratch_.push_back(false);
}

bool csv_reader::quoted_field(std::size_t column) {
  const std::size_t open_line = current_line_;
  ++pos_;  // the opening quote
  const std::size_t start = scratch_.size();
  while (true) {
    const std::size_t q = text_.find('"', pos_);
    if (q == std::string_view::npos) {
      error_ = csv_syntax_error{open_line, column, "a quoted field is never closed (a missing '\"')"};
      return false;
    }
    const std::string_view part = text_.substr(pos_, q - pos_);
    for (const char c : part) current_line_ += c == '\n' ? 1 : 0;
    scratch_.append(part);
    pos_ = q + 1;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      scratch_.push_back('"');
      ++pos_;
      continue;
    }
    break;
  }
  spans_.emplace_back(start, scratch_.size() - start);
  in_scratch_.push_back(true);
  if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') {
    error_ = csv_syntax_error{current_line_, column, "text after a closing quote (write \"\" for a quote inside)"};
    return false;
  }
  return true;
}

bool csv_reader::next(std::vector<std::string_view>& fields) {
  fields.clear();
  if (error_ || pos_ >= text_.size()) return false;
  record_line_ = current_line_;
  scratch_.clear();
  spans_.clear();
  in_scratch_.clear();
  while (true) {
    const std::size_t column = spans_.size() + 1;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      if (!quoted_field(column)) return false;
    } else {
      unquoted_field();
      if (pos_ < text_.size() && text_[pos_] == '"') {
        error_ = csv_syntax_error{current_line_, column, "a quote inside an unquoted field (quote the whole field)"};
        return false;
      }
    }
    if (pos_ < text_.size() && text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    if (pos_ < text_.size() && text_[pos_] == '\r') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
    ++current_line_;
    break;
  }
  for (std::size_t i = 0; i < spans_.size(); ++i) {
    const auto [off, len] = spans_[i];
    fields.push_back(in_scratch_[i] ? std::string_view(scratch_).substr(off, len) : text_.substr(off, len));
  }
  return true;
}

}  // namespace pushsim
