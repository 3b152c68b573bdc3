#pragma once
// Percent-encoding of URL parts (RFC 3986), as REST clients put SOQL into a query string and servers read it back.

#include <cstddef>
#include <string>
#include <string_view>

namespace pushsim {

// Percent-encodes everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - _ . ~); a space becomes %20.
std::string url_encode(std::string_view text);
// The length url_encode(text) would have, without building it.
std::size_t url_encoded_size(std::string_view text);
// Decodes %XX (either case) and, when plus_is_space (query strings), '+' as a space. Malformed escapes are kept
// as they are.
std::string url_decode(std::string_view text, bool plus_is_space = true);

}  // namespace pushsim
