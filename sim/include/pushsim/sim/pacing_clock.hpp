#pragma once
// pacing_clock: sim time paced to wall time, for a simulation served live (`pushsim serve`).
//
//   sim time = anchor_sim + (wall - anchor_wall) * speed
//
// Frozen, the clock shows anchor_sim whatever the wall time. Unfreezing, or re-anchoring after the simulation was
// advanced at once, moves the anchor to (the current wall time, that sim time), so the clock runs on from there
// without a jump. The wall clock is injected (steady_clock by default) so tests can move it by hand. No Asio: the
// owner arms its own timer at next_wake().

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include "pushsim/sim/simulation.hpp"
#include "pushsim/sim/time.hpp"

namespace pushsim::sim {

class pacing_clock {
 public:
  using wall_clock = std::chrono::steady_clock;
  using wall_time = wall_clock::time_point;
  // Reads the wall clock (steady_clock::now by default; a test's hand-moved clock).
  using wall_source = std::function<wall_time()>;

  // The latest sim time the clock shows (and the latest an owner should move a simulation to):
  // 9999-12-31T23:59:59Z, the last second ISO-8601 writes with a four-digit year.
  static constexpr time_point sim_time_max =
      std::chrono::sys_days{std::chrono::year{9999} / 12 / 31} + std::chrono::seconds{86'399};
  // The longest wait next_wall_time() hands out, as an offset from the anchor's wall time (wall clocks overflow
  // a few centuries out; a far event is simply re-read when this wait ends).
  static constexpr std::chrono::seconds wall_wait_max{86'400 * 365};

  // Starts unfrozen, showing `start` at the wall time `now()` returns. speed: sim seconds per wall second, > 0
  // and finite (the caller checks user input; anything else is a bug and asserts).
  pacing_clock(time_point start, double speed, wall_source now = wall_clock::now);

  // The sim time at the current wall time.
  time_point sim_time() const { return sim_time_at(now_()); }
  // The sim time at wall time `wall` (a wall time before the anchor shows the anchor; capped at sim_time_max).
  time_point sim_time_at(wall_time wall) const;
  // The wall time at which the clock shows `t`: nullopt while frozen; the anchor's wall time for a `t` at or
  // before the anchor; at most wall_wait_max after the anchor.
  std::optional<wall_time> next_wall_time(time_point t) const;

  // Stops the clock at the current sim time.
  void freeze();
  // Runs the clock on from the sim time it was frozen at, starting now. No-op when not frozen.
  void unfreeze();
  // Says the simulation now stands at `sim_now` (e.g. after it was advanced at once): the clock shows `sim_now`
  // from the current wall time on. Keeps the frozen state.
  void reanchor(time_point sim_now);

  bool frozen() const { return frozen_; }
  // Sim seconds per wall second.
  double speed() const { return speed_; }

 private:
  wall_source now_;
  double speed_;
  bool frozen_ = false;
  wall_time anchor_wall_;
  time_point anchor_sim_;
};

// Runs every event of `s` due up to the clock's current sim time and moves s.now() there (never backwards).
// Returns the number of events run.
std::uint64_t catch_up(simulation& s, const pacing_clock& clock);

// The wall time at which the next pending event of `s` is due (nullopt: frozen, or nothing pending).
std::optional<pacing_clock::wall_time> next_wake(simulation& s, const pacing_clock& clock);

}  // namespace pushsim::sim
