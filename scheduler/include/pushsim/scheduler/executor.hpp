#pragma once
// executor: the sans-I/O push executor. It takes time (on_time), API results (on_result) and telemetry
// signals (on_signal) in, and gives the API calls to make (each with a call id) and the next wake-up time out.
// It never blocks and never does I/O itself, except appending to the journal it was given.
//
// Per slot: create request -> add jobs in batches -> PATCH Pending -> monitor (adaptive polling, one GROUP BY
// Status query per request, failed jobs with errors through a child subquery) -> gates. On a halt every
// request still Created or Pending is canceled and nothing new is scheduled.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pushsim/base/time.hpp"
#include "pushsim/scheduler/api_call.hpp"
#include "pushsim/scheduler/executor_input.hpp"
#include "pushsim/scheduler/journal.hpp"

namespace pushsim::scheduler {

// A call the driver must make; its result comes back through on_result(id, ...).
struct outgoing_call {
  std::uint64_t id = 0;
  api_call call;
};

// What the executor wants after each input: calls to make now and when to call on_time next.
struct executor_output {
  std::vector<outgoing_call> calls;
  std::optional<time_point> wake_at;  // empty: nothing scheduled (done, or waiting only for results)
};

// Final (or current) state of one org.
enum class org_final_state { pending, in_flight, upgraded, failed, excluded, not_pushed, canceled };
const char* to_string(org_final_state s);

struct org_report {
  std::string org_key;
  int wave = 0;
  org_final_state state = org_final_state::pending;
  std::string job_id;
  std::string error_type;  // failed: ErrorType
  std::string message;     // failed: ErrorMessage; excluded/not_pushed/canceled: the reason
  int attempts = 0;        // jobs created for this org
};

// One org's line without copying it (executor::for_each_org): the fields of org_report.
struct org_view {
  std::string_view org_key;
  int wave = 0;
  org_final_state state = org_final_state::pending;
  std::string_view job_id, error_type, message;
  int attempts = 0;
};

struct wave_report {
  int wave = 0;
  std::int64_t orgs = 0, upgraded = 0, failed = 0, excluded = 0, not_pushed = 0, canceled = 0;
  std::optional<time_point> first_start, finished;
  bool gates_passed = false;
};

struct stuck_job_report {
  std::string job_id, request_id, org_key;
  std::optional<time_point> started;
  time_point detected;
};

struct executor_report {
  std::vector<org_report> orgs;  // in input order (slots sorted by wave, start)
  std::vector<wave_report> waves;
  bool halted = false;
  std::string halt_reason;
  std::int64_t gate_pauses = 0;  // times a tripped gate paused the run for review (gate_review_pause)
  std::int64_t api_calls = 0;
  std::map<std::string, std::int64_t> api_calls_by_endpoint;
  std::vector<stuck_job_report> stuck_jobs;
  std::vector<std::string> requests_created;
  std::vector<std::string> requests_not_canceled;  // a cancel that failed permanently (needs a human)
};

namespace detail {
struct executor_state;
}

class executor {
 public:
  // journal may be null (no journal); it must outlive the executor.
  executor(executor_config config, std::vector<push_slot> slots, journal_sink* journal = nullptr);
  ~executor();
  executor(const executor&) = delete;
  executor& operator=(const executor&) = delete;

  // Continue a run from its journal: the first calls reconcile with the API (requests for the version and
  // their jobs), then the run continues without creating a second job for any org. Call before on_time.
  void resume(const journal_state& state);

  // Time has come (at or after the last wake_at, or whenever the driver likes).
  executor_output on_time(time_point now);
  // The result of call `call_id`.
  executor_output on_result(std::uint64_t call_id, api_result result, time_point now);
  // Telemetry says this org broke after its upgrade (counted once per org for the broken-signal gate).
  executor_output on_signal(const std::string& org_key, time_point now);

  // Nothing left to do: every slot finished (pushed, canceled or not pushed) and no call in flight.
  bool done() const;
  bool halted() const;
  // The report; without orgs, its per-org lines are left out (visit them with for_each_org instead of
  // copying a million of them).
  executor_report report(bool with_orgs = true) const;
  // Every org the executor was given, in input order, as it stands now (views valid during the call).
  void for_each_org(const std::function<void(const org_view&)>& visit) const;

 private:
  std::unique_ptr<detail::executor_state> s_;
};

}  // namespace pushsim::scheduler
