#pragma once
// wall_clock: the wall time `pushsim push` reads and waits on (UTC, microseconds). Tests pass a fake whose
// sleep_for only advances its now(); the wall-clock loop of scheduler/http takes the same two functions.

#include "pushsim/base/time.hpp"

namespace pushsim::push {

class wall_clock {
 public:
  virtual ~wall_clock() = default;
  virtual time_point now() = 0;            // UTC
  virtual void sleep_for(duration d) = 0;  // blocks about d
};

// The system clock (std::chrono::system_clock) and a real sleep.
class system_wall_clock final : public wall_clock {
 public:
  time_point now() override;
  void sleep_for(duration d) override;
};

}  // namespace pushsim::push
