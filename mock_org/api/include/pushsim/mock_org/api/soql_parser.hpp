#pragma once
// SOQL text -> syntax tree. Keywords are case-insensitive. Syntax errors are MALFORMED_QUERY with position.

#include <string_view>

#include "pushsim/mock_org/api/soql_ast.hpp"
#include "pushsim/mock_org/api/soql_error.hpp"

namespace pushsim::mock_org::api {

// Parses one SOQL statement (the subset in DESIGN.md). Never throws; never reads past text.
soql_result<ast::query> parse_soql(std::string_view text);

}  // namespace pushsim::mock_org::api
