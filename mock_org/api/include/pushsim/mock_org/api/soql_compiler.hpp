#pragma once
// Syntax tree -> compiled query: every name resolved against a schema, every comparison type-checked.
// A compiled query is immutable and can be evaluated many times (cache it by query text if useful). It points
// into the schema's object_def/field_def, so the schema must outlive it (push_schema() lives forever).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pushsim/mock_org/api/schema.hpp"
#include "pushsim/mock_org/api/soql_ast.hpp"
#include "pushsim/mock_org/api/soql_error.hpp"

namespace pushsim::mock_org::api {

// One step of a field path: a reference field of the current object and the object it points at.
struct path_hop {
  const field_def* field = nullptr;
  const object_def* target = nullptr;
};

// A resolved field path: follow hops from the query's object, then read leaf on the last object.
struct compiled_path {
  std::vector<path_hop> hops;
  const field_def* leaf = nullptr;
};

// A resolved LIKE pattern: one element per pattern character, lower-cased byte values (0..255) or the two
// wildcards. Matching is case-insensitive and linear-time with backtracking to the last '%'.
struct like_pattern {
  static constexpr int any_one = -1;  // '_'
  static constexpr int any_run = -2;  // '%'
  std::vector<int> elements;
};

// A resolved WHERE condition.
struct compiled_condition {
  enum class kind { and_, or_, not_, compare };
  kind what = kind::compare;
  std::vector<compiled_condition> operands;
  compiled_path field;
  ast::compare_op op = ast::compare_op::eq;
  std::vector<value> values;                   // converted to the field's type (15-character Ids widened to 18)
  std::optional<ast::relative_date> relative;  // TODAY, LAST_N_DAYS:n...: resolved against data_source::now()
  like_pattern like;
};

struct compiled_query;

// One output column (or nested object) of a result record.
struct projection {
  enum class kind { field, parent, children, aggregate };
  kind what = kind::field;
  std::string name;                    // output key in canonical case: "Status", "PackagePushRequest", "expr0"
  const field_def* field = nullptr;    // field: the field of the current object
  const field_def* via = nullptr;      // parent: the reference field followed
  const object_def* object = nullptr;  // parent/children: the object of the nested record(s)
  std::vector<projection> nested;      // parent: its columns
  const child_relationship* relationship = nullptr;  // children
  std::shared_ptr<const compiled_query> subquery;    // children
  ast::aggregate_fn fn = ast::aggregate_fn::none;    // aggregate
  compiled_path argument;                            // aggregate (leaf null for COUNT()); group field path
  bool group_key = false;  // aggregate queries: a grouped field (fn none) output under its field name
};

// One resolved ORDER BY key.
struct compiled_order {
  compiled_path field;
  ast::aggregate_fn fn = ast::aggregate_fn::none;
  bool descending = false;
  bool nulls_first = true;
};

// A query ready to evaluate.
struct compiled_query {
  const object_def* object = nullptr;
  std::vector<projection> select;
  std::optional<compiled_condition> where;
  bool aggregate = false;   // has aggregates or GROUP BY: records are AggregateResult
  bool count_only = false;  // SELECT COUNT() ...: totalSize is the count, no records
  std::vector<compiled_path> group_by;
  std::vector<compiled_order> order_by;
  std::optional<std::int64_t> limit;
  std::int64_t offset = 0;
};

// Resolves and type-checks a parsed query. text is the original query (for error messages).
soql_result<std::shared_ptr<const compiled_query>> compile_soql(const ast::query& q, const schema& s,
                                                                std::string_view text);

// parse_soql + compile_soql.
soql_result<std::shared_ptr<const compiled_query>> prepare_soql(std::string_view text, const schema& s);

}  // namespace pushsim::mock_org::api
