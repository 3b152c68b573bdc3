#pragma once
// wall_driver: pumps a scheduler::rollout on wall-clock time, carrying its calls as REST messages through a
// batch sender (the HTTP client in `pushsim push`, a fake in tests). Failure is bounded: when exchanges keep
// failing (no HTTP answer, or a transient 5xx) for give_up_after since the first failure after the last
// successful exchange, the driver stops and says so; the executor's journal is left as it is, ready for --resume.
// (To be replaced by the project's generic transport + driver; kept in this one file so the swap is local.)

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pushsim/base/rest_message.hpp"
#include "pushsim/base/time.hpp"
#include "pushsim/push/summary.hpp"
#include "pushsim/scheduler/rest/codec.hpp"
#include "pushsim/scheduler/rollout.hpp"

namespace pushsim::push {

// Wall time the driver reads and waits on. Tests pass a fake whose sleep_for only advances its now().
class wall_clock {
 public:
  virtual ~wall_clock() = default;
  virtual time_point now() = 0;            // UTC
  virtual void sleep_for(duration d) = 0;  // blocks about d
};

// The system clock (std::chrono::system_clock) and a real sleep.
class system_wall_clock final : public wall_clock {
 public:
  time_point now() override;
  void sleep_for(duration d) override;
};

// Sends a batch of requests and returns one response per request, in order. A request that got no HTTP answer
// comes back with status scheduler::rest::transport_error_status (0) and the reason in the body.
using batch_sender = std::function<std::vector<rest_response>(const std::vector<rest_request>&)>;

// How the driver runs.
struct drive_settings {
  std::string authorization;              // Authorization header value, "Bearer <token>"
  std::optional<duration> give_up_after;  // empty: never give up
  duration progress_every{std::chrono::seconds{1}};
};

// How drive() ended: the rollout finished, or the driver gave up.
struct drive_outcome {
  bool gave_up = false;
  duration failing_for{0};  // how long exchanges had been failing when it gave up
  std::string last_error;   // the last failure's description
};

class wall_driver {
 public:
  wall_driver(batch_sender send, const scheduler::rest::codec& codec, wall_clock& clock, drive_settings settings);

  // Runs the rollout until it is done or the driver gives up. progress: called every progress_every.
  drive_outcome drive(scheduler::rollout& ro, const std::function<void()>& progress);

  // What was exchanged so far (over every drive()).
  const exchange_counts& counts() const { return counts_; }

 private:
  void apply(scheduler::executor_output out);
  void send_queued(scheduler::rollout& ro);
  void wait_or_tick(scheduler::rollout& ro);
  void note_result(const scheduler::api_call& call, const scheduler::api_result& result);
  bool give_up_due() const;

  batch_sender send_;
  const scheduler::rest::codec& codec_;
  wall_clock& clock_;
  drive_settings settings_;
  std::vector<scheduler::outgoing_call> queue_;
  std::optional<time_point> wake_;
  std::optional<time_point> failing_since_;
  std::string last_error_;
  exchange_counts counts_;
};

}  // namespace pushsim::push
