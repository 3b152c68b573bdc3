#pragma once
// journal_record: the typed lines of the executor's journal, and the one place that turns them into journal text
// and back. The executor builds records; read_journal decodes them; nothing else writes or reads the JSON.
//
// Text (one JSON object per line, keys in alphabetical order; times in microseconds since the epoch, UTC):
//   begin            {"orgs":M,"pushsim_version":"0.1.0-g...","slots":N,"t":"begin","version":"04t..."}
//   create intent    {"id":7,"kind":"create","slot":3,"start":<us>,"t":"intent"}
//   add_jobs intent  {"id":8,"kind":"add_jobs","orgs":["00D...",...],"request":"0DV...","slot":3,"t":"intent"}
//   patch intent     {"id":9,"kind":"patch","request":"0DV...","slot":3,"status":"Pending","t":"intent"}
//   create result    {"id":7,"kind":"create","ok":true,"request":"0DV...","slot":3,"t":"result"}
//   add_jobs result  {"created":N,"excluded":[[key,reason],...],"id":8,"kind":"add_jobs","request":"0DV...","slot":3,
//                     "t":"result"}
//   patch result     {"id":9,"kind":"patch","ok":true,"slot":3,"t":"result"}
//   failed call      {"error":"CODE: message","id":9,"kind":"patch","ok":false,"retryable":true,"slot":3,"t":"result"}
//   halt             {"at":<us>,"reason":"...","t":"halt"}
// A field missing from a line reads as its default below (older journals); a field of the wrong type, an unknown
// "t" or "kind", or text that is not a JSON object makes the line unreadable.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "pushsim/base/time.hpp"

namespace pushsim::scheduler {

// The side-effecting call an intent or a failed result is about.
enum class journal_call_kind { create, add_jobs, patch };

// A start or a resume of the executor.
struct journal_begin {
  std::string version;          // target PackageVersionId
  std::uint64_t slots = 0;      // input slots
  std::uint64_t orgs = 0;       // orgs given
  std::string pushsim_version;  // the build that wrote it (pushsim --version); empty: not recorded
};

// Before a PackagePushRequest create is handed out. Slots index the executor's slots sorted by (wave, start).
struct journal_create_intent {
  std::uint64_t id = 0;  // call id, unique across resumes
  int slot = -1;
  time_point start;  // ScheduledStartTime asked for
};

// Before a job-creation call is handed out.
struct journal_add_jobs_intent {
  std::uint64_t id = 0;
  int slot = -1;
  std::string request;
  std::vector<std::string> orgs;  // org keys of the batch
};

// Before a PATCH of a request's Status is handed out.
struct journal_patch_intent {
  std::uint64_t id = 0;
  int slot = -1;
  std::string request;
  std::string status;  // "Pending" or "Canceled"
};

// A create that succeeded.
struct journal_create_result {
  std::uint64_t id = 0;
  int slot = -1;
  std::string request;  // the new request's id
};

// A job-creation call that was answered (per-org outcomes).
struct journal_add_jobs_result {
  std::uint64_t id = 0;
  int slot = -1;
  std::string request;
  std::int64_t created = 0;                                   // jobs created (or found existing)
  std::vector<std::pair<std::string, std::string>> excluded;  // org key, reason refused
};

// A PATCH that succeeded.
struct journal_patch_result {
  std::uint64_t id = 0;
  int slot = -1;
};

// A side-effecting call that failed.
struct journal_call_failed {
  std::uint64_t id = 0;
  int slot = -1;
  journal_call_kind kind = journal_call_kind::create;
  bool retryable = false;  // the executor will try the call again
  std::string error;       // "errorCode: message"
};

// The run halted.
struct journal_halt {
  std::string reason;
  time_point at;
};

using journal_record = std::variant<journal_begin, journal_create_intent, journal_add_jobs_intent, journal_patch_intent,
                                    journal_create_result, journal_add_jobs_result, journal_patch_result,
                                    journal_call_failed, journal_halt>;

// One journal line (without the trailing newline).
std::string encode_journal_record(const journal_record& record);
// The record of one line, or empty when the line cannot be read (torn, not an object, unknown record).
std::optional<journal_record> decode_journal_record(std::string_view line);

}  // namespace pushsim::scheduler
