#include "pushsim/push/wall_clock.hpp"

#include <chrono>
#include <thread>

namespace pushsim::push {

time_point system_wall_clock::now() { return std::chrono::time_point_cast<duration>(std::chrono::system_clock::now()); }

void system_wall_clock::sleep_for(duration d) { std::this_thread::sleep_for(d); }

}  // namespace pushsim::push
