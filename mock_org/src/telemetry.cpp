#include "pushsim/mock_org/telemetry.hpp"

#include <cmath>

namespace pushsim::mock_org {

telemetry::telemetry(sim::simulation& sim, const population& pop, telemetry_config config, std::uint64_t seed)
    : sim_(sim), pop_(pop), config_(config), rng_(sim::rng_streams(seed).get("telemetry")) {}

std::optional<duration> telemetry::detection_delay(org_index i, time_point at, break_cause cause, severity sev,
                                                   sim::rng& r) const {
  const double per_user = config_.per_user_hour[static_cast<std::size_t>(sev)];
  const double floor = config_.floor_per_hour[static_cast<std::size_t>(cause)];
  // First arrival of a Poisson process with rate lambda(t): the time where the integral of lambda reaches E ~ Exp(1).
  const double target = sim::exponential(r, 1.0);
  if (per_user <= 0 && floor <= 0) return std::nullopt;
  // Activity changes by the local hour, so hourly steps (rate taken at the middle of each hour) are exact for
  // whole-hour zones and close for the others.
  constexpr double step_h = 1.0;
  const duration step = std::chrono::hours(1);
  double acc = 0.0;
  const auto steps = static_cast<std::int64_t>(config_.horizon_s / (step_h * 3600.0));
  for (std::int64_t k = 0; k < steps; ++k) {
    const time_point mid = at + step * k + step / 2;
    const double rate = per_user * pop_.active_users(i, mid) + floor;  // per hour
    const double inc = rate * step_h;
    if (acc + inc >= target && inc > 0) {
      const double frac = (target - acc) / inc;
      const double found_s = (static_cast<double>(k) + frac) * step_h * 3600.0 + config_.triage_latency_s;
      return from_seconds(found_s);
    }
    acc += inc;
  }
  return std::nullopt;
}

std::optional<time_point> telemetry::report_breakage(org_index i, break_cause cause, severity sev) {
  const time_point now = sim_.now();
  const auto delay = detection_delay(i, now, cause, sev, rng_);
  if (!delay) return std::nullopt;
  std::uint32_t slot;
  if (!pending_free_.empty()) {
    slot = pending_free_.back();
    pending_free_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(pending_.size());
    pending_.emplace_back();
  }
  pending_[slot] = telemetry_signal{now + *delay, now, i, cause, sev};
  sim_.schedule_at(
      now + *delay, [this, slot] { appear(slot); }, 0x4D4F'0003u);
  return now + *delay;
}

void telemetry::appear(std::uint32_t slot) {
  feed_.push_back(pending_[slot]);
  pending_free_.push_back(slot);
  if (on_signal_) on_signal_(feed_.back());
}

}  // namespace pushsim::mock_org
