#include "pushsim/mock_org/api/soql_error.hpp"

#include <string_view>

namespace pushsim::mock_org::api::detail {

soql_error make_soql_error(std::string_view q, std::string code, std::string detail, int row, int column) {
  // Salesforce echoes the offending line, a caret under the column, then the position and the detail.
  std::string_view line = q;
  for (int r = 1; r < row; ++r) {
    const auto nl = line.find('\n');
    if (nl == std::string_view::npos) break;
    line.remove_prefix(nl + 1);
  }
  if (const auto nl = line.find('\n'); nl != std::string_view::npos) line = line.substr(0, nl);
  soql_error e;
  e.error_code = std::move(code);
  e.row = row;
  e.column = column;
  e.message.reserve(line.size() * 2 + detail.size() + 48);
  e.message += '\n';
  e.message += line;
  e.message += '\n';
  e.message.append(static_cast<std::size_t>(column > 1 ? column - 1 : 0), ' ');
  e.message += "^\nERROR at Row:";
  e.message += std::to_string(row);
  e.message += ":Column:";
  e.message += std::to_string(column);
  e.message += '\n';
  e.message += detail;
  e.detail = std::move(detail);
  return e;
}

}  // namespace pushsim::mock_org::api::detail
