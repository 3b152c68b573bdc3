#pragma once
// Runs a compiled query over a data_source. Uses indexed lookups when the WHERE clause allows
// (a top-level AND, or a single condition, containing `IndexedField = literal` or `IndexedField IN (...)`).

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "pushsim/mock_org/api/data_source.hpp"
#include "pushsim/mock_org/api/soql_compiler.hpp"

namespace pushsim::mock_org::api {

struct result_record;

// One output column of a record, matching the projection at the same position.
struct result_cell {
  value scalar;                           // field / aggregate
  std::unique_ptr<result_record> parent;  // parent: null when the reference is null
  std::vector<result_record> children;    // children: empty renders as JSON null
};

// One result row. id is the record's Id (for attributes.url); empty for AggregateResult rows.
struct result_record {
  std::string id;
  std::vector<result_cell> cells;
};

// The rows of a query, after ORDER BY, OFFSET and LIMIT. total_size is the number of result rows, except for
// SELECT COUNT() where it is the count and there are no records.
// Materialized: records holds every row. Deferred (projection_mode::defer, plain queries only): rows holds the
// matching row handles in result order and records is empty; build pages with project_rows().
struct query_result {
  std::shared_ptr<const compiled_query> query;
  std::int64_t total_size = 0;
  std::vector<result_record> records;
  std::vector<row_id> rows;
};

// Whether evaluate_soql builds every record now or leaves that to project_rows (for paging large results:
// a 1M-row subscriber query then costs row handles, not records). Aggregate and COUNT() queries always
// materialize.
enum class projection_mode { materialize, defer };

// Statistics of one evaluation (for tests and benchmarks).
struct eval_stats {
  bool used_index = false;
  std::uint64_t rows_examined = 0;  // rows the WHERE clause was evaluated on
};

// Evaluates q over ds. Never fails: every name and type was checked when compiling.
query_result evaluate_soql(const std::shared_ptr<const compiled_query>& q, const data_source& ds,
                           eval_stats* stats = nullptr, projection_mode mode = projection_mode::materialize);

// Builds the records of some rows of a deferred result (e.g. one 2000-row page), reading ds now.
std::vector<result_record> project_rows(const compiled_query& q, std::span<const row_id> rows, const data_source& ds);

// Evaluates q without using any index (for tests: must give the same result as evaluate_soql).
query_result evaluate_soql_scan(const std::shared_ptr<const compiled_query>& q, const data_source& ds);

}  // namespace pushsim::mock_org::api
