#pragma once
// driver: the one loop body around scheduler::rollout. It turns the rollout's typed calls into REST requests
// (codec), hands them to a transport, decodes the answers back into the rollout, and keeps the rollout's
// wake-up on a clock. The rehearsal gives it simulated time and the in-process handler; `pushsim push` wall
// time and the HTTP client; tests a manual clock and a scripted transport. The driver never blocks: whoever
// owns the clock runs the event loop until finished().
//
// Giving up: with give_up_after set, when calls have kept failing in a way the rollout retries (no HTTP answer,
// a 5xx, a transient error; not a REQUEST_LIMIT_EXCEEDED, which the executor waits out by itself) for that long
// since the first such failure after the last other answer, the driver stops (gave_up()): no further call goes
// out; answers of calls already sent are still fed to the rollout so its journal stays complete. While calls
// fail, the clock's wake-up is never later than the give-up time, so a long backoff cannot hide it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "pushsim/base/time.hpp"
#include "pushsim/base/transport.hpp"
#include "pushsim/scheduler/rest/codec.hpp"
#include "pushsim/scheduler/rollout.hpp"

namespace pushsim::scheduler::rest {

// What a driver is asked to do besides carrying calls.
struct driver_options {
  std::string token;                      // sent as "Authorization: Bearer <token>"
  std::optional<duration> give_up_after;  // none: never give up (the rehearsal)
  std::optional<duration> idle_poll;      // none: no wake-up unless the rollout asks for one; else ask it again
                                          // after this long when it is idle with nothing in flight
};

// What went over the transport.
struct driver_stats {
  std::int64_t api_calls = 0;
  std::map<std::string, std::int64_t> api_calls_by_endpoint;
  std::int64_t retryable_errors = 0;  // answers the rollout will retry (transport failures included)
  std::map<std::string, std::int64_t> retryable_errors_by_endpoint;
  std::int64_t transport_failures = 0;
};

class driver {
 public:
  // Every reference must outlive the driver.
  driver(rollout& ro, transport& tr, clock& clk, const codec& cd, driver_options options);
  driver(const driver&) = delete;
  driver& operator=(const driver&) = delete;

  // First turn of the rollout (its on_time at clock.now()).
  void start();
  // A telemetry signal for an org (rehearsals: the partner's error reports).
  void signal(const std::string& org_key);
  // Drops the pending wake-up (the owner stops its loop).
  void stop();

  // The rollout is done, or the driver gave up.
  bool finished() const { return gave_up_ || ro_.done(); }
  bool gave_up() const { return gave_up_; }
  // Calls sent and not answered yet.
  std::int64_t in_flight() const { return in_flight_; }
  // When the rollout was first seen halted (by a gate).
  std::optional<time_point> halt_time() const { return halt_time_; }
  // Since when calls have been failing (none: the last answer was not a retried failure).
  std::optional<time_point> failing_since() const { return failing_since_; }
  // The last retried failure, "errorCode: message" or the transport's message.
  const std::string& last_error() const { return last_error_; }
  const driver_stats& stats() const { return stats_; }

 private:
  void apply(executor_output out);
  void send(outgoing_call call);
  void answer(const outgoing_call& call, exchange_result result);
  void wake_at(time_point t);
  void note(const api_result& result);
  void give_up_if_due();

  rollout& ro_;
  transport& transport_;
  clock& clock_;
  const codec& codec_;
  driver_options options_;
  std::string authorization_;
  bool wake_pending_ = false;
  time_point wake_time_{};
  std::int64_t in_flight_ = 0;
  bool gave_up_ = false;
  std::optional<time_point> failing_since_;
  std::string last_error_;
  std::optional<time_point> halt_time_;
  driver_stats stats_;
};

}  // namespace pushsim::scheduler::rest
