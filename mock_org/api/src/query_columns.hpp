#pragma once
// query_columns: the column metadata of a query, what GET .../query?q=SOQL&columns=true answers (the Salesforce
// CLI asks it before printing `sf data query` results): each selected column with its name, display name, type
// flags and, for parent and child relationships, the nested columns (private to mock_org/api).

#include "pushsim/base/rest_message.hpp"
#include "pushsim/mock_org/api/soql_compiler.hpp"

namespace pushsim::mock_org::api::detail {

// 200 {"columnMetadata":[...],"entityName","groupBy","idSelected","keyPrefix"} for q.
rest_response query_columns_response(const compiled_query& q);

}  // namespace pushsim::mock_org::api::detail
