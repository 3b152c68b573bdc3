#pragma once
// An in-memory data_source: rows in vectors, hash indexes on the schema's indexed fields.
// For tests, benchmarks, and as a reference for the platform's own implementation.

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "pushsim/mock_org/api/data_source.hpp"

namespace pushsim::mock_org::api {

// Rows of every object of one schema, kept in memory. row_id is the insertion index.
class memory_data_source final : public data_source {
 public:
  explicit memory_data_source(const schema& s);

  // Adds a row to object (by name); unnamed fields are null. PUSHSIM_ASSERT on unknown names or wrong types.
  row_id add(std::string_view object, std::vector<std::pair<std::string_view, value>> fields);
  // Sets one field of an existing row (keeps indexes right).
  void set(std::string_view object, row_id row, std::string_view field, value v);
  // Number of rows of an object.
  std::size_t size(std::string_view object) const;

  // Sets what now() answers (for relative date literals); the epoch until set.
  void set_now(time_point t) { now_ = t; }
  time_point now() const override { return now_; }

  void scan(const object_def& obj, const std::function<void(row_id)>& visit) const override;
  value field(const object_def& obj, row_id row, const field_def& f) const override;
  std::optional<std::vector<row_id>> lookup_eq(const object_def& obj, const field_def& f,
                                               const value& v) const override;

 private:
  struct table {
    std::vector<std::vector<value>> rows;
    // field index -> (normalized key -> rows ascending); only for indexed fields. Never iterated.
    std::vector<std::unordered_map<std::string, std::vector<row_id>>> indexes;
  };
  void index_insert(const object_def& obj, table& t, std::size_t field, row_id row);
  void index_erase(const object_def& obj, table& t, std::size_t field, row_id row);

  const schema& schema_;
  std::vector<table> tables_;
  time_point now_{};
};

}  // namespace pushsim::mock_org::api
