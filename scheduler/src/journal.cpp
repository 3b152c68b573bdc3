#include "pushsim/scheduler/journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "pushsim/base/assert.hpp"

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

journal_state read_journal(const std::vector<std::string>& lines) {
  journal_state st;
  for (const auto& line : lines) {
    ++st.lines_read;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("t")) {
      ++st.lines_ignored;
      continue;
    }
    const std::string t = j.value("t", "");
    const auto id = j.value("id", std::uint64_t{0});
    if (id > st.last_call_id) st.last_call_id = id;
    const std::string kind = j.value("kind", "");
    if (t == "halt") {
      st.halted = true;
      st.halt_reason = j.value("reason", "");
    } else if (t == "intent" && kind == "create") {
      st.unconfirmed_creates[j.value("slot", -1)] = from_us(j.value("start", std::int64_t{0}));
    } else if (t == "result" && kind == "create") {
      const int slot = j.value("slot", -1);
      if (j.value("ok", false)) {
        const std::string req = j.value("request", "");
        st.slot_requests[slot] = req;
        st.request_ids.insert(req);
        st.unconfirmed_creates.erase(slot);
      } else if (!j.value("retryable", false)) {
        st.unconfirmed_creates.erase(slot);
      }
    } else if (t == "intent" && (kind == "add_jobs" || kind == "patch")) {
      st.request_ids.insert(j.value("request", ""));
    } else if (t == "result" && kind == "add_jobs" && j.contains("excluded")) {
      for (const auto& e : j["excluded"]) {
        if (e.is_array() && e.size() == 2) st.excluded_orgs[e[0].get<std::string>()] = e[1].get<std::string>();
      }
    }
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
