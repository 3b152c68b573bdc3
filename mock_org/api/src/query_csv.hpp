#pragma once
// query_csv: query results as the Bulk APIs write them (Bulk API 2.0 query results, Bulk API 1.0 query batch
// results): a header of field names (parents flattened as "PackageVersion.Name"), every field quoted, empty for
// null, datetimes as 2026-11-23T10:00:00.000Z. Plain queries only (private to mock_org/api).

#include <cstddef>
#include <string>

#include "pushsim/mock_org/api/data_source.hpp"
#include "pushsim/mock_org/api/soql_evaluator.hpp"

namespace pushsim::mock_org::api::detail {

// Why the Bulk APIs refuse q (they answer only plain queries: no aggregates, no child subqueries), or empty.
std::string bulk_unsupported(const compiled_query& q);

// The header line and the rows [first, first + count) of res (a deferred result of a plain query), each line
// ended by nl.
std::string query_csv(const query_result& res, std::size_t first, std::size_t count, const data_source& ds,
                      const std::string& nl);

}  // namespace pushsim::mock_org::api::detail
