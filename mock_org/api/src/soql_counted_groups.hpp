#pragma once
// counted_groups: a GROUP BY query answered from a data source's counters instead of its rows, for the shape a
// scheduler polls with: SELECT [F,] G, COUNT(Id) FROM O WHERE F = v | F IN (...) GROUP BY [F,] G, where the
// source keeps counts of O by G per value of F (data_source::counts_by). Anything else is left to the evaluator.

#include <optional>

#include "pushsim/mock_org/api/data_source.hpp"
#include "pushsim/mock_org/api/soql_compiler.hpp"
#include "pushsim/mock_org/api/soql_evaluator.hpp"

namespace pushsim::mock_org::api::detail {

// The result of q from ds's counters, or nullopt when q has another shape or ds keeps no such counters.
std::optional<query_result> counted_groups(const compiled_query& q, const data_source& ds);

}  // namespace pushsim::mock_org::api::detail
