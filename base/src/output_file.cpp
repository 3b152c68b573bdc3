#include "pushsim/base/output_file.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pushsim {

namespace fs = std::filesystem;

std::string output_error::to_string() const { return "cannot write '" + path + "': " + message; }

namespace {

constexpr int symlink_depth_max = 40;  // as Linux's own limit (ELOOP)

std::string errno_text(int error) { return std::strerror(error); }

fs::path folder_of(const fs::path& file) { return file.has_parent_path() ? file.parent_path() : fs::path("."); }

// Follows the symlinks the last component of p names, to the file that would really be written (which may not
// exist yet). A string when the chain is too long or unreadable.
std::variant<fs::path, std::string> follow_links(fs::path p) {
  for (int depth = 0; depth < symlink_depth_max; ++depth) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p;
    std::error_code ec;
    const fs::path next = fs::read_symlink(p, ec);
    if (ec) return "cannot read the symbolic link: " + ec.message();
    p = next.is_absolute() ? next : folder_of(p) / next;
  }
  return std::string("too many levels of symbolic links");
}

std::optional<std::string> check_folder_exists(const fs::path& folder) {
  struct stat st {};
  if (::stat(folder.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return "the folder '" + folder.string() + "' does not exist";
    return "cannot reach the folder '" + folder.string() + "': " + errno_text(errno);
  }
  if (!S_ISDIR(st.st_mode)) return "'" + folder.string() + "' is not a folder";
  return std::nullopt;
}

std::optional<std::string> check_folder_writable(const fs::path& folder) {
  if (::access(folder.c_str(), W_OK | X_OK) == 0) return std::nullopt;
  return "the folder '" + folder.string() + "' is not writable (" + errno_text(errno) + ")";
}

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// An existing target must be a regular file; a missing one is fine.
std::optional<std::string> check_existing_target(const fs::path& target) {
  struct stat st {};
  if (::stat(target.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::nullopt;
    return "cannot inspect it: " + errno_text(errno);
  }
  if (S_ISREG(st.st_mode)) return std::nullopt;
  return std::string("it is ") + kind_of(st.st_mode) + "; only a regular file can be written";
}

bool same_inode(const fs::path& a, const fs::path& b) {
  struct stat sa {
  }, sb{};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// Is the resolved target the file `input` names (through symlinks or a hard link)?
bool same_file(const fs::path& target, const std::string& input) {
  std::error_code ec;
  const fs::path resolved = fs::weakly_canonical(input, ec);
  return (!ec && resolved == target) || same_inode(target, input);
}

// A temporary file written and synced, not yet renamed over its target.
struct staged_file {
  fs::path temp;
  fs::path target;
};

std::string temp_name_for(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  return "." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter.fetch_add(1));
}

// Gives the temporary the permission bits of the file it replaces, so a report made readable stays readable.
std::optional<std::string> keep_mode(int fd, const fs::path& target) {
  struct stat st {};
  if (::stat(target.c_str(), &st) != 0) return std::nullopt;
  if (::fchmod(fd, st.st_mode & 07777) != 0) return "cannot set the temporary file's mode: " + errno_text(errno);
  return std::nullopt;
}

std::optional<std::string> write_fully(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return "writing failed: " + errno_text(n < 0 ? errno : EIO);
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd) != 0) return "syncing failed: " + errno_text(errno);
  return std::nullopt;
}

std::variant<staged_file, output_error> stage(const fs::path& target, std::string_view text) {
  staged_file s{folder_of(target) / temp_name_for(target), target};
  const int fd = ::open(s.temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) {
    return output_error{target.string(),
                        "cannot create a temporary file in '" + folder_of(target).string() + "': " + errno_text(errno)};
  }
  auto error = keep_mode(fd, target);
  if (!error) error = write_fully(fd, text);
  if (::close(fd) != 0 && !error) error = "closing failed: " + errno_text(errno);
  if (error) {
    ::unlink(s.temp.c_str());
    return output_error{target.string(), *error + "; the previous file, if any, is unchanged"};
  }
  return s;
}

