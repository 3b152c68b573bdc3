#include "in_process_transport.hpp"

#include <utility>

namespace pushsim::harness {
namespace {

namespace api = mock_org::api;

// The answer the client sees: the response, or the transport failure the handler asked for.
exchange_result client_view(api::answer a) {
  if (a.fault == api::wire_fault::none) return std::move(a.response);
  const auto kind =
      a.fault == api::wire_fault::malformed ? transport_failure_kind::malformed : transport_failure_kind::dropped;
  return transport_failure{kind, "transport fault: " + std::string(api::to_string(a.fault))};
}

}  // namespace

void in_process_transport::send(rest_request request, exchange_callback on_answer) {
  sim_.schedule_after(
      duration{0},
      [this, req = std::move(request), cb = std::move(on_answer)]() mutable {
        api::answer a = handler_.respond(req);
        const duration latency = a.latency;
        sim_.schedule_after(
            latency, [cb = std::move(cb), answer = client_view(std::move(a))]() mutable { cb(std::move(answer)); },
            kind_response);
      },
      kind_request);
}

void sim_clock::wake_at(time_point t, std::function<void()> fire) {
  sim_.cancel(wake_);
  wake_ = sim_.schedule_at(t, std::move(fire), kind_wake);
}

}  // namespace pushsim::harness
