#include "fault_injector.hpp"

#include <cmath>
#include <string>

#include "api_response.hpp"

namespace pushsim::mock_org::api::detail {

namespace {

// The answer for the fault kind the uniform draw u falls in, or nullopt (u past every rate).
std::optional<answer> fault_for(const fault_rates& any, const fault_rates& cls, double u) {
  double acc = 0;
  auto hit = [&](double fault_rates::*m) {
    acc += any.*m + cls.*m;
    return u < acc;
  };
  if (hit(&fault_rates::http_503)) {
    return error_response(503, "SERVER_UNAVAILABLE", "Service temporarily unavailable, please retry");
  }
  if (hit(&fault_rates::http_500)) return error_response(500, "SERVER_ERROR", "Internal Server Error");
  if (hit(&fault_rates::something_bad_400)) {
    return error_response(400, "UNKNOWN_EXCEPTION",
                          "Something bad has happened. Please verify your input and try again.");
  }
  if (hit(&fault_rates::unknown_exception_500)) {
    return error_response(500, "UNKNOWN_EXCEPTION",
                          "An unexpected error occurred. Please include this ErrorId if you contact support: "
                          "1520493851-42317 (-1158224813)");
  }
  if (hit(&fault_rates::drop)) {
    return answer(error_response(503, "SERVER_UNAVAILABLE", "connection dropped"), wire_fault::drop);
  }
  if (hit(&fault_rates::empty)) return answer(json_response(200, ""), wire_fault::empty);
  if (hit(&fault_rates::malformed)) return answer(json_response(200, "{\"totalSize\":"), wire_fault::malformed);
  return std::nullopt;
}

}  // namespace

fault_injector::fault_injector(const fault_config& config)
    : config_(config),
      fault_rng_(sim::rng_streams(config_.seed).get("api/faults")),
      latency_rng_(sim::rng_streams(config_.seed).get("api/latency")) {}

std::optional<answer> fault_injector::draw(endpoint_class cls) {
  const fault_rates& cr = config_.per_class[static_cast<std::size_t>(cls)];
  if (config_.any.total() + cr.total() <= 0) return std::nullopt;
  const double u = sim::uniform_real(fault_rng_, 0.0, 1.0);
  auto out = fault_for(config_.any, cr, u);
  if (out) ++injected_;
  return out;
}

duration fault_injector::draw_latency() {
  if (config_.latency_ms_median <= 0) return duration{0};
  const double med_us = config_.latency_ms_median * 1000.0;
  const double p99_us = config_.latency_ms_p99 * 1000.0;
  const double sigma = p99_us > med_us ? std::log(p99_us / med_us) / 2.3263478740408408 : 0.0;
  const double us = sigma > 0 ? sim::lognormal(latency_rng_, std::log(med_us), sigma) : med_us;
  return duration{static_cast<std::int64_t>(us)};
}

}  // namespace pushsim::mock_org::api::detail
