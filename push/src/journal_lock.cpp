#include "pushsim/push/journal_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

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

}  // namespace

std::variant<journal_lock, journal_lock::refusal> journal_lock::acquire(const std::string& journal_path) {
  std::string path = journal_path + ".lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return refusal{false, std::nullopt, "cannot open " + path + ": " + std::strerror(errno)};
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int e = errno;
    refusal r;
    if (e == EWOULDBLOCK) {
      r.held = true;
      r.holder_pid = read_pid(fd);
      r.message = "journal " + journal_path + " is locked by " +
                  (r.holder_pid ? "pid " + std::to_string(*r.holder_pid) : std::string("another process (pid unknown)")) +
                  ": another `pushsim push` is running on it";
    } else {
      r.message = "cannot lock " + path + ": " + std::strerror(e);
    }
    ::close(fd);
    return r;
  }
  if (!write_pid(fd)) {
    const int e = errno;
    ::close(fd);
    return refusal{false, std::nullopt, "cannot write " + path + ": " + std::strerror(e)};
  }
  return journal_lock(fd, std::move(path));
}

journal_lock::journal_lock(journal_lock&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) {
  other.fd_ = -1;
}

journal_lock& journal_lock::operator=(journal_lock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    other.fd_ = -1;
  }
  return *this;
}

journal_lock::~journal_lock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace pushsim::push