std::optional<output_error> sync_folder(const fs::path& target) {
  const fs::path folder = folder_of(target);
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return output_error{target.string(), "written, but its folder cannot be opened to sync: " + errno_text(errno)};
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  // EINVAL: the file system does not sync folders; the rename is as durable as it can make it.
  if (rc != 0 && error != EINVAL) {
    return output_error{target.string(), "written, but its folder could not be synced: " + errno_text(error)};
  }
  return std::nullopt;
}

std::optional<output_error> commit(const staged_file& s) {
  if (::rename(s.temp.c_str(), s.target.c_str()) != 0) {
    const int error = errno;
    ::unlink(s.temp.c_str());
    return output_error{s.target.string(), "cannot rename the temporary file over it: " + errno_text(error)};
  }
  return sync_folder(s.target);
}

}  // namespace

std::variant<fs::path, output_error> check_output_path(const std::string& path,
                                                       const std::vector<std::string>& inputs) {
  const auto fail = [&](std::string message) { return output_error{path, std::move(message)}; };
  if (path.empty()) return fail("the path is empty");
  const auto followed = follow_links(path);
  if (const auto* e = std::get_if<std::string>(&followed)) return fail(*e);
  const fs::path& link_target = std::get<fs::path>(followed);
  const fs::path name = link_target.filename();
  if (name.empty() || name == "." || name == "..") return fail("it names a folder, not a file");
  const fs::path folder = folder_of(link_target);
  if (auto e = check_folder_exists(folder)) return fail(*e);
  std::error_code ec;
  const fs::path target = fs::canonical(folder, ec) / name;
  if (ec) return fail("cannot resolve the folder '" + folder.string() + "': " + ec.message());
  if (auto e = check_existing_target(target)) return fail(*e);
  for (const auto& input : inputs) {
    if (same_file(target, input))
      return fail("it is the input file '" + input + "'; writing it would destroy that input");
  }
  if (auto e = check_folder_writable(folder)) return fail(*e);
  return target;
}

std::variant<std::vector<fs::path>, std::vector<output_error>> check_output_paths(
    const std::vector<std::string>& outputs, const std::vector<std::string>& inputs) {
  std::vector<fs::path> targets(outputs.size());
  std::vector<output_error> errors;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    if (outputs[i].empty()) continue;
    auto checked = check_output_path(outputs[i], inputs);
    if (auto* e = std::get_if<output_error>(&checked)) {
      errors.push_back(std::move(*e));
      continue;
    }
    targets[i] = std::get<fs::path>(std::move(checked));
    for (std::size_t j = 0; j < i; ++j) {
      if (targets[j].empty() || !(targets[j] == targets[i] || same_inode(targets[j], targets[i]))) continue;
      errors.push_back(
          {outputs[i], "it is the same file as the output '" + outputs[j] + "'; give each output its own file"});
      break;
    }
  }
  if (!errors.empty()) return errors;
  return targets;
}

std::optional<output_error> write_atomically(const fs::path& target, std::string_view text) {
  auto staged = stage(target, text);
  if (auto* e = std::get_if<output_error>(&staged)) return std::move(*e);
  return commit(std::get<staged_file>(staged));
}

std::optional<output_error> write_all_atomically(const std::vector<output_text>& files) {
  std::vector<staged_file> staged;
  const auto discard_from = [&staged](std::size_t first) {
    for (std::size_t i = first; i < staged.size(); ++i) ::unlink(staged[i].temp.c_str());
  };
  for (const auto& f : files) {
    if (f.target.empty()) continue;
    auto s = stage(f.target, f.text);
    if (auto* e = std::get_if<output_error>(&s)) {
      discard_from(0);
      return std::move(*e);
    }
    staged.push_back(std::get<staged_file>(std::move(s)));
  }
  for (std::size_t i = 0; i < staged.size(); ++i) {
    if (auto e = commit(staged[i])) {
      discard_from(i + 1);
      return e;
    }
  }
  return std::nullopt;
}

}  // namespace pushsim
