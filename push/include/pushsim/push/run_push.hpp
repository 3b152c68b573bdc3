#pragma once
// run_push: `pushsim push` — the real scheduling core (scheduler::rollout) driving a real push over HTTP(S)
// against a Salesforce packaging org (or `pushsim serve`), on wall-clock time.
//
// Order of work: refuse bad input (flags, credentials, plan, profiles) -> take the journal's lock -> on --resume,
// read the journal and the subscriber snapshot strictly -> find the instance, the package and the target
// version, refusing a target that cannot succeed -> on --resume, check the journal's binding; on a fresh run,
// look for open requests and jobs of the target version -> subscribers (fetched, or the snapshot) -> plan ->
// execute, journaling every side-effecting call. Every refusal comes before the first side-effecting call.

#include <optional>
#include <ostream>
#include <string>

#include "pushsim/base/redactor.hpp"
#include "pushsim/base/time.hpp"

namespace pushsim::push {

// What `pushsim push` was asked for (CLI flags, already parsed).
struct push_options {
  std::string instance_url;                  // "https://na1.my.salesforce.com", "http://127.0.0.1:8080"
  std::string token;                         // OAuth access token (Bearer)
  std::string plan_file;                     // plan JSON
  std::optional<std::string> profiles_file;  // partner org profiles CSV
  bool dry_run = false;                      // fetch and plan only, write the plan; no side-effecting call
  std::string journal_path = "pushsim-push.journal";
  bool resume = false;                                // continue the run recorded in journal_path
  bool adopt_open_requests = false;                   // run despite open requests / jobs of the target version
  duration give_up_after = std::chrono::minutes{15};  // stop after failing this long without a successful exchange
  bool insecure = false;                              // TLS without certificate checks (tests only)
  std::string package_id;                             // MetadataPackage id (033...); empty: discovered
  std::optional<std::string> failures_csv;            // failed orgs, CumulusCI's push failure report columns
  std::optional<std::string> report_json;             // the run summary (or, with dry_run, the plan) as JSON
  std::optional<std::string> schedule_csv;            // dry_run: each planned org's start (UTC, local), wave, window
  bool progress_tty = false;  // stderr is a terminal: a \r progress line each second (else a line a minute)
  // Org keys and names pseudonymised in stdout, the plan, the schedule and failures CSVs and the report; never in
  // the journal and its subscriber snapshot, which must hold the real ids for --resume.
  redact_flags redact;
};

// Exit codes of run_push.
inline constexpr int push_exit_done = 0;
inline constexpr int push_exit_error = 1;      // auth failure, unreachable server, gave up, journal I/O, ...
inline constexpr int push_exit_bad_input = 2;  // flags, plan, profiles, journal, refusals (lock, open requests, beta)
inline constexpr int push_exit_halted = 3;     // a gate halted the rollout (or requests were left not canceled)

// Runs the push; the final summary goes to out, errors and progress to err. Returns an exit code above.
int run_push(const push_options& options, std::ostream& out, std::ostream& err);

}  // namespace pushsim::push
