#include "in_process_transport.hpp"

#include <charconv>
#include <utility>

namespace pushsim::harness {
namespace {

namespace api = mock_org::api;

// The handler's simulated latency (0 when it reports none).
duration latency_of(const rest_response& resp) {
  const auto text = resp.header(api::latency_header);
  std::int64_t us = 0;
  if (!text.empty()) std::from_chars(text.data(), text.data() + text.size(), us);
  return duration{us};
}

// The answer the client sees: the response, or the transport failure the handler asked for.
exchange_result client_view(rest_response resp) {
  const auto fault = resp.header(api::transport_fault_header);
  if (fault.empty()) return resp;
  const auto kind = fault == "malformed" ? transport_failure_kind::malformed : transport_failure_kind::dropped;
  return transport_failure{kind, "transport fault: " + std::string(fault)};
}

}  // namespace

void in_process_transport::send(rest_request request, exchange_callback on_answer) {
  sim_.schedule_after(
      duration{0},
      [this, req = std::move(request), cb = std::move(on_answer)]() mutable {
        rest_response resp = handler_.handle(req);
        const duration latency = latency_of(resp);
        sim_.schedule_after(
            latency, [cb = std::move(cb), answer = client_view(std::move(resp))]() mutable { cb(std::move(answer)); },
            kind_response);
      },
      kind_request);
}

void sim_clock::wake_at(time_point t, std::function<void()> fire) {
  sim_.cancel(wake_);
  wake_ = sim_.schedule_at(t, std::move(fire), kind_wake);
}

}  // namespace pushsim::harness
