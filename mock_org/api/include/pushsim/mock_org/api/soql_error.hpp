#pragma once
// A SOQL failure as Salesforce reports it: an errorCode and a message that points at row and column.

#include <string>
#include <variant>

namespace pushsim::mock_org::api {

// One SOQL error. message is Salesforce's full text (query line, caret, "ERROR at Row:R:Column:C", detail).
struct soql_error {
  // "MALFORMED_QUERY", "INVALID_FIELD", "INVALID_TYPE", "INVALID_QUERY_FILTER_OPERATOR" (bad Id literal) or
  // "NUMBER_OUTSIDE_VALID_RANGE" (OFFSET above 2000). All are HTTP 400 on the REST API.
  std::string error_code;
  std::string detail;   // e.g. "unexpected token: 'FORM'"
  int row = 1;          // 1-based line of the offending token
  int column = 1;       // 1-based column of the offending token
  std::string message;  // what goes in the REST error body's "message"
};

// A value or a SOQL error.
template <class T>
using soql_result = std::variant<T, soql_error>;

namespace detail {
// Builds a soql_error with Salesforce's message layout for query text q.
soql_error make_soql_error(std::string_view q, std::string code, std::string detail, int row, int column);
}  // namespace detail

}  // namespace pushsim::mock_org::api
