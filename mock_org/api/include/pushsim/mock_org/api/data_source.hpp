#pragma once
// What the SOQL evaluator reads: an abstract store of rows per object. The platform implements it over its
// own state; tests and benchmarks use memory_data_source.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "pushsim/mock_org/api/schema.hpp"
#include "pushsim/mock_org/api/value.hpp"

namespace pushsim::mock_org::api {

// Opaque row handle, unique within one object. Row order (ascending row_id) is the order of unordered results.
using row_id = std::uint64_t;

// One group of a counted lookup: the group field's value and how many rows hold it.
struct group_count {
  value key;
  std::int64_t count = 0;
};

// A read-only view of the org's records.
class data_source {
 public:
  virtual ~data_source() = default;

  // Calls visit for every row of obj, in ascending row_id order.
  virtual void scan(const object_def& obj, const std::function<void(row_id)>& visit) const = 0;

  // The value of field f of a row. id/string/picklist/reference fields hold std::string; int fields int64;
  // double fields double; boolean bool; datetime time_point; date date_value; or null.
  virtual value field(const object_def& obj, row_id row, const field_def& f) const = 0;

  // Rows of obj whose field f equals v, in ascending row_id order, or std::nullopt when f is not indexed
  // (the evaluator then scans). Text equality in SOQL is case-insensitive for string and picklist fields
  // and exact for id and reference fields; the evaluator re-checks every row, so a superset is allowed,
  // a missing row is not.
  virtual std::optional<std::vector<row_id>> lookup_eq(const object_def& obj, const field_def& f,
                                                       const value& v) const = 0;

  // Whether lookup_eq(obj, f, v) answers exactly the rows whose field f equals v under SOQL's equality (no
  // superset), so the evaluator may skip re-checking that condition. Default: false (always re-check).
  virtual bool lookup_is_exact(const object_def& obj, const field_def& f, const value& v) const {
    (void)obj, (void)f, (void)v;
    return false;
  }

  // The rows of obj whose field `filter` equals v, counted by the value of field `group` (groups with no rows
  // left out, in an order of the source's choosing), or nullopt when the source keeps no such counters (the
  // evaluator then groups the rows itself). Only asked when lookup_is_exact(obj, filter, v). Default: nullopt.
  virtual std::optional<std::vector<group_count>> counts_by(const object_def& obj, const field_def& filter,
                                                            const value& v, const field_def& group) const {
    (void)obj, (void)filter, (void)v, (void)group;
    return std::nullopt;
  }

  // The current time, for relative date literals (TODAY, LAST_N_DAYS:n). The platform answers sim time.
  // Default: the Unix epoch (so results never depend on the wall clock).
  virtual time_point now() const { return time_point{}; }

  // The parent row that reference field ref of row points at, or nullopt (null or dangling reference).
  // Default: field() then lookup_eq on the target object's Id (or a scan when Id is not indexed).
  virtual std::optional<row_id> parent(const object_def& obj, row_id row, const field_def& ref,
                                       const object_def& target) const;

  // Rows of child (ascending) whose reference rel.field points at row. Default: lookup_eq on that field
  // with row's Id, or a scan.
  virtual std::vector<row_id> children(const object_def& obj, row_id row, const child_relationship& rel,
                                       const object_def& child) const;
};

}  // namespace pushsim::mock_org::api
