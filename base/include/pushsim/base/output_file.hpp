#pragma once
// Files a command writes (reports, CSVs, summaries): every path is checked before any work starts, then written
// atomically next to its target, so a run never replaces a device, a FIFO, a symlink or one of its own inputs,
// and a failure never leaves a half-written file or destroys the previous one.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace pushsim {

// Why an output cannot be written: the path as the user gave it and what is wrong, in words for the user.
struct output_error {
  std::string path;
  std::string message;

  // "cannot write 'PATH': MESSAGE"
  std::string to_string() const;
};

// Checks an output path before any work. Symlinks are resolved (the target of a symlink is what gets written);
// the folder must exist and be writable; an existing target must be a regular file (not a folder, device, FIFO
// or socket); it must not be the same file as any of `inputs` (same resolved path, or same device and inode).
// Returns the resolved target to pass to write_atomically.
std::variant<std::filesystem::path, output_error> check_output_path(const std::string& path,
                                                                    const std::vector<std::string>& inputs);

// check_output_path for every non-empty path of `outputs`, and no two of them the same file. Returns the
// resolved targets in the order of `outputs` (an empty path stays empty), or every error found.
std::variant<std::vector<std::filesystem::path>, std::vector<output_error>> check_output_paths(
    const std::vector<std::string>& outputs, const std::vector<std::string>& inputs);

// Writes text to a (resolved) target atomically: a temporary file in the same folder is written, fsynced and
// renamed over the target, then the folder is fsynced. On any failure the previous file survives and the
// temporary is removed. An existing target's permission bits are kept.
std::optional<output_error> write_atomically(const std::filesystem::path& target, std::string_view text);

// One file of a set written together.
struct output_text {
  std::filesystem::path target;  // resolved by check_output_path(s)
  std::string text;
};

// Writes several files so that a failure while writing leaves every previous file as it was: all temporaries
// are written and fsynced first, and only then renamed over their targets. Empty targets are skipped.
std::optional<output_error> write_all_atomically(const std::vector<output_text>& files);

}  // namespace pushsim
