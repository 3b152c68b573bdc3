#pragma once
// http_transport: the transport of `pushsim push` — requests queue up on send() and go out together, over
// the http_client's connection pool, when the wall-clock loop flushes them; each answer (response or typed
// transport failure) then reaches its callback. wall_loop: the clock of `pushsim push` and its event loop.

#include <chrono>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "pushsim/base/transport.hpp"
#include "pushsim/scheduler/http/http_client.hpp"

namespace pushsim::scheduler::http {

// The transport failure kind of an http_client error.
transport_failure_kind failure_kind(transport_error e);

// A transport whose requests wait until flush().
class batching_transport : public transport {
 public:
  // Sends every queued request and delivers every answer; false when nothing was queued.
  virtual bool flush() = 0;
};

class http_transport final : public batching_transport {
 public:
  explicit http_transport(http_client& client) : client_(client) {}
  void send(rest_request request, exchange_callback on_answer) override;
  bool flush() override;

 private:
  http_client& client_;
  std::vector<std::pair<rest_request, exchange_callback>> queue_;
};

// Wall-clock time (UTC, microseconds) and the loop that runs a driver on it.
class wall_loop final : public clock {
 public:
  using now_fn = std::function<time_point()>;
  using sleep_fn = std::function<void(duration)>;
  // now/sleep: the system clock and this_thread::sleep_for unless a test injects its own.
  explicit wall_loop(batching_transport& tr, now_fn now = {}, sleep_fn sleep = {});

  time_point now() const override { return now_(); }
  void wake_at(time_point t, std::function<void()> fire) override;
  void cancel_wake() override;

  // Runs until done() holds: flushes queued requests, fires the wake-up when due, sleeps otherwise (at most
  // `tick_every` at a time); calls tick() about every `tick_every` of wall time.
  void run_until(const std::function<bool()>& done, const std::function<void()>& tick,
                 duration tick_every = std::chrono::seconds{1});

 private:
  batching_transport& transport_;
  now_fn now_;
  sleep_fn sleep_;
  std::optional<time_point> wake_;
  std::function<void()> fire_;
};

}  // namespace pushsim::scheduler::http
