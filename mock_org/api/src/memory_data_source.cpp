#include "pushsim/mock_org/api/memory_data_source.hpp"

#include <algorithm>
#include <string>

#include "pushsim/base/assert.hpp"

namespace pushsim::mock_org::api {

namespace {

// Index key: text lower-cased for string/picklist (SOQL compares them case-insensitively), exact otherwise.
std::optional<std::string> key_of(const field_def& f, const value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    std::string k = *s;
    if (f.type == field_type::string || f.type == field_type::picklist) {
      for (char& c : k) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
    }
    return k;
  }
  if (const auto* b = std::get_if<bool>(&v)) return std::string(*b ? "1" : "0");
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  return std::nullopt;  // null and other kinds are not indexed
}

bool type_ok(const field_def& f, const value& v) {
  if (is_null(v)) return true;
  switch (f.type) {
    case field_type::id:
    case field_type::string:
    case field_type::picklist:
    case field_type::reference: return std::holds_alternative<std::string>(v);
    case field_type::boolean: return std::holds_alternative<bool>(v);
    case field_type::integer: return std::holds_alternative<std::int64_t>(v);
    case field_type::double_: return std::holds_alternative<double>(v);
    case field_type::datetime: return std::holds_alternative<time_point>(v);
    case field_type::date: return std::holds_alternative<date_value>(v);
  }
  return false;
}

}  // namespace

memory_data_source::memory_data_source(const schema& s) : schema_(s), tables_(s.objects().size()) {
  for (const auto& o : s.objects()) tables_[o.index].indexes.resize(o.fields.size());
}

void memory_data_source::index_insert(const object_def& obj, table& t, std::size_t field, row_id row) {
  const field_def& f = obj.fields[field];
  if (!f.indexed) return;
  if (auto k = key_of(f, t.rows[row][field])) {
    auto& rows = t.indexes[field][*k];
    rows.insert(std::lower_bound(rows.begin(), rows.end(), row), row);
  }
}

void memory_data_source::index_erase(const object_def& obj, table& t, std::size_t field, row_id row) {
  const field_def& f = obj.fields[field];
  if (!f.indexed) return;
  if (auto k = key_of(f, t.rows[row][field])) {
    auto& rows = t.indexes[field][*k];
    const auto it = std::lower_bound(rows.begin(), rows.end(), row);
    if (it != rows.end() && *it == row) rows.erase(it);
  }
}

// NOLINTNEXTLINE(performance-unnecessary-value-param): fields is consumed (values moved out by structured binding)
row_id memory_data_source::add(std::string_view object, std::vector<std::pair<std::string_view, value>> fields) {
  const object_def* obj = schema_.find_object(object);
  PUSHSIM_ASSERT(obj != nullptr, "unknown object: " + std::string(object));
  table& t = tables_[obj->index];
  const row_id row = t.rows.size();
  t.rows.emplace_back(obj->fields.size());
  for (auto& [name, v] : fields) {
    const field_def* f = obj->find_field(name);
    PUSHSIM_ASSERT(f != nullptr, "unknown field: " + std::string(name));
    PUSHSIM_ASSERT(type_ok(*f, v), "wrong value type for field: " + f->name);
    t.rows[row][f->index] = std::move(v);
  }
  for (std::size_t k = 0; k < obj->fields.size(); ++k) index_insert(*obj, t, k, row);
  return row;
}

void memory_data_source::set(std::string_view object, row_id row, std::string_view field, value v) {
  const object_def* obj = schema_.find_object(object);
  PUSHSIM_ASSERT(obj != nullptr, "unknown object: " + std::string(object));
  const field_def* f = obj->find_field(field);
  PUSHSIM_ASSERT(f != nullptr && type_ok(*f, v), "unknown field or wrong type: " + std::string(field));
  table& t = tables_[obj->index];
  PUSHSIM_ASSERT(row < t.rows.size(), "row out of range");
  index_erase(*obj, t, f->index, row);
  t.rows[row][f->index] = std::move(v);
  index_insert(*obj, t, f->index, row);
}

std::size_t memory_data_source::size(std::string_view object) const {
  const object_def* obj = schema_.find_object(object);
  PUSHSIM_ASSERT(obj != nullptr, "unknown object: " + std::string(object));
  return tables_[obj->index].rows.size();
}

void memory_data_source::scan(const object_def& obj, const std::function<void(row_id)>& visit) const {
  const std::size_t n = tables_[obj.index].rows.size();
  for (row_id r = 0; r < n; ++r) visit(r);
}

value memory_data_source::field(const object_def& obj, row_id row, const field_def& f) const {
  return tables_[obj.index].rows[row][f.index];
}

std::optional<std::vector<row_id>> memory_data_source::lookup_eq(const object_def& obj, const field_def& f,
                                                                 const value& v) const {
  if (!f.indexed) return std::nullopt;
  const auto k = key_of(f, v);
  if (!k) return std::nullopt;
  const auto& idx = tables_[obj.index].indexes[f.index];
  const auto it = idx.find(*k);
  if (it == idx.end()) return std::vector<row_id>{};
  return it->second;
}

}  // namespace pushsim::mock_org::api
