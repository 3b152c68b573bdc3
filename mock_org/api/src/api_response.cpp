#include "api_response.hpp"

#include <utility>

#include "pushsim/base/json_text.hpp"

namespace pushsim::mock_org::api::detail {

namespace {

// s with every byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD (error messages echo
// request text, which may be anything once percent-decoded).
std::string utf8_sanitize(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80                   ? 1
                    : (c >= 0xC2 && c <= 0xDF) ? 2
                    : (c >= 0xE0 && c <= 0xEF) ? 3
                    : (c >= 0xF0 && c <= 0xF4) ? 4
                                               : 0;
    bool ok = n > 0 && i + n <= s.size();
    for (std::size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok && n >= 3) {
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      if (c == 0xE0 && c1 < 0xA0) ok = false;  // overlong
      if (c == 0xED && c1 > 0x9F) ok = false;  // surrogates
      if (c == 0xF0 && c1 < 0x90) ok = false;  // overlong
      if (c == 0xF4 && c1 > 0x8F) ok = false;  // > U+10FFFF
    }
    if (ok) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

}  // namespace

void append_error_object(std::string& out, std::string_view code, std::string_view message,
                         const std::vector<std::string>* fields, bool status_code_key) {
  out += '{';
  out += status_code_key ? "\"statusCode\":" : "\"errorCode\":";
  append_json_string(code, out);
  out += ",\"message\":";
  append_json_string(utf8_sanitize(message), out);
  if (fields != nullptr) {
    out += ",\"fields\":[";
    for (std::size_t i = 0; i < fields->size(); ++i) {
      if (i) out += ',';
      append_json_string((*fields)[i], out);
    }
    out += ']';
  }
  out += '}';
}

rest_response json_response(int status, std::string body) {
  rest_response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json;charset=UTF-8");
  r.body = std::move(body);
  return r;
}

rest_response empty_response(int status) {
  rest_response r;
  r.status = status;
  return r;
}

rest_response error_response(int status, std::string_view code, std::string_view message,
                             const std::vector<std::string>* fields) {
  std::string b = "[";
  append_error_object(b, code, message, fields);
  b += ']';
  return json_response(status, std::move(b));
}

rest_response platform_error(const api_error& e) {
  return error_response(400, to_string(e.code), e.message, &e.fields);
}

rest_response json_parse_error() {
  return error_response(400, "JSON_PARSER_ERROR", "Unexpected character or end of input in request body");
}

rest_response not_found_response() { return error_response(404, "NOT_FOUND", "The requested resource does not exist"); }

}  // namespace pushsim::mock_org::api::detail
