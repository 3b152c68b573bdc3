#include "pushsim/scheduler/rest/soql.hpp"

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

namespace {
bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}
std::size_t encoded_length(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) n += unreserved(static_cast<unsigned char>(c)) ? 1 : 3;
  return n;
}
}  // namespace

std::string url_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (unreserved(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string url_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() &&
               hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
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
  const std::size_t parens = encoded_length("()");
  for (const auto& v : values) {
    const std::size_t item = encoded_length(soql_quote(v));
    const std::size_t sep = encoded_length(",");
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
