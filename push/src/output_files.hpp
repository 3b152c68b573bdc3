#pragma once
// Writing the push's files: the subscriber snapshot durably (temporary file, fsync, rename, fsync of the
// folder), reports atomically next to their target. Private to pushsim::push.

#include <optional>
#include <string>

namespace pushsim::push::detail {

// Writes text to path through path + ".tmp", fsync and rename, then fsyncs the folder. The error, if any.
std::optional<std::string> write_durably(const std::string& path, const std::string& text);

// The folder of a file path ("." for a bare name).
std::string dir_of(const std::string& file);

}  // namespace pushsim::push::detail
