#pragma once
// spec_error and parse_result: how bad user input (scenario JSON) is reported by every mock_org parser: the
// shared input_error (the caller that knows the file fills `file`).

#include <optional>
#include <string>

#include "pushsim/base/input_error.hpp"

namespace pushsim::mock_org {

// Bad user input: where (a JSON pointer such as "/population/mix/type/Production") and what was expected.
using spec_error = input_error;

// A parsed value or the first error found.
template <class T>
struct parse_result {
  std::optional<T> value;
  spec_error error;
  explicit operator bool() const { return value.has_value(); }
};

}  // namespace pushsim::mock_org
