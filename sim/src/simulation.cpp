#include "pushsim/sim/simulation.hpp"

#include <cstdio>

namespace pushsim::sim {

std::string run_digest::hex() const {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(state_));
  return buf;
}

void simulation::past_schedule(time_point t) const {
  const std::string msg =
      "simulation: event scheduled in the past: at " + format_iso8601(t) + " while now is " + format_iso8601(now_);
  detail::assert_fail("t >= now()", msg, __FILE__, __LINE__);
}

void simulation::negative_delay(duration d) const {
  const std::string msg =
      "simulation: negative delay of " + std::to_string(d.count()) + " us at " + format_iso8601(now_);
  detail::assert_fail("delay >= 0", msg, __FILE__, __LINE__);
}

bool simulation::step() {
  if (queue_.empty()) return false;
  const event_queue::popped p = queue_.pop();
  now_ = p.time;
  digest_.fold(to_us(p.time), p.kind);
  ++events_;
  queue_.run_popped(p.slot);
  return true;
}

std::uint64_t simulation::run() {
  stopped_ = false;
  const std::uint64_t before = events_;
  while (!stopped_ && step()) {
  }
  return events_ - before;
}

std::uint64_t simulation::run_until(time_point t) {
  PUSHSIM_ASSERT(t >= now_, "simulation: run_until() a time in the past: " + format_iso8601(t) + " while now is " +
                                format_iso8601(now_));
  stopped_ = false;
  const std::uint64_t before = events_;
  while (!stopped_ && !queue_.empty() && queue_.top_time() <= t) step();
  if (!stopped_) now_ = t;
  return events_ - before;
}

std::optional<time_point> simulation::next_event_time() {
  if (queue_.empty()) return std::nullopt;
  return queue_.top_time();
}

}  // namespace pushsim::sim
