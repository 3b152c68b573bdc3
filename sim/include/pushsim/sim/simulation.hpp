#pragma once
// simulation: the discrete-event run loop. Holds virtual time (calendar UTC, microseconds), the event queue and
// the run digest. Events scheduled for the same time run in the order they were scheduled.
// Scheduling in the past, or with a negative delay, is a bug and asserts.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "pushsim/base/assert.hpp"
#include "pushsim/sim/event_queue.hpp"
#include "pushsim/sim/run_digest.hpp"
#include "pushsim/sim/time.hpp"

namespace pushsim::sim {

class simulation {
 public:
  // Starts the clock at `start` (default: the Unix epoch).
  explicit simulation(time_point start = time_point{}) : now_(start) {}

  // Current virtual time.
  time_point now() const { return now_; }

  // Schedules fn() at absolute time t >= now().
  template <class F>
  event_handle schedule_at(time_point t, F&& fn, event_kind kind = 0) {
    if (t < now_) [[unlikely]] {
      past_schedule(t);
    }
    return queue_.push(t, kind, std::forward<F>(fn));
  }
  // Schedules fn() after a delay d >= 0.
  template <class F>
  event_handle schedule_after(duration d, F&& fn, event_kind kind = 0) {
    if (d.count() < 0) [[unlikely]] {
      negative_delay(d);
    }
    return queue_.push(now_ + d, kind, std::forward<F>(fn));
  }

  // Cancels a pending event; false if it already ran, is running or was cancelled.
  bool cancel(event_handle h) { return queue_.cancel(h); }
  bool is_pending(event_handle h) const { return queue_.pending(h); }

  // Runs the earliest event. False if there was none.
  bool step();
  // Runs until no event is left or stop() is called. Returns the number of events run by this call.
  std::uint64_t run();
  // Runs every event with time <= t, then advances now() to t (unless stop() was called first, in which case
  // now() stays at the last event run). t must not be in the past. Returns the number of events run.
  std::uint64_t run_until(time_point t);
  // Makes run()/run_until() return after the current event. The next run()/run_until() call clears it.
  void stop() { stopped_ = true; }
  bool stopped() const { return stopped_; }

  // Time of the next pending event, if any.
  std::optional<time_point> next_event_time();
  // Number of pending events.
  std::size_t pending() const { return queue_.size(); }
  // Events run since construction.
  std::uint64_t events_processed() const { return events_; }
  // Fingerprint of every event run so far (time and kind), plus values folded with fold_digest().
  std::uint64_t digest() const { return digest_.value(); }
  std::string digest_hex() const { return digest_.hex(); }
  // Lets components fold outcomes that events do not show (e.g. a per-org result) into the digest.
  void fold_digest(std::uint64_t v) { digest_.fold_value(v); }
  // Memory held by the event pool and heap, in bytes.
  std::size_t queue_memory_bytes() const { return queue_.memory_bytes(); }

 private:
  [[noreturn]] void past_schedule(time_point t) const;
  [[noreturn]] void negative_delay(duration d) const;

  event_queue queue_;
  run_digest digest_;
  time_point now_;
  std::uint64_t events_ = 0;
  bool stopped_ = false;
};

}  // namespace pushsim::sim
