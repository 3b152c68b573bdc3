#include "pushsim/push/journal_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace pushsim::push {
namespace {

// The pid written in the lock file, if it holds one.
std::optional<long> read_pid(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return std::nullopt;
  char* end = nullptr;
  const long pid = std::strtol(buf, &end, 10);
  if (end == buf || pid <= 0) return std::nullopt;
  return pid;
}

bool write_pid(int fd) {
  const std::string text = std::to_string(static_cast<long>(::getpid())) + "\n";
  if (::ftruncate(fd, 0) != 0) return false;
  return ::pwrite(fd, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size());
}

// True when path still names the file open as fd (not removed or replaced since it was opened).
bool still_named(int fd, const std::string& path) {
  struct stat by_fd {
  }, by_name{};
  return ::fstat(fd, &by_fd) == 0 && ::stat(path.c_str(), &by_name) == 0 && by_fd.st_dev == by_name.st_dev &&
         by_fd.st_ino == by_name.st_ino;
}

// The refusal for a flock that failed with errno e.
journal_lock::refusal refused(int fd, int e, const std::string& journal_path, const std::string& lock_path) {
  journal_lock::refusal r;
  if (e != EWOULDBLOCK) {
    r.message = "cannot lock " + lock_path + ": " + std::strerror(e);
    return r;
  }
  r.held = true;
  r.holder_pid = read_pid(fd);
  r.message = "journal " + journal_path + " is locked by " +
              (r.holder_pid ? "pid " + std::to_string(*r.holder_pid) : std::string("another process (pid unknown)")) +
              ": another `pushsim push` is running on it";
  return r;
}

}  // namespace

std::variant<journal_lock, journal_lock::refusal> journal_lock::acquire(const std::string& journal_path) {
  // Through symlinks, so that every name of one journal shares one lock.
  std::error_code ec;
  const auto resolved = std::filesystem::weakly_canonical(journal_path, ec);
  std::string path = (ec ? journal_path : resolved.string()) + ".lock";
  // The holder removes the file when it lets go: a lock taken on a file that was removed meanwhile is retried.
  for (int attempt = 0; attempt < 8; ++attempt) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return refusal{false, std::nullopt, "cannot open " + path + ": " + std::strerror(errno)};
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      refusal r = refused(fd, errno, journal_path, path);
      ::close(fd);
      return r;
    }
    if (!still_named(fd, path)) {
      ::close(fd);
      continue;
    }
    if (!write_pid(fd)) {
      const int e = errno;
      ::unlink(path.c_str());
      ::close(fd);
      return refusal{false, std::nullopt, "cannot write " + path + ": " + std::strerror(e)};
    }
    return journal_lock(fd, std::move(path));
  }
  return refusal{false, std::nullopt, "cannot lock " + path + ": it keeps being replaced"};
}

journal_lock::journal_lock(journal_lock&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) {
  other.fd_ = -1;
}

journal_lock& journal_lock::operator=(journal_lock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      ::unlink(path_.c_str());
      ::close(fd_);
    }
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    other.fd_ = -1;
  }
  return *this;
}

journal_lock::~journal_lock() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());  // still holding the lock: nobody else can have taken this file meanwhile
  ::close(fd_);
}

}  // namespace pushsim::push
