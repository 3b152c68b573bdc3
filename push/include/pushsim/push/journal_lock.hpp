#pragma once
// journal_lock: one process per journal. An exclusive flock(LOCK_EX | LOCK_NB) on <journal>.lock (the journal's
// name with symlinks resolved, so that two names of one journal share the lock), held for the
// life of the object (the kernel drops it when the process dies, kill -9 included); the holder writes its pid
// into the file so that a second opener can name it, and removes the file when it lets go (a refused run leaves
// nothing behind; one killed leaves a stale file that the next opener simply locks). flock locks belong to the
// open file description, so a second open in the same process is refused too.

#include <optional>
#include <string>
#include <variant>

namespace pushsim::push {

class journal_lock {
 public:
  // Why the lock was not taken: held by another opener (pid when it could be read), or an I/O error.
  struct refusal {
    bool held = false;
    std::optional<long> holder_pid;
    std::string message;  // "journal J is locked by pid N" or the I/O error
  };

  // Takes the lock of journal_path (the file journal_path + ".lock"), or says why not.
  static std::variant<journal_lock, refusal> acquire(const std::string& journal_path);

  journal_lock(journal_lock&& other) noexcept;
  journal_lock& operator=(journal_lock&& other) noexcept;
  journal_lock(const journal_lock&) = delete;
  journal_lock& operator=(const journal_lock&) = delete;
  ~journal_lock();

  // The lock file's path.
  const std::string& path() const { return path_; }

 private:
  journal_lock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

}  // namespace pushsim::push
