#pragma once
// input_error: why a version's source cannot be read (not DX source, malformed XML, a git ref that does not exist,
// a process that failed). Always bad input for `pushsim changes` (exit 2).

#include <cstdint>
#include <string>

namespace pushsim::changes {

struct input_error {
  std::string file;        // the file or folder (or "REPO@REF"); empty when no file is involved
  std::uint32_t line = 0;  // 1-based line in `file`; 0: the whole file
  std::string message;     // what was expected, in words for the user

  // "FILE:LINE: MESSAGE" (or "FILE: MESSAGE", or "MESSAGE").
  std::string str() const;
};

}  // namespace pushsim::changes
