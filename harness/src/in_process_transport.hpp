#pragma once
// in_process_transport and sim_clock: the rehearsal's side of the driver (scheduler/rest/driver.hpp). Requests
// go to the mock REST handler as real REST messages on simulated time: the handler runs in an event of its own,
// and its answer reaches the driver after the simulated latency the handler reports. A transport fault the
// handler injects (which the socket server would turn into a dropped or garbled connection) arrives as a
// transport_failure. sim_clock keeps the driver's one wake-up as a simulation event.

#include <functional>

#include "pushsim/base/transport.hpp"
#include "pushsim/mock_org/api/api_handler.hpp"
#include "pushsim/sim/simulation.hpp"

namespace pushsim::harness {

// Event kinds of the in-process transport and the clock (they reach the run digest: never renumber).
inline constexpr sim::event_kind kind_request = 100;
inline constexpr sim::event_kind kind_response = 101;
inline constexpr sim::event_kind kind_wake = 102;

class in_process_transport final : public transport {
 public:
  // Both must outlive the transport.
  in_process_transport(sim::simulation& sim, mock_org::api::api_handler& handler) : sim_(sim), handler_(handler) {}
  void send(rest_request request, exchange_callback on_answer) override;

 private:
  sim::simulation& sim_;
  mock_org::api::api_handler& handler_;
};

class sim_clock final : public clock {
 public:
  explicit sim_clock(sim::simulation& sim) : sim_(sim) {}
  time_point now() const override { return sim_.now(); }
  void wake_at(time_point t, std::function<void()> fire) override;
  void cancel_wake() override { sim_.cancel(wake_); }

 private:
  sim::simulation& sim_;
  sim::event_handle wake_;
};

}  // namespace pushsim::harness
