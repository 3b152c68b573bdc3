#pragma once
// spec_error and parse_result: how bad user input (scenario JSON) is reported by every mock_org parser.

#include <optional>
#include <string>

namespace pushsim::mock_org {

// Bad user input: where (a JSON pointer such as "/population/mix/type/Production") and what was expected.
struct spec_error {
  std::string pointer;
  std::string message;
  // "<pointer>: <message>" (pointer "" is shown as "/").
  std::string str() const;
};

// A parsed value or the first error found.
template <class T>
struct parse_result {
  std::optional<T> value;
  spec_error error;
  explicit operator bool() const { return value.has_value(); }
};

}  // namespace pushsim::mock_org
