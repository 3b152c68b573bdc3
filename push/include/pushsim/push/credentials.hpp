#pragma once
// Checks of the values `pushsim push` puts on the wire before any connection: credentials and URLs free of
// control characters (an LF in a token would inject HTTP headers), and ids shaped like Salesforce ids (an id is
// quoted in SOQL anyway; a value that cannot be one is refused as bad input rather than sent).

#include <optional>
#include <string>
#include <string_view>

namespace pushsim::push {

// Why the value of flag contains a control character (any byte < 0x20, or 0x7f), naming the flag, the byte and
// its position; empty when it has none. The value itself is never echoed (it may be a secret).
std::optional<std::string> control_character_error(std::string_view flag, std::string_view value);

// True for a 15- or 18-character alphanumeric Salesforce id starting with key_prefix (e.g. "033").
bool looks_like_salesforce_id(std::string_view id, std::string_view key_prefix);

}  // namespace pushsim::push
