#pragma once
// Writing JSON text by hand, for the hot paths where building a DOM first would cost more than the work itself
// (REST bodies of thousands of records). The text is plain JSON (RFC 8259); bytes are copied as they are.

#include <string>
#include <string_view>

namespace pushsim {

// Appends s as a JSON string literal: quoted, with '"', '\\' and control characters escaped.
void append_json_string(std::string_view s, std::string& out);

// A key escaped for use as one token of a JSON pointer (RFC 6901: ~ -> ~0, / -> ~1), as error messages name
// the place of a mistake.
std::string json_pointer_token(std::string_view key);

}  // namespace pushsim
