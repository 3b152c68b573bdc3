#pragma once
// Paths of input files named relative to another file (a plan next to its scenario, a snapshot next to its journal).

#include <optional>
#include <string>

namespace pushsim {

// The folder holding `file`, or "." when the name has no folder part: the base for names written relative to it.
std::string dir_of(const std::string& file);

// The whole content of a file, byte for byte; empty when it cannot be opened or read, or is a folder.
std::optional<std::string> read_file(const std::string& path);

}  // namespace pushsim
