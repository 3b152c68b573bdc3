#pragma once
// Simulated time is calendar time (UTC, microseconds): the same type the scheduling core uses.
#include "pushsim/base/time.hpp"

namespace pushsim::sim {
using pushsim::duration;
using pushsim::time_point;
}  // namespace pushsim::sim
