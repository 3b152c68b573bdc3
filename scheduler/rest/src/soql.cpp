#include "pushsim/scheduler/rest/soql.hpp"

#include "pushsim/base/url_text.hpp"

namespace pushsim::scheduler::rest {

std::string soql_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('\'');
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: out.push_back(c);
    }
  }
  out.push_back('\'');
  return out;
}

std::string soql_in_list(const std::vector<std::string>& values) {
  std::string out = "(";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += soql_quote(values[i]);
  }
  out.push_back(')');
  return out;
}

std::vector<std::vector<std::string>> chunk_in_list(const std::vector<std::string>& values, std::size_t fixed_length,
                                                    std::size_t limit) {
  std::vector<std::vector<std::string>> chunks;
  std::size_t used = 0;
  const std::size_t parens = url_encoded_size("()");
  for (const auto& v : values) {
    const std::size_t item = url_encoded_size(soql_quote(v));
    const std::size_t sep = url_encoded_size(",");
    if (!chunks.empty() && !chunks.back().empty() && fixed_length + parens + used + sep + item <= limit) {
      chunks.back().push_back(v);
      used += sep + item;
    } else {
      chunks.push_back({v});
      used = item;
    }
  }
  return chunks;
}

}  // namespace pushsim::scheduler::rest
