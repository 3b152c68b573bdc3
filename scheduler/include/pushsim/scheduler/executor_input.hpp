#pragma once
// The executor's input: the slots to push (one PackagePushRequest each) and how to push them. The planner's
// output is mapped onto these by the caller; the executor knows nothing about windows or profiles.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "pushsim/base/time.hpp"
#include "pushsim/scheduler/api_call.hpp"

namespace pushsim::scheduler {

// One push request: the orgs that share a start time. Slots run in order of (wave, start).
struct push_slot {
  int wave = 0;
  time_point start;
  std::vector<std::string> org_keys;
  // Instance (pod) of each org, parallel to org_keys; empty means unknown (counted under "").
  std::vector<std::string> instance_names;
  // Follow-the-sun region of the slot's orgs (any small integer; the planner uses sun_region). Only matters for
  // waves in executor_config::follow_the_sun_waves and the wave after each.
  int region = 0;
};

// Retry of transient failures: API calls (backoff + jitter) and failed jobs (re-pushed in a later slot).
struct retry_policy {
  std::vector<std::string> transient_error_types{"LockingFailure", "UnclassifiedError"};
  int job_attempts_max = 3;              // pushes per org in total (1 = never re-push)
  std::optional<int> call_attempts_max;  // attempts per API call; none: unlimited (job creation never drops an org)
  duration backoff_base{std::chrono::seconds{2}};
  duration backoff_max{std::chrono::minutes{5}};
  double jitter = 0.5;     // share of the backoff drawn at random: delay * (1 - jitter * u), u in [0,1)
  std::uint64_t seed = 1;  // jitter stream
  duration job_retry_delay{std::chrono::minutes{10}};  // a re-pushed org starts no earlier than this after failing
};

// When to halt. Judged whenever results arrive and again at the end of each wave's bake time, over the whole
// run so far. A failed org is one whose job failed for good (transient ErrorTypes count only once their
// re-pushes are used up). Rates are judged only after min_samples finished jobs (succeeded + failed for good).
struct gate_config {
  double max_failure_rate = 1.0;                   // share of finished jobs that failed (non-transient), 0..1
  std::optional<std::int64_t> max_failed_orgs;     // none: no limit
  std::optional<std::int64_t> max_broken_signals;  // broken-org signals from telemetry; none: no limit
  bool halt_on_new_error_type = false;             // an ErrorType not in expected_error_types nor seen in a passed wave
  std::vector<std::string> expected_error_types;
  std::int64_t min_samples = 20;
};

// Caps on jobs not yet finished (Created, Pending, InProgress). A slot that would exceed them waits;
// a slot larger than a cap starts alone. none: no cap.
struct concurrency_config {
  std::optional<std::int64_t> jobs_in_flight_max;
  std::optional<std::int64_t> jobs_in_flight_per_instance_max;
};

// API budget over a rolling 24 h window. Work is deferred when the remaining budget falls to the reserve
// (cancellations on halt may use the reserve).
struct api_budget_config {
  std::optional<std::int64_t> calls_per_24h;  // none: unlimited
  std::int64_t reserve = 0;
  duration limit_exceeded_wait{std::chrono::minutes{60}};  // after REQUEST_LIMIT_EXCEEDED
};

// Adaptive polling: min interval while jobs change, doubling up to max while nothing changes.
struct polling_config {
  duration min_interval{std::chrono::seconds{15}};
  duration max_interval{std::chrono::minutes{5}};
};

struct executor_config {
  std::string version_id;  // target PackageVersionId (04t...)
  job_creation_mode mode = job_creation_mode::composite_tree;
  std::size_t batch_size = 200;                      // orgs per job-creation call, 1..200
  std::size_t ids_per_query = 100;                   // request ids per IN list
  duration prepare_ahead{std::chrono::minutes{10}};  // create a request this long before its start
  duration min_start_lead{std::chrono::seconds{0}};  // ScheduledStartTime >= now + this
  duration bake_time{std::chrono::minutes{30}};      // after a wave finishes, before the next starts
  std::map<int, duration> bake_time_per_wave;        // wave number -> bake time, overrides bake_time
  duration stuck_after{std::chrono::hours{2}};       // an InProgress job older than this is stuck
  time_point deadline = time_point::max();           // slots that cannot start by then are not pushed
  retry_policy retry;
  gate_config gates;
  // What a tripped gate does: none halts the run; a duration pauses it (no slot starts) that long, then the run
  // continues with the evidence seen so far accepted, so a gate trips again only on new evidence.
  std::optional<duration> gate_review_pause;
  // Wave number -> gates that replace `gates` while that wave is the newest one allowed to run in any region (a
  // canary's stricter gates, say); a regional hand-over (follow_the_sun_waves) is judged by the handing wave's.
  std::map<int, gate_config> gates_per_wave;
  // Wave numbers whose next wave starts region by region (push_slot::region): a region's slots of the next wave
  // may start once that region's slots of this wave (retries included) have all finished, baked (this wave's
  // bake time) and the gates hold, instead of waiting for this wave in every region. A region with no slot in
  // this wave waits for the whole wave. A halt still stops every slot not yet started, in every region.
  std::set<int> follow_the_sun_waves;
  concurrency_config concurrency;
  api_budget_config budget;
  polling_config polling;
};

}  // namespace pushsim::scheduler
