#pragma once
// The executor's append-only journal: one JSON object per line. Side-effecting calls are written as an
// intent before the call is handed out and as a result when it comes back; a sink makes each line durable
// (file_journal: write + fsync) before append returns.
//
// Lines (every object has "t"; call ids are unique across resumes):
//   {"t":"begin","version":"04t...","slots":N,"orgs":M}                      each start or resume
//   {"t":"intent","id":7,"kind":"create","slot":3,"start":<us UTC>}          before the create is handed out
//   {"t":"result","id":7,"kind":"create","slot":3,"ok":true,"request":"0DV..."}  (ok:false + retryable + error)
//   {"t":"intent","id":8,"kind":"add_jobs","slot":3,"request":"0DV...","orgs":["00D...",...]}
//   {"t":"result","id":8,"kind":"add_jobs","slot":3,"request":"0DV...","created":N,"excluded":[[key,reason],...]}
//   {"t":"intent","id":9,"kind":"patch","slot":3,"request":"0DV...","status":"Pending"|"Canceled"}
//   {"t":"result","id":9,"kind":"patch","slot":3,"ok":true}
//   {"t":"halt","reason":"...","at":<us UTC>}
// Slot indices refer to the executor's slots sorted by (wave, start); indices past the input are re-push slots.

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "pushsim/base/time.hpp"

namespace pushsim::scheduler {

// Where journal lines go. append must not return before the line is durable.
class journal_sink {
 public:
  virtual ~journal_sink() = default;
  // line: one JSON object without the trailing newline.
  virtual void append(std::string_view line) = 0;
};

// Journal in a file, opened for append; every line is written with one write() and fsync'd.
class file_journal final : public journal_sink {
 public:
  explicit file_journal(const std::string& path);
  ~file_journal() override;
  file_journal(const file_journal&) = delete;
  file_journal& operator=(const file_journal&) = delete;
  bool ok() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }
  void append(std::string_view line) override;

 private:
  int fd_ = -1;
  std::string error_;
};

// Journal kept in memory (tests, dry runs).
class memory_journal final : public journal_sink {
 public:
  void append(std::string_view line) override { lines.emplace_back(line); }
  std::vector<std::string> lines;
};

// What a resume needs from a journal.
struct journal_state {
  bool halted = false;
  std::string halt_reason;
  std::map<int, std::string> slot_requests;          // slot index -> PackagePushRequest id created for it
  std::map<int, time_point> unconfirmed_creates;     // slot index -> ScheduledStartTime of a create without result
  std::set<std::string> request_ids;                 // every request id the journal names
  std::map<std::string, std::string> excluded_orgs;  // org key -> reason (refused at job creation)
  std::uint64_t last_call_id = 0;
  std::size_t lines_read = 0;
  std::size_t lines_ignored = 0;  // unparsable lines (a torn last line after a crash)
};

// Reads journal lines (a torn or unparsable line is counted and skipped).
journal_state read_journal(const std::vector<std::string>& lines);
// Reads a journal file; a missing file gives an empty state.
journal_state read_journal_file(const std::string& path);

}  // namespace pushsim::scheduler
