#pragma once
// The syntax tree the SOQL parser produces: names as written (not yet resolved against a schema).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pushsim/mock_org/api/value.hpp"

namespace pushsim::mock_org::api::ast {

// 1-based position of a token in the query text.
struct position {
  int row = 1;
  int column = 1;
};

// A dotted name as written: "PackagePushJob.PackagePushRequest.Status" -> 3 parts.
struct path {
  std::vector<std::string> parts;
  position pos;
};

// Aggregate functions; none for a plain field.
enum class aggregate_fn { none, count, count_distinct, min, max, sum, avg };

struct query;

// One element of a SELECT list.
struct select_item {
  enum class kind { field, aggregate, subquery };
  kind what = kind::field;
  path field;  // the field, or the aggregate's argument (empty parts for COUNT())
  aggregate_fn fn = aggregate_fn::none;
  std::string alias;                      // aggregate alias, empty when none
  std::shared_ptr<const query> subquery;  // child relationship subquery
  position pos;
};

// A relative date literal (TODAY, LAST_N_DAYS:7, ...): a span of whole UTC days around the evaluation time.
struct relative_date {
  enum class kind { today, yesterday, tomorrow, last_n_days, next_n_days };
  kind what = kind::today;
  std::int64_t n = 0;  // for the _N_ forms
};

// A literal in a WHERE clause: v holds the decoded value; for LIKE operands raw holds the source between the
// quotes (escapes undecoded, so the compiler can tell \\% from %).
struct literal {
  enum class kind { null, boolean, integer, decimal, string, datetime, date, relative };
  kind what = kind::null;
  relative_date relative;  // kind::relative
  value v;                 // decoded value (integer literals hold int64, decimals double)
  std::string raw;         // LIKE operands only
  position pos;
};

// Comparison operators.
enum class compare_op { eq, ne, lt, le, gt, ge, like, in, not_in };

// A WHERE condition tree.
struct condition {
  enum class kind { and_, or_, not_, compare };
  kind what = kind::compare;
  std::vector<condition> operands;  // and_/or_: two or more; not_: one
  path field;                       // compare
  compare_op op = compare_op::eq;   // compare
  std::vector<literal> values;      // compare: one value, or the IN list
  position pos;                     // start of the condition
};

// One ORDER BY key: a field, or an aggregate over a field.
struct order_item {
  path field;
  aggregate_fn fn = aggregate_fn::none;
  bool descending = false;
  std::optional<bool> nulls_first;  // absent: Salesforce default (first for ASC, last for DESC)
};

// A whole SELECT statement (or a child subquery).
struct query {
  std::vector<select_item> select;
  std::string from;
  position from_pos;
  std::optional<condition> where;
  std::vector<path> group_by;
  std::vector<order_item> order_by;
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> offset;
  position limit_pos;
  position offset_pos;
};

}  // namespace pushsim::mock_org::api::ast
