#pragma once
// SOQL text helpers: literal quoting, IN lists chunked under a URI limit (URL encoding: pushsim/base/url_text.hpp).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pushsim::scheduler::rest {

// A SOQL string literal: 'text' with \ ' " and control characters escaped (\\ \' \" \n \r \t \b \f).
std::string soql_quote(std::string_view text);

// "('a','b')" with every value quoted.
std::string soql_in_list(const std::vector<std::string>& values);

// Splits values into consecutive chunks so that each chunk's URL-encoded IN list, added to fixed_length
// characters of the rest of the target, stays within limit. A value too long for any chunk gets a chunk alone.
std::vector<std::vector<std::string>> chunk_in_list(const std::vector<std::string>& values, std::size_t fixed_length,
                                                    std::size_t limit);

}  // namespace pushsim::scheduler::rest
