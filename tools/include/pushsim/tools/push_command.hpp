#pragma once
// push_command: the runtime behind `pushsim push` — the real scheduling core (scheduler::rollout) driving a
// real push over HTTP(S) against a Salesforce packaging org (or `pushsim serve`), on wall-clock time.
//
// Order of work: read the plan and the profiles (bad input: exit 2 before any API call) -> find the package
// (--package-id or `SELECT Id FROM MetadataPackage`) and the target version id -> subscribers (fetched, or the
// snapshot kept next to the journal when resuming) -> plan -> execute, journaling every side-effecting call.
// The subscriber snapshot (<journal>.subscribers.json) is made durable before the first side-effecting call, so
// a resumed run plans exactly the same slots and the executor can match its journal to them.

#include <optional>
#include <ostream>
#include <string>

namespace pushsim::tools {

// What `pushsim push` was asked for (CLI flags, already parsed).
struct push_options {
  std::string instance_url;                 // "https://na1.my.salesforce.com", "http://127.0.0.1:8080"
  std::string token;                        // OAuth access token (Bearer)
  std::string plan_file;                    // plan JSON
  std::optional<std::string> profiles_file;  // partner org profiles CSV
  bool dry_run = false;                     // fetch and plan only, write the plan; no side-effecting call
  std::string journal_path = "pushsim-push.journal";
  bool resume = false;                      // continue the run recorded in journal_path
  bool insecure = false;                    // TLS without certificate checks (tests only)
  std::string package_id;                   // MetadataPackage id (033...); empty: discovered
  std::optional<std::string> failures_csv;  // failed orgs, CumulusCI's push failure report columns
  std::optional<std::string> report_json;   // the run summary (or, with dry_run, the plan) as JSON
  bool progress = false;                    // progress line on stderr (when stderr is a TTY)
};

// Exit codes of run_push.
inline constexpr int push_exit_done = 0;
inline constexpr int push_exit_error = 1;      // auth failure, unreachable server, journal I/O, ...
inline constexpr int push_exit_bad_input = 2;  // plan / profiles / flags
inline constexpr int push_exit_halted = 3;     // a gate halted the rollout

// Runs the push; the final summary goes to out, errors and progress to err. Returns an exit code above.
int run_push(const push_options& options, std::ostream& out, std::ostream& err);

}  // namespace pushsim::tools
