#include "import_table.hpp"

#include <nlohmann/json.hpp>

#include "pushsim/base/json_reader.hpp"

namespace pushsim::mock_org::detail {

using nlohmann::json;

import_table::import_table(std::string_view text, std::string file, std::vector<input_error>& errors)
    : file_(std::move(file)), errors_(&errors) {
  const auto first = text.find_first_not_of(" \t\r\n");
  const bool bom = text.starts_with("\xEF\xBB\xBF");
  const auto start = bom ? text.find_first_not_of(" \t\r\n", 3) : first;
  if (start != std::string_view::npos && (text[start] == '[' || text[start] == '{')) {
    json_ = true;
    load_json(text.substr(start));
    return;
  }
  csv_.emplace(text);
  std::vector<std::string_view> head;
  if (!csv_->next(head) || (head.size() == 1 && head[0].empty())) {
    errors_->push_back({file_, "line 1", csv_->error() ? csv_->error()->message : "no header row (the file is empty)"});
    ok_ = false;
    return;
  }
  for (const auto h : head) header_.emplace_back(h);
  header_width_ = header_.size();
}

std::optional<std::size_t> import_table::column(std::string_view name) const {
  for (std::size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return i;
  }
  return std::nullopt;
}

namespace {

// Flattens one record's scalar fields (parent paths joined with '.') into `out`, growing `header`.
bool flatten(const json& rec, const std::string& prefix, const std::string& pointer, std::vector<std::string>& header,
             std::vector<std::optional<std::string>>& out, json_reader& r) {
  for (auto it = rec.begin(); it != rec.end(); ++it) {
    if (it.key() == "attributes") continue;
    const std::string name = prefix + it.key();
    const std::string p = json_child_pointer(pointer, it.key());
    const json& v = it.value();
    if (v.is_object()) {
      if (!flatten(v, name + ".", p, header, out, r)) return false;
      continue;
    }
    if (v.is_array()) return r.expected(v, p, "a text, number, boolean or null field value");
    std::size_t col = header.size();
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) col = i;
    }
    if (col == header.size()) header.push_back(name);
    if (out.size() <= col) out.resize(col + 1);
    if (v.is_null()) out[col] = std::string();
    else if (v.is_string()) out[col] = v.get<std::string>();
    else out[col] = v.dump();
  }
  return true;
}

}  // namespace

void import_table::load_json(std::string_view text) {
  const std::size_t before = errors_->size();
  auto doc = parse_json_text(text, file_, *errors_);
  if (!doc) {
    ok_ = false;
    return;
  }
  json_reader r(file_, *errors_);
  const json* records = &*doc;
  json_pointer_ = "";
  if (doc->is_object()) {
    const json* result = json_reader::member(*doc, "result");
    if (result && result->is_object() && json_reader::member(*result, "records")) {
      records = json_reader::member(*result, "records");
      json_pointer_ = "/result/records";
    } else if (const json* rec = json_reader::member(*doc, "records")) {
      records = rec;
      json_pointer_ = "/records";
    } else {
      r.error("",
              "expected a REST query result {\"records\": [...]}, the sf CLI's --json output or an array of "
              "records");
      ok_ = false;
      return;
    }
  }
  if (!r.array(*records, json_pointer_)) {
    ok_ = false;
    return;
  }
  for (std::size_t i = 0; i < records->size(); ++i) {
    const std::string p = json_child_pointer(json_pointer_, i);
    if (!(*records)[i].is_object()) {
      r.expected((*records)[i], p, "a record (an object of fields)");
      break;
    }
    json_rows_.emplace_back();
    if (!flatten((*records)[i], "", p, header_, json_rows_.back(), r)) break;
  }
  ok_ = errors_->size() == before;
}

bool import_table::next() {
  if (!ok_) return false;
  if (json_) {
    if (json_next_ >= json_rows_.size()) return false;
    row_ = static_cast<std::uint32_t>(json_next_);
    const auto& rec = json_rows_[json_next_++];
    fields_.assign(header_.size(), std::string_view{});
    for (std::size_t i = 0; i < rec.size(); ++i) {
      if (rec[i]) fields_[i] = *rec[i];
    }
    return true;
  }
  while (csv_->next(fields_)) {
    row_ = static_cast<std::uint32_t>(csv_->line());
    if (fields_.size() == 1 && fields_[0].empty()) continue;  // a blank line
    if (fields_.size() != header_width_) {
      errors_->push_back({file_, "line " + std::to_string(row_),
                          "expected " + std::to_string(header_width_) + " fields as in the header, found " +
                              std::to_string(fields_.size())});
      ok_ = false;
      return false;
    }
    return true;
  }
  if (csv_->error()) {
    errors_->push_back(
        {file_, "line " + std::to_string(csv_->error()->line) + ", column " + std::to_string(csv_->error()->column),
         csv_->error()->message});
    ok_ = false;
  }
  return false;
}

std::string import_table::where(std::uint32_t row, std::size_t col) const {
  const std::string name = col < header_.size() ? header_[col] : std::string();
  if (json_) return json_child_pointer(json_child_pointer(json_pointer_, row), name);
  return "line " + std::to_string(row) + ", column " + std::to_string(col + 1) + " (" + name + ")";
}

}  // namespace pushsim::mock_org::detail
