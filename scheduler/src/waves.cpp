// The executor's waves and halts: a wave opens the next one once it has finished everywhere (or, for a
// follow_the_sun wave, region by region), baked, and the gates in force still hold; a gate that fails halts the
// run (every slot not started is not pushed, every request not yet running is canceled).

#include <algorithm>

#include "executor_state.hpp"

namespace pushsim::scheduler::detail {

void executor_state::halt(std::string reason, time_point now) {
  if (halted) return;
  halted = true;
  halt_reason = std::move(reason);
  write_journal(journal_halt{halt_reason, now});
  const std::string why = "halted: " + halt_reason;
  for (std::uint32_t si = 0; si < slots.size(); ++si) {
    auto& s = slots[si];
    if (s.ph == phase::waiting) {
      s.not_pushed_reason = why;
      finish_slot(si, now);
    } else if (s.ph != phase::finished) {
      s.cancel_wanted = true;
      s.cancel_reason = why;
      if (s.not_pushed_reason.empty()) s.not_pushed_reason = why;
    }
  }
  retry_slots.clear();
  wave_retry_slot.clear();
}

const gate_config& executor_state::gates_of(std::size_t w) const {
  if (w < waves.size()) {
    const auto it = cfg.gates_per_wave.find(waves[w].wave);
    if (it != cfg.gates_per_wave.end()) return it->second;
  }
  return cfg.gates;
}

const gate_config& executor_state::gates_now() const {
  std::size_t w = allowed_wave;
  for (std::uint32_t r = 0; r < region_allowed.size(); ++r) w = std::max(w, allowed_in(r));
  return gates_of(w);
}

void executor_state::check_gates(time_point now, const gate_config& g) {
  if (halted || paused(now)) return;
  auto why = tally.verdict(g);
  if (!why) return;
  if (!cfg.gate_review_pause) {
    halt(std::move(*why), now);
    return;
  }
  // Review: nothing new starts until the pause ends; what was seen is accepted.
  paused_until = now + *cfg.gate_review_pause;
  ++gate_pauses;
  tally.accept_reviewed();
}

duration executor_state::bake_of(int wave) const {
  const auto it = cfg.bake_time_per_wave.find(wave);
  return it == cfg.bake_time_per_wave.end() ? cfg.bake_time : it->second;
}

void executor_state::advance_waves(time_point now) {
  if (!advance_everywhere(now)) return;
  for (std::uint32_t r = 0; r < region_allowed.size(); ++r) {
    if (!advance_region(r, now)) return;
  }
}

// Everywhere: a wave finished in every region and baked opens the next one. False when the gates halted or paused
// the run.
bool executor_state::advance_everywhere(time_point now) {
  while (allowed_wave < waves.size()) {
    auto& w = waves[allowed_wave];
    if (w.open > 0 || !w.finished) break;
    if (now < *w.finished + bake_of(w.wave)) break;
    check_gates(now, gates_of(allowed_wave));
    if (halted || paused(now)) return false;
    w.gates_passed = true;
    tally.accept_seen_error_types();
    ++allowed_wave;
  }
  return true;
}

// Follow the sun: a region whose part of a follow_the_sun wave finished and baked opens its part of the next
// wave, judged by that wave's gates over everything seen so far (every region's results). False when the gates
// halted the run.
bool executor_state::advance_region(std::uint32_t r, time_point now) {
  while (true) {
    const std::size_t w = allowed_in(r);
    region_allowed[r] = w;
    if (w + 1 >= waves.size() || !cfg.follow_the_sun_waves.contains(waves[w].wave)) break;
    const auto& wr = waves[w].regions[r];
    if (wr.input_slots == 0 || wr.open > 0 || !wr.finished) break;  // no canary of its own: wait for all
    if (now < *wr.finished + bake_of(waves[w].wave)) break;
    check_gates(now, gates_of(w));
    if (halted || paused(now)) return false;
    tally.accept_seen_error_types();
    region_allowed[r] = w + 1;
  }
  return true;
}

void executor_state::want_bake_ends(wake_up& wake) const {
  if (allowed_wave < waves.size() && waves[allowed_wave].open == 0 && waves[allowed_wave].finished) {
    wake.want(*waves[allowed_wave].finished + bake_of(waves[allowed_wave].wave));
  }
  // The next regional hand-over (a region's part of a follow_the_sun wave done, baking).
  for (std::uint32_t r = 0; r < region_allowed.size(); ++r) {
    const std::size_t w = allowed_in(r);
    if (w + 1 >= waves.size() || !cfg.follow_the_sun_waves.contains(waves[w].wave)) continue;
    const auto& wr = waves[w].regions[r];
    if (wr.input_slots > 0 && wr.open == 0 && wr.finished) wake.want(*wr.finished + bake_of(waves[w].wave));
  }
}

}  // namespace pushsim::scheduler::detail
