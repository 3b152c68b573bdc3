#include "pushsim/mock_org/api/data_source.hpp"

namespace pushsim::mock_org::api {

std::optional<row_id> data_source::parent(const object_def& obj, row_id row, const field_def& ref,
                                          const object_def& target) const {
  const value id = field(obj, row, ref);
  if (is_null(id)) return std::nullopt;
  const field_def& target_id = target.id_field();
  if (auto rows = lookup_eq(target, target_id, id)) {
    for (row_id r : *rows) {
      if (field(target, r, target_id) == id) return r;
    }
    return std::nullopt;
  }
  std::optional<row_id> found;
  scan(target, [&](row_id r) {
    if (!found && field(target, r, target_id) == id) found = r;
  });
  return found;
}

std::vector<row_id> data_source::children(const object_def& obj, row_id row, const child_relationship& rel,
                                          const object_def& child) const {
  const value id = field(obj, row, obj.id_field());
  const field_def* f = child.find_field(rel.field);
  std::vector<row_id> out;
  if (f == nullptr || is_null(id)) return out;
  if (auto rows = lookup_eq(child, *f, id)) {
    for (row_id r : *rows) {
      if (field(child, r, *f) == id) out.push_back(r);
    }
    return out;
  }
  scan(child, [&](row_id r) {
    if (field(child, r, *f) == id) out.push_back(r);
  });
  return out;
}

}  // namespace pushsim::mock_org::api
