#include "pushsim/sim/pacing_clock.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "pushsim/base/assert.hpp"

namespace pushsim::sim {

pacing_clock::pacing_clock(time_point start, double speed, wall_source now)
    : now_(std::move(now)), speed_(speed), anchor_sim_(start) {
  PUSHSIM_ASSERT(now_, "pacing_clock needs a wall clock");
  PUSHSIM_ASSERT(speed > 0 && std::isfinite(speed),
                 "pacing_clock: speed must be > 0 and finite, got " + std::to_string(speed));
  anchor_wall_ = now_();
}

time_point pacing_clock::sim_time_at(wall_time wall) const {
  if (frozen_ || wall <= anchor_wall_) {
    return anchor_sim_;
  }
  // In double microseconds: (wall - anchor) * speed can pass what an int64 holds; the cap is applied first.
  const double wall_s = std::chrono::duration<double>(wall - anchor_wall_).count();
  const double offset_us = wall_s * speed_ * 1e6;
  const double room_us = std::max(0.0, static_cast<double>(to_us(sim_time_max) - to_us(anchor_sim_)));
  if (!(offset_us < room_us)) {
    return std::max(anchor_sim_, sim_time_max);
  }
  return anchor_sim_ + duration{static_cast<std::int64_t>(offset_us)};
}

std::optional<pacing_clock::wall_time> pacing_clock::next_wall_time(time_point t) const {
  if (frozen_) {
    return std::nullopt;
  }
  const double sim_us = static_cast<double>(to_us(t)) - static_cast<double>(to_us(anchor_sim_));
  if (sim_us <= 0) {
    return anchor_wall_;
  }
  const double wall_s = std::min(sim_us / 1e6 / speed_, static_cast<double>(wall_wait_max.count()));
  // Rounded up, so the clock shows at least `t` when the wall clock gets there.
  return anchor_wall_ + std::chrono::ceil<wall_clock::duration>(std::chrono::duration<double>(wall_s));
}

void pacing_clock::freeze() {
  if (frozen_) {
    return;
  }
  reanchor(sim_time());
  frozen_ = true;
}

void pacing_clock::unfreeze() {
  if (!frozen_) {
    return;
  }
  frozen_ = false;
  reanchor(anchor_sim_);
}

void pacing_clock::reanchor(time_point sim_now) {
  anchor_wall_ = now_();
  anchor_sim_ = sim_now;
}

std::uint64_t catch_up(simulation& s, const pacing_clock& clock) {
  const time_point target = clock.sim_time();
  return target > s.now() ? s.run_until(target) : 0;
}

std::optional<pacing_clock::wall_time> next_wake(simulation& s, const pacing_clock& clock) {
  const std::optional<time_point> next = s.next_event_time();
  if (!next) {
    return std::nullopt;
  }
  return clock.next_wall_time(*next);
}

}  // namespace pushsim::sim
