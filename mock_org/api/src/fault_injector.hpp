#pragma once
// fault_injector: the seeded faults and simulated latency of fault_config, drawn per call from the streams
// "api/faults" and "api/latency" of the faults seed (private to mock_org/api).

#include <cstdint>
#include <optional>

#include "pushsim/base/rest_message.hpp"
#include "pushsim/mock_org/api/answer.hpp"
#include "pushsim/mock_org/api/api_handler.hpp"
#include "pushsim/sim/random.hpp"

namespace pushsim::mock_org::api::detail {

class fault_injector {
 public:
  explicit fault_injector(const fault_config& config);

  // The faulted answer to a call of this endpoint class, or nullopt: answer normally. Draws once per call when the
  // class (or "any") has a rate; transport faults are the answer's wire_fault.
  std::optional<answer> draw(endpoint_class cls);
  // The simulated latency of one answer (a lognormal draw); 0 without drawing when latency is not configured.
  duration draw_latency();
  // Calls answered with a fault so far.
  std::uint64_t injected() const { return injected_; }

 private:
  fault_config config_;
  sim::rng fault_rng_;
  sim::rng latency_rng_;
  std::uint64_t injected_ = 0;
};

}  // namespace pushsim::mock_org::api::detail
