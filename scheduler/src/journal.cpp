#include "pushsim/scheduler/journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "pushsim/base/assert.hpp"
#include "pushsim/scheduler/journal_record.hpp"

namespace pushsim::scheduler {

file_journal::file_journal(const std::string& path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) error_ = "cannot open journal " + path + ": " + std::strerror(errno);
}

file_journal::~file_journal() {
  if (fd_ >= 0) ::close(fd_);
}

void file_journal::append(std::string_view line) {
  PUSHSIM_ASSERT(fd_ >= 0, "file_journal::append on a journal that failed to open");
  std::string buf(line);
  buf.push_back('\n');
  std::size_t done = 0;
  while (done < buf.size()) {
    const ssize_t n = ::write(fd_, buf.data() + done, buf.size() - done);
    if (n < 0 && errno == EINTR) continue;
    PUSHSIM_ASSERT(n > 0, "journal write failed: cannot continue without a durable journal");
    done += static_cast<std::size_t>(n);
  }
  PUSHSIM_ASSERT(::fsync(fd_) == 0, "journal fsync failed");
}

namespace {

// What each record tells a resume.
struct journal_reader {
  journal_state& st;

  void call_id(std::uint64_t id) const {
    if (id > st.last_call_id) st.last_call_id = id;
  }
  void operator()(const journal_begin&) const {}
  void operator()(const journal_create_intent& r) const {
    call_id(r.id);
    st.unconfirmed_creates[r.slot] = r.start;
  }
  void operator()(const journal_add_jobs_intent& r) const {
    call_id(r.id);
    st.request_ids.insert(r.request);
  }
  void operator()(const journal_patch_intent& r) const {
    call_id(r.id);
    st.request_ids.insert(r.request);
  }
  void operator()(const journal_create_result& r) const {
    call_id(r.id);
    st.slot_requests[r.slot] = r.request;
    st.request_ids.insert(r.request);
    st.unconfirmed_creates.erase(r.slot);
  }
  void operator()(const journal_add_jobs_result& r) const {
    call_id(r.id);
    for (const auto& [key, reason] : r.excluded) st.excluded_orgs[key] = reason;
  }
  void operator()(const journal_patch_result& r) const { call_id(r.id); }
  void operator()(const journal_call_failed& r) const {
    call_id(r.id);
    if (r.kind == journal_call_kind::create && !r.retryable) st.unconfirmed_creates.erase(r.slot);
  }
  void operator()(const journal_halt& r) const {
    st.halted = true;
    st.halt_reason = r.reason;
  }
};

}  // namespace

journal_state read_journal(const std::vector<std::string>& lines) {
  journal_state st;
  for (const auto& line : lines) {
    ++st.lines_read;
    const auto record = decode_journal_record(line);
    if (!record) {
      ++st.lines_ignored;
      continue;
    }
    std::visit(journal_reader{st}, *record);
  }
  return st;
}

journal_state read_journal_file(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return read_journal(lines);
}

}  // namespace pushsim::scheduler
